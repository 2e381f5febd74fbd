/** How long a "being selected" mark shows. */
export const SELECTION_TTL_MS = 4000;

/**
 * Ephemeral "someone is looking at this seat" marks. In memory on a single node (the cluster
 * issue moves them to Redis); never in PostgreSQL. Also throttles how often one socket may mark.
 */
export class SelectionMarks {
  private readonly lastMarkBySocket = new Map<string, number[]>();

  /** Returns when the mark lapses, or null if this socket is marking too often (10 a second). */
  mark(socketId: string, now = Date.now()): Date | null {
    const recent = (this.lastMarkBySocket.get(socketId) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= 10) return null;
    recent.push(now);
    this.lastMarkBySocket.set(socketId, recent);
    return new Date(now + SELECTION_TTL_MS);
  }

  forget(socketId: string) {
    this.lastMarkBySocket.delete(socketId);
  }
}
