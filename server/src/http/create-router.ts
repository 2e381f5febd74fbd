import type { Logger } from '../common/logger.ts';
import type { Engine } from '../engine.ts';
import type { AuthService } from '../modules/auth/auth.service.ts';
import type { RateLimits } from '../realtime/rate-limits.ts';
import { Router } from './router.ts';
import type { HealthSource, NodesSource } from './routes/api-deps.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { bookingRoutes } from './routes/booking-routes.ts';
import { catalogRoutes } from './routes/catalog-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';

/** Every HTTP route of a node, behind bearer-token authentication. */
export function createHttpRouter(deps: {
  engine: Engine;
  auth: AuthService;
  log: Logger;
  health: HealthSource;
  nodes: NodesSource;
  limits: RateLimits;
  trustProxy: boolean;
}) {
  const authApi = {
    register: (input: unknown) => deps.auth.register(input),
    login: (input: unknown) => deps.auth.login(input),
    refresh: (input: unknown) => deps.auth.refresh(input),
    logout: (input: unknown) =>
      deps.auth.logout((input as { refreshToken?: unknown } | null)?.refreshToken),
    signOutEverywhere: (userId: number) => deps.auth.signOutEverywhere(userId),
    me: (userId: number) => deps.auth.me(userId),
  };
  const api = { engine: deps.engine, auth: authApi, health: deps.health, nodes: deps.nodes };
  const router = new Router(
    async (token) => {
      const claims = await deps.auth.verifyAccessToken(token);
      return { userId: claims.userId, role: claims.role };
    },
    deps.log,
    { limits: deps.limits, trustProxy: deps.trustProxy },
  );
  return router.add(
    ...systemRoutes(api),
    ...authRoutes(api),
    ...catalogRoutes(api),
    ...bookingRoutes(api),
    ...adminRoutes(api),
  );
}
