import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'balancer-main.ts');

export interface Balancer {
  url: string;
  pid: number;
  /** Connections handed to each node so far. */
  perNode(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Starts the round-robin balancer (its own process, so its CPU is counted apart) in front of `ports`. */
export async function startBalancer(ports: number[]): Promise<Balancer> {
  const child: ChildProcess = fork(MAIN, ports.map(String), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (msg: { type: string; port: number }) => resolve(msg.port));
    child.once('exit', () => reject(new Error('the balancer exited while starting')));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    perNode: () =>
      new Promise((resolve) => {
        child.once('message', (msg: { perNode: number[] }) => resolve(msg.perNode));
        child.send({ type: 'stats' });
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
