/**
 * The sign-ins (refresh-token families) revoked lately, in this node's memory: what every access
 * token check reads (HTTP, handshake, each socket command), so none of them queries the database.
 * It learns of a revocation from the outbox (every node, see startOutboxRelay), at once when this
 * node made it, and from the database at start (`load`). An entry is kept until every access
 * token the family can still have has expired: those are the only tokens it would refuse; its
 * refresh tokens stay refused in the database for good.
 */
export class RevokedFamilies {
  private readonly until = new Map<string, number>();

  /** `keepMs`: an access token's lifetime plus a margin for clocks. */
  constructor(private readonly keepMs: number) {}

  has(familyId: string): boolean {
    const until = this.until.get(familyId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(familyId);
    return false;
  }

  /** Remembers a revocation made at `revokedAt` (ms since epoch). */
  add(familyId: string, revokedAt = Date.now()): void {
    const until = revokedAt + this.keepMs;
    if (until <= Date.now()) return;
    if ((this.until.get(familyId) ?? 0) < until) this.until.set(familyId, until);
    if (this.until.size % 1024 === 0) this.prune();
  }

  get size(): number {
    return this.until.size;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
  }
}
