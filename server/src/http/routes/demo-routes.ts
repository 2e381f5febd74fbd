import { demoSessionSchema } from '@berth/shared';
import { parse } from '../../common/validate.ts';
import type { AuthService } from '../../modules/auth/auth.service.ts';
import type { RaceDemo } from '../../realtime/race.ts';
import type { Route } from '../http-types.ts';

/**
 * Only while the race demo is on: a session as demo user `contender` (demo01..demo50), so the
 * demo's split screen can give each side its own user and socket. Demo users hold seats of the
 * demo run only (see RaceDemo.assertDemoHold), so this hands out nothing of value.
 */
export function demoRoutes(deps: { race: RaceDemo; auth: AuthService }): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/demo/session',
      limit: 'auth',
      input: { body: demoSessionSchema },
      handler: async (req) => {
        const { contender } = parse(demoSessionSchema, req.body);
        return deps.auth.sessionFor(await deps.race.contender(contender));
      },
    },
  ];
}
