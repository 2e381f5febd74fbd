import type { CommandName } from '@berth/shared';
import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { DomainError } from './errors.ts';

/** The limits on HTTP routes, by the class a route is in (see Route.limit). */
export const HTTP_LIMITS = ['http:auth', 'http:auth-account', 'http:read', 'http:write'] as const;
export type HttpLimit = (typeof HTTP_LIMITS)[number];
export type LimitName = CommandName | HttpLimit;

/**
 * Uses per minute. Commands count per user; HTTP per user when signed in, else per address.
 * Generous, so a race of 50, a busy office behind one address or a load test is not throttled
 * by accident; sign-in is the exception, as password guessing is what it must stop:
 * - `http:auth`: sign-in, registration, refresh, logout and demo sessions, per address;
 * - `http:auth-account`: the same per account (the email; for a refresh or logout, the token);
 * - `http:read`: GET requests; `http:write`: every other request.
 */
export const DEFAULT_RATE_LIMITS: Partial<Record<LimitName, number>> = {
  'hold:create': 120,
  'booking:request': 60,
  'hold:release': 120,
  'booking:pay': 60,
  'booking:cancel': 60,
  'run:watch': 600,
  'auth:renew': 60,
  'http:auth': 30,
  'http:auth-account': 10,
  'http:read': 1200,
  'http:write': 300,
};

/** Parses RATE_LIMITS ("hold:create=30,http:auth=10") over the defaults. */
export function parseRateLimits(spec: string): Partial<Record<LimitName, number>> {
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=');
    const perMinute = Number(value);
    if (!name || !(name in DEFAULT_RATE_LIMITS) || !Number.isInteger(perMinute) || perMinute < 1) {
      throw new Error(
        `RATE_LIMITS: "${part}" is not <name>=<per minute> for one of ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')}`,
      );
    }
    limits[name as LimitName] = perMinute;
  }
  return limits;
}

/**
 * Per subject limits with rate-limiter-flexible: counted in Redis (shared by every node) when it
 * is there, and in this node's memory while it is not (the insurance limiter), so losing Redis
 * degrades to local limits instead of no limits or no service.
 */
export class RateLimits {
  private readonly limiters = new Map<LimitName, RateLimiterAbstract>();

  constructor(
    limits: Partial<Record<LimitName, number>>,
    redis: Redis | null,
    readonly exempt: (userId: number) => boolean,
  ) {
    for (const [name, perMinute] of Object.entries(limits) as [LimitName, number][]) {
      const options = { keyPrefix: `berth:rl:${name}`, points: perMinute, duration: 60 };
      const local = new RateLimiterMemory(options);
      this.limiters.set(
        name,
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

  /** Counts one use of a command by a user; throws RATE_LIMITED with `retryAfterMs` past it. */
  consume(command: CommandName, userId: number): Promise<void> {
    return this.exempt(userId) ? Promise.resolve() : this.take(command, String(userId));
  }

  /**
   * Counts one HTTP request of a class by a subject: `{ userId }` when signed in, else
   * `{ key }` (an address, an account).
   */
  consumeHttp(limit: HttpLimit, subject: { userId: number } | { key: string }): Promise<void> {
    if ('userId' in subject)
      return this.exempt(subject.userId)
        ? Promise.resolve()
        : this.take(limit, `user:${subject.userId}`);
    return this.take(limit, subject.key);
  }

  private async take(name: LimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(key);
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
