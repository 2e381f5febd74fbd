import { Reply, type Route } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function systemRoutes({ health }: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/health',
      limit: 'none',
      handler: async () => {
        const report = await health.health();
        return new Reply(report.ok ? 200 : 503, { ok: report.ok, data: report });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      limit: 'none',
      handler: async () => new Reply(200, undefined, await health.metricsText()),
    },
  ];
}
