import { describe, expect, it } from 'vitest';
import { compactChange } from './admin-audit.svelte.ts';

describe('compactChange', () => {
  it('names only the keys that changed', () => {
    expect(compactChange({ status: 'held', fare: 10 }, { status: 'confirmed', fare: 10 })).toBe(
      'status held → confirmed',
    );
  });
  it('shows the new value when there was none before, and the old one when it is gone', () => {
    expect(compactChange(null, { status: 'held' })).toBe('status held');
    expect(compactChange({ status: 'held' }, null)).toBe('was status held');
  });
  it('copes with plain values', () => {
    expect(compactChange(1, 2)).toBe('1 → 2');
    expect(compactChange({ a: 1 }, { a: 1 })).toBe('no change');
  });
});
