import { describe, expect, it } from 'vitest';
import {
  clockOffsetMs,
  formatCountdown,
  isExpiryWarningDue,
  remainingMs,
  timeLeftInWords,
} from './clock.ts';

describe('countdown on a skewed client clock', () => {
  const serverNow = '2026-11-23T10:00:00.000Z';
  const expiresAt = '2026-11-23T10:05:00.000Z';

  it('shows the true time left when the client clock runs 3 minutes slow', () => {
    const clientNow = Date.parse(serverNow) - 3 * 60_000;
    const offset = clockOffsetMs(serverNow, clientNow);
    expect(offset).toBe(180_000);
    expect(remainingMs(expiresAt, offset, clientNow)).toBe(300_000);
    expect(formatCountdown(remainingMs(expiresAt, offset, clientNow + 61_000))).toBe('3:59');
  });

  it('shows the true time left when the client clock runs 10 minutes fast', () => {
    const clientNow = Date.parse(serverNow) + 10 * 60_000;
    const offset = clockOffsetMs(serverNow, clientNow);
    // Uncorrected, the hold would look long expired.
    expect(Date.parse(expiresAt) - clientNow).toBeLessThan(0);
    expect(remainingMs(expiresAt, offset, clientNow)).toBe(300_000);
    expect(remainingMs(expiresAt, offset, clientNow + 300_000)).toBe(0);
    expect(remainingMs(expiresAt, offset, clientNow + 400_000)).toBe(0);
  });

  it('rounds up, so 0:00 only shows once the hold has really run out', () => {
    expect(formatCountdown(300_000)).toBe('5:00');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  it('warns in the last minute and not after expiry', () => {
    expect(isExpiryWarningDue(61_000)).toBe(false);
    expect(isExpiryWarningDue(60_000)).toBe(true);
    expect(isExpiryWarningDue(1)).toBe(true);
    expect(isExpiryWarningDue(0)).toBe(false);
  });
});

describe('the countdown in words', () => {
  it('says minutes and seconds with the right plural, rounded up like the digits', () => {
    expect(timeLeftInWords(245_000)).toBe('4 minutes 5 seconds left');
    expect(timeLeftInWords(60_000)).toBe('1 minute left');
    expect(timeLeftInWords(61_000)).toBe('1 minute 1 second left');
    expect(timeLeftInWords(45_000)).toBe('45 seconds left');
    expect(timeLeftInWords(400)).toBe('1 second left');
    expect(timeLeftInWords(0)).toBe('no time left');
    expect(formatCountdown(400)).toBe('0:01');
  });
});
