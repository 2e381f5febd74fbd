// The entity list for MikroORM. Listed explicitly (no folder discovery) so nothing with side
// effects is ever imported by discovery.
import { RefreshToken } from '../modules/auth/refresh-token.entity.ts';
import { User } from '../modules/auth/user.entity.ts';
import { AuditEntry, OutboxEvent, OutboxPruneMark } from '../modules/audit/audit.entities.ts';
import { Booking, BookingPassenger, BookingSeat } from '../modules/booking/booking.entities.ts';
import {
  Coach,
  Run,
  Seat,
  Station,
  Train,
  TrainStop,
  TravelClass,
} from '../modules/catalog/catalog.entities.ts';
import { IdempotencyKey } from '../modules/idempotency/idempotency-key.entity.ts';
import {
  GatewayCharge,
  GatewaySettings,
  Payment,
  Refund,
} from '../modules/payments/payment.entities.ts';

export const entities = [
  User,
  RefreshToken,
  Station,
  TravelClass,
  Train,
  TrainStop,
  Coach,
  Run,
  Seat,
  Booking,
  BookingPassenger,
  BookingSeat,
  Payment,
  Refund,
  GatewayCharge,
  GatewaySettings,
  IdempotencyKey,
  AuditEntry,
  OutboxEvent,
  OutboxPruneMark,
];
