import { REFUND_REASONS } from '@berth/shared';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../auth/user.entity.ts';
import { Booking } from '../booking/booking.entities.ts';

export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payments',
  properties: {
    id: p.bigint('number').primary(),
    booking: () => p.manyToOne(Booking),
    user: () => p.manyToOne(User),
    idempotencyKey: p.text(),
    amountPaise: p.integer(),
    status: p.enum(['pending', 'succeeded', 'failed']),
    gatewayRef: p.text().nullable(),
    failureReason: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type Payment = InferEntity<typeof Payment>;

export const Refund = defineEntity({
  name: 'Refund',
  tableName: 'refunds',
  properties: {
    id: p.bigint('number').primary(),
    booking: () => p.manyToOne(Booking),
    payment: () => p.oneToOne(Payment).owner(),
    amountPaise: p.integer(),
    reason: p.enum([...REFUND_REASONS]),
    status: p.enum(['pending', 'succeeded', 'failed']),
    gatewayRef: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type Refund = InferEntity<typeof Refund>;

/** The simulated gateway's ledger: one row per charge or refund key, written outside our transactions. */
export const GatewayCharge = defineEntity({
  name: 'GatewayCharge',
  tableName: 'gateway_charges',
  properties: {
    idempotencyKey: p.text().primary(),
    kind: p.enum(['charge', 'refund']),
    amountPaise: p.integer(),
    status: p.enum(['succeeded', 'declined', 'voided']),
    reference: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
export type GatewayCharge = InferEntity<typeof GatewayCharge>;

export const GatewaySettings = defineEntity({
  name: 'GatewaySettings',
  tableName: 'gateway_settings',
  properties: {
    id: p.integer().primary(),
    failureRate: p.double(),
    latencyMs: p.integer(),
    timeoutMs: p.integer(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
export type GatewaySettings = InferEntity<typeof GatewaySettings>;
