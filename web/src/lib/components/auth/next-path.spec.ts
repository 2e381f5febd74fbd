import { describe, expect, it } from 'vitest';
import { safeNext, withNext } from './next-path.ts';

describe('safeNext', () => {
  it('follows paths on this site', () => {
    expect(safeNext('/bookings')).toBe('/bookings');
    expect(safeNext('/pnr/ABC?x=1')).toBe('/pnr/ABC?x=1');
  });
  it('refuses anything that leaves the site', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'bookings',
      '',
    ]) {
      expect(safeNext(bad)).toBe('/');
    }
    expect(safeNext(null)).toBe('/');
  });
  it('builds sign-in links that come back', () => {
    expect(withNext('/login', '/bookings')).toBe('/login?next=%2Fbookings');
    expect(withNext('/register', '/')).toBe('/register');
  });
});
