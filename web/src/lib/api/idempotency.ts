/**
 * A fresh idempotency key. `crypto.randomUUID` exists only on secure origins (https, localhost);
 * a Berth node reached over plain http on a LAN still needs keys, so fall back to random bytes.
 */
export function newIdempotencyKey(prefix: string): string {
  if (typeof crypto.randomUUID === 'function') return `${prefix}-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
