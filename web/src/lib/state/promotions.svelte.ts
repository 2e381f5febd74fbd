import type { BookingUpdated } from '@berth/shared';
import type { Connection } from '../realtime/connection.svelte.ts';
import type { Session } from './session.svelte.ts';

export interface PromotionNotice {
  pnr: string;
  /** Where the party stands now, per passenger (`CNF S1/36 LB`, `RAC 3`). */
  standings: string[];
}

/**
 * "You moved up": a promotion happens because of someone else's cancellation, so the passenger
 * is told wherever they are in the app, not only on the booking's own page. The push says which
 * booking; its new standing is read, so the notice shows what the server committed.
 */
export class Promotions {
  #notices = $state<PromotionNotice[]>([]);

  constructor(
    private readonly session: Session,
    private readonly live: Connection,
  ) {}

  get notices(): PromotionNotice[] {
    return this.#notices;
  }

  dismiss(pnr: string): void {
    this.#notices = this.#notices.filter((n) => n.pnr !== pnr);
  }

  /** Follows the user's pushes until the returned function is called. */
  start(): () => void {
    const onUpdated = (p: BookingUpdated) => {
      if (p.promoted) void this.#show(p.pnr);
    };
    this.live.socket.on('booking:updated', onUpdated);
    // Another user signing in on this browser does not see the last one's news.
    const unsubscribe = this.session.subscribe((_, userChanged) => {
      if (userChanged) this.#notices = [];
    });
    return () => {
      this.live.socket.off('booking:updated', onUpdated);
      unsubscribe();
    };
  }

  async #show(pnr: string): Promise<void> {
    const ack = await this.session.api('booking', { params: { pnr } });
    if (!ack.ok) return;
    const notice = { pnr, standings: ack.data.passengers.map((p) => p.standing) };
    this.#notices = [...this.#notices.filter((n) => n.pnr !== pnr), notice];
  }
}
