import { describe, expect, it } from 'vitest';
import { ServerClock } from './server-clock.svelte.ts';

describe('the server clock', () => {
  it('says a train has left by the server clock, whatever the client clock says', () => {
    let client = Date.parse('2026-12-01T07:00:00Z');
    const clock = new ServerClock(() => client);
    // The client's clock is 10 minutes slow: the server says 07:10 when the client says 07:00.
    clock.learn('2026-12-01T07:10:00.000Z', client);
    expect(clock.hasLeft('2026-12-01T07:05:00.000Z')).toBe(true);
    expect(clock.hasLeft('2026-12-01T07:15:00.000Z')).toBe(false);
    // The train leaves while the page is open: the next tick turns it.
    client += 6 * 60_000;
    clock.learn('2026-12-01T07:16:00.000Z', client);
    expect(clock.hasLeft('2026-12-01T07:15:00.000Z')).toBe(true);
  });
});
