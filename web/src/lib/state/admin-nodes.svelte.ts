import type { NodeStats } from '@berth/shared';
import { describeError } from '../format/errors.ts';
import { pollWhileVisible } from './admin-poll.ts';
import type { Session } from './session.svelte.ts';

export const NODES_REFRESH_MS = 2_000;

/**
 * Live counters of every node of the cluster. A server without the endpoint answers NOT_FOUND:
 * then the panel says the figures are not available and stops asking.
 */
export class NodeStatsFeed {
  #nodes = $state<NodeStats[] | null>(null);
  #unavailable = $state(false);
  #error = $state<string | null>(null);
  #stop: (() => void) | null = null;

  constructor(private readonly session: Session) {}

  get nodes(): NodeStats[] | null {
    return this.#nodes;
  }
  get unavailable(): boolean {
    return this.#unavailable;
  }
  get error(): string | null {
    return this.#error;
  }

  start(): () => void {
    this.#stop = pollWhileVisible(() => this.refresh(), NODES_REFRESH_MS);
    return () => this.#stop?.();
  }

  async refresh(): Promise<void> {
    const ack = await this.session.api('adminNodes');
    if (ack.ok) {
      this.#nodes = [...ack.data].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
      this.#error = null;
    } else if (ack.error.code === 'NOT_FOUND') {
      this.#unavailable = true;
      this.#stop?.();
    } else {
      this.#error = describeError(ack.error);
    }
  }
}
