import { defineConfig } from 'vitest/config';

// End-to-end: real Chromium against one real Berth node on a real PostgreSQL (global setup).
// Files run one after another: they share the node and the 2 cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 150_000,
  },
});
