import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadtestRoot, repoRoot } from '../src/options.ts';

const require = createRequire(import.meta.url);
const artilleryDir = path.dirname(require.resolve('artillery/package.json'));

describe("Artillery's telemetry", () => {
  it('resolves posthog-node, from where Artillery requires it, to our no-op package', () => {
    const fromTelemetry = createRequire(path.join(artilleryDir, 'lib', 'telemetry.js'));
    const resolved = fs.realpathSync(fromTelemetry.resolve('posthog-node'));
    expect(resolved).toBe(path.join(loadtestRoot, 'vendor', 'posthog-noop', 'index.js'));
    const posthog = fromTelemetry('posthog-node') as { BERTH_NOOP?: boolean };
    expect(posthog.BERTH_NOOP).toBe(true);
  });

  it('leaves no real posthog-node anywhere in the install', () => {
    const store = fs.readdirSync(path.join(repoRoot, 'node_modules', '.pnpm'));
    expect(store.filter((name) => name.startsWith('posthog-node@'))).toEqual([]);
  });

  it('is switched off in the lockfile as well: pnpm overrides posthog-node with the link', () => {
    const lock = fs.readFileSync(path.join(repoRoot, 'pnpm-lock.yaml'), 'utf8');
    expect(lock).toMatch(
      /overrides:\n(\s+.*\n)*?\s+posthog-node: link:\.\/loadtest\/vendor\/posthog-noop/,
    );
  });
});
