import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.HOLD_SECONDS).toBe(300);
    expect(c.PORT).toBe(8080);
  });

  it('takes HTTP limits and TRUST_PROXY, and refuses an unknown limit', () => {
    const c = loadConfig({ RATE_LIMITS: 'http:auth=5,hold:create=9', TRUST_PROXY: 'true' });
    expect(c.TRUST_PROXY).toBe(true);
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ RATE_LIMITS: 'http:everything=5' })).toThrowError(/RATE_LIMITS/);
  });

  it('fails fast, naming every bad variable', () => {
    expect(() => loadConfig({ HOLD_SECONDS: 'soon', PORT: '99999' })).toThrowError(ConfigError);
    try {
      loadConfig({ HOLD_SECONDS: 'soon', PORT: '99999', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain('HOLD_SECONDS');
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL');
    }
  });
});
