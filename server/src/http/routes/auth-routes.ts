import {
  loginRequestSchema,
  logoutRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
} from '@berth/shared';
import { Reply, type Route } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function authRoutes({ auth }: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/auth/register',
      limit: 'auth',
      input: { body: registerRequestSchema },
      handler: async (req) => new Reply(201, { ok: true, data: await auth.register(req.body) }),
    },
    {
      method: 'POST',
      path: '/api/auth/login',
      limit: 'auth',
      input: { body: loginRequestSchema },
      handler: (req) => auth.login(req.body),
    },
    {
      method: 'POST',
      path: '/api/auth/refresh',
      limit: 'auth',
      input: { body: refreshRequestSchema },
      handler: (req) => auth.refresh(req.body),
    },
    {
      method: 'POST',
      path: '/api/auth/logout',
      limit: 'auth',
      input: { body: logoutRequestSchema },
      handler: async (req) => {
        await auth.logout(req.body);
        return null;
      },
    },
    /** Every sign-in of the caller ends, on every device; this one too. */
    {
      method: 'POST',
      path: '/api/auth/logout-everywhere',
      auth: 'user',
      handler: (req) => auth.signOutEverywhere(req.actor!.userId),
    },
    {
      method: 'GET',
      path: '/api/auth/me',
      auth: 'user',
      handler: (req) => auth.me(req.actor!.userId),
    },
  ];
}
