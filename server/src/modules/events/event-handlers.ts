import { rooms, type BookingStatus } from '@berth/shared';
import type { MikroORM } from '@mikro-orm/postgresql';
import { transaction, type SqlTx } from '../../common/sql.ts';
import {
  bookingUpdated,
  outboxNodeEvent,
  outboxPush,
  type OutboxMessage,
} from '../audit/outbox-push.ts';
import { recordTransitions, systemActor, type AuditRecord } from '../audit/transition-writer.ts';
import {
  peekRaised,
  takeRaised,
  type BookingRef,
  type DomainEventType,
  type EventOf,
} from './domain-events.ts';

/** What a handler wants written for an event: audit rows and outbox messages. */
export interface Effects {
  audits?: AuditRecord[];
  pushes?: OutboxMessage[];
}
type Handler<T extends DomainEventType> = (event: EventOf<T>) => Effects;

/** The audit actions, as the audit trail and the integrity checker read them. */
export const ACTIONS = {
  hold: 'HOLD',
  release: 'RELEASE',
  expire: 'EXPIRE',
  payStarted: 'PAY_STARTED',
  payConfirmed: 'PAY_CONFIRMED',
  payDeclined: 'PAY_DECLINED',
  cancel: 'CANCEL',
  promote: 'PROMOTE',
  refundStarted: 'REFUND_STARTED',
  refundSucceeded: 'REFUND_SUCCEEDED',
  sessionRevoked: 'session.revoked',
} as const;

const audit = (
  e: { actor?: AuditRecord['actor']; booking: { id: number } },
  action: string,
  before: AuditRecord['before'],
  after: AuditRecord['after'],
): AuditRecord => ({
  actor: e.actor ?? systemActor,
  action,
  bookingId: e.booking.id,
  before,
  after,
});

const statusPush = (e: { booking: BookingRef }, status: BookingStatus) =>
  bookingUpdated(e.booking.userId, { bookingId: e.booking.id, pnr: e.booking.pnr, status });

/**
 * Each event's effects, by event type: one place says what every transition audits and pushes.
 * More than one handler may listen to an event (`on`).
 */
const handlers: { [T in DomainEventType]: Handler<T>[] } = {
  'seats.changed': [
    (e) => ({
      pushes: [outboxPush('seats:changed', rooms.run(e.runId), { runId: e.runId, seats: e.seats })],
    }),
  ],
  // Promotion reacts to it (react, below): it needs the database, which handlers never touch.
  'seats.freed': [],
  'booking.held': [
    (e) => ({
      audits: [audit(e, ACTIONS.hold, null, { status: 'held' })],
      pushes: [statusPush(e, 'held')],
    }),
  ],
  'booking.released': [
    (e) => ({
      audits: [audit(e, ACTIONS.release, { status: 'held' }, { status: 'released' })],
      pushes: [statusPush(e, 'released')],
    }),
  ],
  'booking.expired': [
    (e) => ({
      audits: [audit(e, ACTIONS.expire, { status: e.was }, { status: 'expired' })],
      pushes: [
        outboxPush('hold:expired', rooms.user(e.booking.userId), {
          bookingId: e.booking.id,
          pnr: e.booking.pnr,
        }),
        statusPush(e, 'expired'),
      ],
    }),
  ],
  'booking.paying': [
    (e) => ({
      audits: [audit(e, ACTIONS.payStarted, { status: 'held' }, { status: 'paying' })],
      pushes: [statusPush(e, 'paying')],
    }),
  ],
  'booking.confirmed': [
    (e) => ({
      audits: [audit(e, ACTIONS.payConfirmed, { status: 'paying' }, { status: e.status })],
      pushes: [statusPush(e, e.status)],
    }),
  ],
  'booking.promoted': [
    (e) => ({
      audits: [audit(e, ACTIONS.promote, { status: e.from }, { status: e.to })],
      pushes: [
        bookingUpdated(e.booking.userId, {
          bookingId: e.booking.id,
          pnr: e.booking.pnr,
          status: e.to,
          promoted: true,
        }),
      ],
    }),
  ],
  'queue.changed': [
    (e) => ({
      pushes: [
        outboxPush('queue:changed', rooms.run(e.runId), {
          runId: e.runId,
          classCode: e.classCode,
        }),
        // A WL or RAC number is a rank, never stored: no status changed, so no other push
        // would tell the people behind that they moved up.
        ...e.movedUp.map((b) => statusPush({ booking: b }, b.status)),
      ],
    }),
  ],
  'payment.declined': [
    (e) => ({
      audits: [audit(e, ACTIONS.payDeclined, { status: 'paying' }, { status: 'held' })],
      pushes: [statusPush(e, 'held')],
    }),
  ],
  'booking.cancelled': [
    (e) => ({
      audits: [
        audit(
          e,
          ACTIONS.cancel,
          { status: e.was },
          { status: 'cancelled', refund: 'pending', reason: e.reason },
        ),
      ],
      pushes: [statusPush(e, 'cancelled')],
    }),
  ],
  'refund.started': [
    (e) => ({
      audits: [
        audit(e, ACTIONS.refundStarted, { refund: null }, { refund: 'pending', reason: e.reason }),
      ],
      pushes: [statusPush(e, e.status)],
    }),
  ],
  'refund.succeeded': [
    (e) => ({
      audits: [audit(e, ACTIONS.refundSucceeded, { refund: 'pending' }, { refund: 'succeeded' })],
      pushes: [
        bookingUpdated(e.booking.userId, {
          bookingId: e.booking.id,
          pnr: e.booking.pnr,
          refund: 'succeeded',
        }),
      ],
    }),
  ],
  'hold.expiring': [
    (e) => ({
      pushes: [
        outboxPush('hold:expiring', rooms.user(e.booking.userId), {
          bookingId: e.booking.id,
          pnr: e.booking.pnr,
          expiresAt: e.expiresAt,
          serverNow: e.serverNow,
        }),
      ],
    }),
  ],
  'session.revoked': [
    (e) => ({
      audits: [
        {
          actor: e.actor,
          action: ACTIONS.sessionRevoked,
          bookingId: null,
          before: null,
          after: { userId: e.userId, familyId: e.familyId, reason: e.reason },
        },
      ],
      pushes: [outboxNodeEvent('session:revoked', { userId: e.userId, familyId: e.familyId })],
    }),
  ],
};

