import type { CommandName } from '@berth/shared';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { DomainError } from '../common/errors.ts';

/** Commands per user per minute. Generous: a race of 50 or a load test is not throttled by accident. */
export const DEFAULT_RATE_LIMITS: Partial<Record<CommandName, number>> = {
  'hold:create': 120,
  'hold:release': 120,
  'booking:pay': 60,
  'booking:cancel': 60,
  'run:watch': 600,
  'auth:renew': 60,
};

/** Parses RATE_LIMITS ("hold:create=30,booking:pay=10") over the defaults. */
export function parseRateLimits(spec: string): Partial<Record<CommandName, number>> {
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    const perMinute = Number(value);
    if (!name || !(name in DEFAULT_RATE_LIMITS) || !Number.isInteger(perMinute) || perMinute < 1) {
      throw new Error(`RATE_LIMITS: "${part}" is not <command>=<per minute> for a known command`);
    }
    limits[name as CommandName] = perMinute;
  }
  return limits;
}

/**
 * Per user and command limits with rate-limiter-flexible: counted in Redis (shared by every
 * node) when it is there, and in this node's memory while it is not (the insurance limiter), so
 * losing Redis degrades to local limits instead of no limits or no service.
 */
export class CommandLimits {
  private readonly limiters = new Map<CommandName, RateLimiterAbstract>();

  constructor(
    limits: Partial<Record<CommandName, number>>,
    redis: Redis | null,
    readonly exempt: (userId: number) => boolean,
  ) {
    for (const [command, perMinute] of Object.entries(limits) as [CommandName, number][]) {
      const options = { keyPrefix: `berth:rl:${command}`, points: perMinute, duration: 60 };
      const local = new RateLimiterMemory(options);
      this.limiters.set(
        command,
        redis
          ? new RateLimiterRedis({
              ...options,
              storeClient: redis,
              rejectIfRedisNotReady: true,
              insuranceLimiter: local,
            })
          : local,
      );
    }
  }

  /** Counts one use; throws RATE_LIMITED with `retryAfterMs` past the limit. */
  async consume(command: CommandName, userId: number): Promise<void> {
    const limiter = this.limiters.get(command);
    if (!limiter || this.exempt(userId)) return;
    try {
      await limiter.consume(String(userId));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfterMs = res.msBeforeNext;
      throw new DomainError(
        'RATE_LIMITED',
        `Too many requests; try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
        { retryAfterMs },
      );
    }
  }
}
