import type { Logger } from '../common/logger.ts';
import type { RateLimits } from '../common/rate-limits.ts';
import { Router } from './router.ts';
import type { ApiDeps } from './routes/api-deps.ts';
import { adminHandlers } from './routes/admin-routes.ts';
import { authHandlers } from './routes/auth-routes.ts';
import { bookingHandlers } from './routes/booking-routes.ts';
import { catalogHandlers } from './routes/catalog-routes.ts';
import { demoHandlers } from './routes/demo-routes.ts';
import { systemHandlers } from './routes/system-routes.ts';

/** Every HTTP route of a node (the table in `shared/`), behind bearer-token authentication. */
export function createHttpRouter(
  api: ApiDeps,
  deps: { log: Logger; limits: RateLimits; trustProxy: boolean },
) {
  return new Router(
    {
      ...systemHandlers(api),
      ...authHandlers(api),
      ...catalogHandlers(api),
      ...bookingHandlers(api),
      ...adminHandlers(api),
      ...demoHandlers(api),
    },
    async (token) => {
      const claims = await api.auth.verifyAccessToken(token);
      return { userId: claims.userId, role: claims.role };
    },
    deps.log,
    { limits: deps.limits, trustProxy: deps.trustProxy },
  );
}
