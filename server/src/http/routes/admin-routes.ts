import type { RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function adminHandlers({
  engine,
  nodes,
}: ApiDeps): Pick<
  RouteHandlers,
  | 'adminNodes'
  | 'adminStats'
  | 'adminOccupancy'
  | 'adminAudit'
  | 'gatewaySettings'
  | 'setGatewaySettings'
> {
  return {
    adminNodes: () => nodes.cluster(),
    adminStats: (req) => engine.adminStats(req.actor!),
    adminOccupancy: (req) => engine.runOccupancy(req.actor!, req.query),
    adminAudit: (req) => engine.auditTrail(req.actor!, req.query),
    gatewaySettings: (req) => engine.gatewaySettings(req.actor!),
    setGatewaySettings: (req) => engine.setGatewaySettings(req.actor!, req.body),
  };
}
