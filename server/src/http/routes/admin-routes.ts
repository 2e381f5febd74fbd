import { auditQuerySchema, gatewaySettingsSchema, occupancyRequestSchema } from '@berth/shared';
import type { Route } from '../http-types.ts';
import { queryObject, type ApiDeps } from './api-deps.ts';

export function adminRoutes({ engine, nodes }: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/admin/nodes',
      auth: 'admin',
      handler: () => nodes.cluster(),
    },
    {
      method: 'GET',
      path: '/api/admin/stats',
      auth: 'admin',
      handler: (req) => engine.adminStats(req.actor!),
    },
    {
      method: 'GET',
      path: '/api/admin/occupancy',
      auth: 'admin',
      input: { query: occupancyRequestSchema },
      handler: (req) => engine.runOccupancy(req.actor!, queryObject(req.query)),
    },
    {
      method: 'GET',
      path: '/api/admin/audit',
      auth: 'admin',
      input: { query: auditQuerySchema },
      handler: (req) =>
        engine.auditTrail(req.actor!, queryObject(req.query, ['cursor', 'limit', 'bookingId'])),
    },
    {
      method: 'GET',
      path: '/api/admin/gateway',
      auth: 'admin',
      handler: (req) => engine.gatewaySettings(req.actor!),
    },
    {
      method: 'PUT',
      path: '/api/admin/gateway',
      auth: 'admin',
      input: { body: gatewaySettingsSchema },
      handler: (req) => engine.setGatewaySettings(req.actor!, req.body),
    },
  ];
}
