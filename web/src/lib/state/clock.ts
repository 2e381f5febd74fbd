/**
 * The client's clock may be minutes off. Every hold carries the server's `serverNow`, so the
 * offset (server minus client) is measured when an answer arrives and countdowns run on the
 * corrected clock: a passenger with a wrong clock still sees the true time left.
 */
export function clockOffsetMs(serverNowIso: string, receivedAtClientMs: number): number {
  return Date.parse(serverNowIso) - receivedAtClientMs;
}

/** Milliseconds left until `expiresAt` on the server's clock (never negative). */
export function remainingMs(expiresAtIso: string, offsetMs: number, clientNowMs: number): number {
  return Math.max(0, Date.parse(expiresAtIso) - (clientNowMs + offsetMs));
}

/** "4:05" for a countdown; whole seconds are rounded up so 0:00 means it has really expired. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * The countdown for a screen reader: "4 minutes 5 seconds left", "1 minute left", "1 second
 * left". Rounded up like `formatCountdown`, so both say the same time.
 */
export function timeLeftInWords(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  if (total === 0) return 'no time left';
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  const parts = [
    minutes > 0 ? plural(minutes, 'minute') : null,
    seconds > 0 ? plural(seconds, 'second') : null,
  ].filter(Boolean);
  return `${parts.join(' ')} left`;
}

/** A warning is due once a minute or less is left, until the hold has run out. */
export function isExpiryWarningDue(ms: number, warnAtMs = 60_000): boolean {
  return ms > 0 && ms <= warnAtMs;
}
