import { z } from 'zod';
import { calendarDate, id, text } from './common.ts';

/** GET /api/admin/occupancy?from=&to= : runs whose service date is in [from, to]. */
export const occupancyRequestSchema = z
  .object({ from: calendarDate.optional(), to: calendarDate.optional() })
  .strict();

/** GET /api/admin/audit : newest first, `cursor` from the previous page. */
export const auditQuerySchema = z
  .object({
    cursor: id.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    bookingId: id.optional(),
    action: text({ max: 40 }).optional(),
    /** `user:12`, `SYSTEM`, or a user's email. */
    actor: text({ max: 200 }).optional(),
  })
  .strict();

/** PUT /api/admin/gateway : change the simulated gateway at run time (any subset). */
export const gatewaySettingsSchema = z
  .object({
    failureRate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    timeoutMs: z.number().int().min(1).max(120_000).optional(),
  })
  .strict();
