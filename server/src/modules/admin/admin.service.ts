import {
  auditQuerySchema,
  occupancyRequestSchema,
  type AdminStats,
  type AuditPage,
  type RunOccupancy,
} from '@berth/shared';
import type { FilterQuery } from '@mikro-orm/core';
import { DomainError } from '../../common/errors.ts';
import { query } from '../../common/sql.ts';
import { parse } from '../../common/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { AuditEntry } from '../audit/audit.entities.ts';
import type { Actor } from '../audit/transition-writer.ts';

export function assertAdmin(actor: Actor) {
  if (actor.role !== 'admin')
    throw new DomainError('FORBIDDEN', 'Only an administrator can see this.');
}

export async function adminStats(ctx: EngineContext, actor: Actor): Promise<AdminStats> {
  assertAdmin(actor);
  const em = ctx.em();
  const byStatus = await query<{ status: string; n: string }>(
    em,
    `select status, count(*) as n from bookings group by status`,
  );
  const [money] = await query<{
    live_holds: string;
    revenue: string;
    refunded: string;
    pending_payments: string;
    pending_refunds: string;
    unpublished: string;
  }>(
    em,
    `select (select count(*) from bookings where status in ('held', 'paying') and hold_until > now()) as live_holds,
            (select coalesce(sum(amount_paise), 0) from payments where status = 'succeeded') as revenue,
            (select coalesce(sum(amount_paise), 0) from refunds where status = 'succeeded') as refunded,
            (select count(*) from payments where status = 'pending') as pending_payments,
            (select count(*) from refunds where status = 'pending') as pending_refunds,
            (select count(*) from outbox where published_at is null) as unpublished`,
  );
  return {
    bookingsByStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])),
    liveHolds: Number(money!.live_holds),
    revenuePaise: Number(money!.revenue),
    refundedPaise: Number(money!.refunded),
    pendingPayments: Number(money!.pending_payments),
    pendingRefunds: Number(money!.pending_refunds),
    unpublishedEvents: Number(money!.unpublished),
  };
}

/** Occupancy per run and class for runs whose service date is in [from, to] (default: next 7 days). */
export async function runOccupancy(
  ctx: EngineContext,
  actor: Actor,
  input: unknown = {},
): Promise<RunOccupancy[]> {
  assertAdmin(actor);
  const req = parse(occupancyRequestSchema, input);
  const rows = await query<{
    run_id: number;
    number: string;
    service_date: string;
    class_code: string;
    capacity: string;
    seats_sold: string;
    sold_legs: string;
    legs: number;
    live_holds: string;
    rac: number;
    waitlisted: number;
  }>(
    ctx.em(),
    `select r.id as run_id, t.number, to_char(r.service_date, 'YYYY-MM-DD') as service_date, s.class_code,
            count(distinct s.id) as capacity,
            count(distinct s.id) filter (where b.status in ('confirmed', 'rac')) as seats_sold,
            coalesce(sum((upper(bs.stops) - lower(bs.stops)) * (upper(bs.part) - lower(bs.part)) / 2.0)
              filter (where b.status in ('confirmed', 'rac')), 0) as sold_legs,
            (select max(seq) from train_stops where train_id = r.train_id) as legs,
            count(distinct b.id) filter (where b.status in ('held', 'paying') and b.hold_until > now()) as live_holds,
            ${queuedPassengers('rac')} as rac,
            ${queuedPassengers('waitlisted')} as waitlisted
       from runs r
       join trains t on t.id = r.train_id
       join seats s on s.run_id = r.id
       left join booking_seats bs on bs.seat_id = s.id and bs.active
       left join bookings b on b.id = bs.booking_id
      where r.service_date between coalesce(?::date, current_date) and coalesce(?::date, current_date + 6)
      group by r.id, t.number, r.service_date, s.class_code
      order by r.service_date, t.number, s.class_code`,
    [req.from ?? null, req.to ?? null],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    trainNumber: r.number,
    serviceDate: r.service_date,
    classCode: r.class_code,
    capacity: Number(r.capacity),
    seatsSold: Number(r.seats_sold),
    utilisation:
      Number(r.capacity) && r.legs ? Number(r.sold_legs) / (Number(r.capacity) * r.legs) : 0,
    liveHolds: Number(r.live_holds),
    racPassengers: r.rac,
    waitlistedPassengers: r.waitlisted,
  }));
}

/** SQL: the passengers of the run `r`'s class `s.class_code` in a queue (for runOccupancy). */
const queuedPassengers = (status: 'rac' | 'waitlisted') =>
  `(select count(*)::int from bookings q join booking_passengers p on p.booking_id = q.id
     where q.run_id = r.id and q.class_code = s.class_code and q.status = '${status}')`;

/**
 * The audit trail, newest first, paged by id so concurrent appends never shift a page. A user
 * actor comes with the user's name and email (only admins read this); the actor filter takes
 * the raw actor (`user:12`, `SYSTEM`) or a user's email.
 */
export async function auditTrail(
  ctx: EngineContext,
  actor: Actor,
  input: unknown = {},
): Promise<AuditPage> {
  assertAdmin(actor);
  const req = parse(auditQuerySchema, input);
  const where: FilterQuery<AuditEntry> = {};
  if (req.cursor !== undefined) where.id = { $lt: req.cursor };
  if (req.bookingId !== undefined) where.bookingId = req.bookingId;
  if (req.action !== undefined) where.action = req.action;
  if (req.actor !== undefined)
    where.$or = [{ actor: req.actor }, { actorUser: { email: req.actor.toLowerCase() } }];
  const rows = await ctx.em().find(AuditEntry, where, {
    populate: ['actorUser'],
    fields: ['*', 'actorUser.name', 'actorUser.email'],
    orderBy: { id: 'desc' },
    limit: req.limit + 1,
  });
  const page = rows.slice(0, req.limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorUser: r.actorUser
        ? { id: r.actorUser.id, name: r.actorUser.name, email: r.actorUser.email }
        : null,
      action: r.action,
      bookingId: r.bookingId ?? null,
      before: r.before ?? null,
      after: r.after ?? null,
    })),
    nextCursor: rows.length > req.limit ? page[page.length - 1]!.id : null,
  };
}
