import { Reply, type Route } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function authRoutes({ auth }: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/auth/register',
      handler: async (req) => new Reply(201, { ok: true, data: await auth.register(req.body) }),
    },
    { method: 'POST', path: '/api/auth/login', handler: (req) => auth.login(req.body) },
    { method: 'POST', path: '/api/auth/refresh', handler: (req) => auth.refresh(req.body) },
    {
      method: 'POST',
      path: '/api/auth/logout',
      handler: async (req) => {
        await auth.logout(req.body);
        return null;
      },
    },
    {
      method: 'GET',
      path: '/api/auth/me',
      auth: 'user',
      handler: (req) => auth.me(req.actor!.userId),
    },
  ];
}
