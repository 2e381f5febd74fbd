import { describe, expect, it } from 'vitest';
import { CommandRetry, MAX_RETRY_AFTER_MS, RETRY_UNAVAILABLE_MS } from './retry.ts';

describe('the command retry policy', () => {
  it('sends an OVERLOADED command again once, after the wait it was given', () => {
    const retry = new CommandRetry(() => 0);
    const busy = { code: 'OVERLOADED', details: { retryAfterMs: 250 } };
    expect(retry.waitBefore(busy)).toBe(250);
    expect(retry.waitBefore(busy)).toBeNull();
  });

  it('retries UNAVAILABLE with a wait until the failover time is up, and never waits too long', () => {
    let now = 0;
    const retry = new CommandRetry(() => now);
    const away = { code: 'UNAVAILABLE', details: { retryAfterMs: 60_000 } };
    expect(retry.waitBefore(away)).toBe(MAX_RETRY_AFTER_MS);
    now = RETRY_UNAVAILABLE_MS - 1;
    expect(retry.waitBefore(away)).toBe(MAX_RETRY_AFTER_MS);
    now = RETRY_UNAVAILABLE_MS;
    expect(retry.waitBefore(away)).toBeNull();
  });

  it('leaves every other answer as it is: offline (no wait given), refusals, internal errors', () => {
    const retry = new CommandRetry(() => 0);
    expect(retry.waitBefore({ code: 'UNAVAILABLE' })).toBeNull();
    expect(retry.waitBefore({ code: 'SEAT_TAKEN', details: { seatIds: [1] } })).toBeNull();
    expect(retry.waitBefore({ code: 'INTERNAL' })).toBeNull();
  });
});
