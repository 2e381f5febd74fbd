import { Reply, type RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function systemHandlers({
  health,
  reference,
}: ApiDeps): Pick<RouteHandlers, 'health' | 'metrics' | 'openApi' | 'apiDocs' | 'apiDocsFile'> {
  return {
    health: async () => {
      const report = await health.health();
      return new Reply(report.ok ? 200 : 503, { ok: report.ok, data: report });
    },
    metrics: () => health.metricsText(),
    openApi: () => Promise.resolve(reference.document()),
    apiDocs: () => Promise.resolve(reference.page()),
    apiDocsFile: (req) => reference.file(String(req.params.file)),
  };
}
