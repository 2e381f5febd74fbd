import type { Redis } from 'ioredis';

/** How long a "being selected" mark shows. */
export const SELECTION_TTL_MS = 4000;

export interface Mark {
  seatId: number;
  until: string;
}

/**
 * Ephemeral "someone is looking at this seat" marks: kept in Redis (shared by every node, gone
 * by themselves) and in this node's memory while Redis is down or absent; never in PostgreSQL.
 * Also throttles how often one socket may mark (10 a second).
 */
export class SelectionMarks {
  private readonly recentBySocket = new Map<string, number[]>();
  private readonly local = new Map<number, Map<number, number>>();

  constructor(private readonly redis: Redis | null) {}

  /** Records a mark; returns when it lapses, or null if this socket is marking too often. */
  async mark(
    socketId: string,
    runId: number,
    seatId: number,
    now = Date.now(),
  ): Promise<Date | null> {
    const recent = (this.recentBySocket.get(socketId) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= 10) return null;
    recent.push(now);
    this.recentBySocket.set(socketId, recent);
    const until = now + SELECTION_TTL_MS;
    try {
      if (!this.redis) throw new Error('no redis');
      const key = `berth:sel:${runId}`;
      await this.redis
        .multi()
        .hset(key, String(seatId), String(until))
        .pexpire(key, SELECTION_TTL_MS)
        .exec();
    } catch {
      let marks = this.local.get(runId);
      if (!marks) this.local.set(runId, (marks = new Map<number, number>()));
      marks.set(seatId, until);
    }
    return new Date(until);
  }

  /** The run's marks that have not lapsed, for a watcher's snapshot. */
  async current(runId: number, now = Date.now()): Promise<Mark[]> {
    const merged = new Map<number, number>(this.local.get(runId) ?? []);
    try {
      if (this.redis) {
        const stored = await this.redis.hgetall(`berth:sel:${runId}`);
        for (const [seat, until] of Object.entries(stored)) {
          merged.set(Number(seat), Math.max(Number(until), merged.get(Number(seat)) ?? 0));
        }
      }
    } catch {
      // Redis down: this node's own marks are what there is.
    }
    const marks: Mark[] = [];
    for (const [seatId, until] of merged) {
      if (until > now) marks.push({ seatId, until: new Date(until).toISOString() });
      else this.local.get(runId)?.delete(seatId);
    }
    return marks;
  }

  forget(socketId: string) {
    this.recentBySocket.delete(socketId);
  }
}
