import { randomInt } from 'node:crypto';

// No 0/O or 1/I: a PNR is read aloud and typed by hand.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random 10-character PNR (50 bits); the unique index catches the rare collision. */
export function newPnr(): string {
  let pnr = '';
  for (let i = 0; i < 10; i++) pnr += ALPHABET[randomInt(ALPHABET.length)];
  return pnr;
}