/** Adds a handler of an event (another module's reaction to it). */
export function on<T extends DomainEventType>(type: T, handler: Handler<T>): void {
  (handlers[type] as Handler<T>[]).push(handler);
}

/**
 * Reactions are what a module does about events inside the same transaction, before the flush:
 * unlike handlers they may read, lock and write (promotion reacts to `seats.freed`). Each gets
 * every event of its type the transaction raised, once; what a reaction raises is flushed with
 * the rest, not reacted to again.
 */
type Reaction<T extends DomainEventType> = (tx: SqlTx, events: EventOf<T>[]) => Promise<void>;
const reactions = new Map<DomainEventType, Reaction<DomainEventType>[]>();

/** Adds a reaction to an event type (see Reaction); adding the same one twice adds it once. */
export function react<T extends DomainEventType>(type: T, reaction: Reaction<T>): void {
  const list = reactions.get(type) ?? [];
  const general = reaction as unknown as Reaction<DomainEventType>;
  if (!list.includes(general)) list.push(general);
  reactions.set(type, list);
}

async function runReactions(tx: SqlTx): Promise<void> {
  const events = peekRaised(tx);
  for (const [type, list] of reactions) {
    const ofType = events.filter((e) => e.type === type);
    if (ofType.length === 0) continue;
    for (const reaction of list) await reaction(tx, ofType);
  }
}

/**
 * Writes the effects of every event raised in `tx`, in one statement, as its last before the
 * commit. Called by the engine's `tx` for every transaction.
 */
export async function flushEvents(tx: SqlTx): Promise<number> {
  const audits: AuditRecord[] = [];
  const pushes: OutboxMessage[] = [];
  for (const event of takeRaised(tx)) {
    for (const handler of handlers[event.type] as Handler<typeof event.type>[]) {
      const effects = handler(event);
      audits.push(...(effects.audits ?? []));
      pushes.push(...(effects.pushes ?? []));
    }
  }
  await recordTransitions(tx, audits, pushes);
  return pushes.length;
}

/**
 * One short transaction whose raised events are flushed (audit rows and outbox rows, one
 * statement) just before it commits: the way every transaction that changes state runs. After a
 * commit that wrote outbox rows, `wakeRelay` is called: this node's relay pushes them now.
 */
export async function transactionWithEvents<T>(
  orm: MikroORM,
  wakeRelay: (() => void) | undefined,
  work: (tx: SqlTx) => Promise<T>,
): Promise<T> {
  let written = 0;
  const value = await transaction(orm, async (tx) => {
    const result = await work(tx);
    await runReactions(tx);
    written = await flushEvents(tx);
    return result;
  });
  if (written > 0) wakeRelay?.();
  return value;
}
