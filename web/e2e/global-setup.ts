import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startBerth, WEB_BUILD, type BerthProcess } from './support/server.ts';

let berth: BerthProcess | undefined;

/** Builds the web client as it is now, then starts one real Berth node for every e2e file. */
export async function setup(project: TestProject) {
  const web = fileURLToPath(new URL('..', import.meta.url));
  // Builds share `.svelte-kit/`: one at a time on a machine (flock), each into its own folder.
  execFileSync(
    'flock',
    [
      '/tmp/berth-web-build.lock',
      process.execPath,
      'node_modules/vite/bin/vite.js',
      'build',
      '--logLevel',
      'warn',
    ],
    { cwd: web, stdio: 'inherit', env: { ...process.env, BERTH_WEB_OUT: WEB_BUILD } },
  );
  berth = await startBerth();
  project.provide('berthUrl', berth.url);
}

export async function teardown() {
  await berth?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    berthUrl: string;
  }
}
