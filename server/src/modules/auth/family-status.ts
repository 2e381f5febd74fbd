/**
 * Remembers for a short while which refresh families were seen NOT revoked, so a burst of socket
 * handshakes costs one query per family rather than one each. Revocation is permanent and
 * "not revoked" is only trusted for `ttlMs` after the query that found it started, so a family
 * revoked on any node is refused everywhere within `ttlMs`; on the node that revoked it, at once.
 */
export class FamilyStatusCache {
  private readonly okUntil = new Map<string, number>();
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly lookup: (familyId: string) => Promise<boolean>,
    private readonly ttlMs = 2000,
    private readonly maxEntries = 50_000,
  ) {}

  /** Whether the family is revoked; concurrent asks for one family share one query. */
  isRevoked(familyId: string): Promise<boolean> {
    const until = this.okUntil.get(familyId);
    if (until !== undefined && until > Date.now()) return Promise.resolve(false);
    return this.pending.get(familyId) ?? this.fetch(familyId);
  }

  /** Called by this node when it revokes a family: stop trusting what it knew. */
  forget(familyId: string): void {
    this.okUntil.delete(familyId);
    this.pending.delete(familyId);
  }

  private fetch(familyId: string): Promise<boolean> {
    const startedAt = Date.now();
    const settle = () => {
      // Only the latest ask records its answer: a forget() since then means it may be stale.
      const current = this.pending.get(familyId) === asked;
      if (current) this.pending.delete(familyId);
      return current;
    };
    const asked: Promise<boolean> = this.lookup(familyId).then(
      (revoked) => {
        if (settle() && !revoked) this.remember(familyId, startedAt + this.ttlMs);
        return revoked;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    this.pending.set(familyId, asked);
    return asked;
  }

  private remember(familyId: string, until: number): void {
    if (this.okUntil.size >= this.maxEntries) {
      const now = Date.now();
      for (const [id, t] of this.okUntil) if (t <= now) this.okUntil.delete(id);
      if (this.okUntil.size >= this.maxEntries) this.okUntil.clear();
    }
    this.okUntil.set(familyId, until);
  }
}
