import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startBerth, type BerthProcess } from './support/server.ts';

let berth: BerthProcess | undefined;

/** Builds the web client as it is now, then starts one real Berth node for every e2e file. */
export async function setup(project: TestProject) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url)), 'build', '--logLevel', 'warn'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
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
