import type { RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

export function authHandlers({
  auth,
}: ApiDeps): Pick<
  RouteHandlers,
  'register' | 'login' | 'refresh' | 'logout' | 'logoutEverywhere' | 'me'
> {
  return {
    register: (req) => auth.register(req.body),
    login: (req) => auth.login(req.body),
    refresh: (req) => auth.refresh(req.body),
    logout: async (req) => {
      await auth.logout(req.body);
      return null;
    },
    /** Every sign-in of the caller ends, on every device; this one too. */
    logoutEverywhere: (req) => auth.signOutEverywhere(req.actor!.userId),
    me: (req) => auth.me(req.actor!.userId),
  };
}
