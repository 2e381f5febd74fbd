import { demoSessionSchema } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';
import { parse } from '../../common/validate.ts';
import type { RouteHandlers } from '../http-types.ts';
import type { ApiDeps } from './api-deps.ts';

/**
 * Only while the race demo is on: a session as demo user `contender` (demo01..demo50), so the
 * demo's split screen can give each side its own user and socket. Demo users hold seats of the
 * demo run only (see RaceDemo.assertDemoHold), so this hands out nothing of value.
 */
export function demoHandlers({ auth, demo }: ApiDeps): Pick<RouteHandlers, 'demoSession'> {
  return {
    demoSession: async (req) => {
      if (!demo) throw new DomainError('NOT_FOUND', 'The race demo is not on.');
      const { contender } = parse(demoSessionSchema, req.body);
      return auth.sessionFor(await demo.contender(contender));
    },
  };
}
