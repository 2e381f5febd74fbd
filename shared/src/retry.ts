import { retryAfterSchema } from './errors.ts';

/** The longest an OVERLOADED or UNAVAILABLE answer may make a command wait before a retry. */
export const MAX_RETRY_AFTER_MS = 5000;
/** How long a command answered UNAVAILABLE with a wait is retried: a database restart or failover. */
export const RETRY_UNAVAILABLE_MS = 15_000;
/** The wait when an answer asks for a retry without saying how long. */
const DEFAULT_RETRY_AFTER_MS = 500;

/**
 * When a client sends a command again that the server did not run, with the same payload and so
 * the same idempotency key: OVERLOADED (the node was too busy) once; UNAVAILABLE with a
 * `retryAfterMs` (the node could not reach its database) until RETRY_UNAVAILABLE_MS have passed
 * since the first answer; each after the wait the answer gave, at most MAX_RETRY_AFTER_MS. The
 * web client and the load test's virtual users both follow it. One policy per command sent.
 */
export class CommandRetry {
  #overloadRetried = false;
  readonly #firstAnswerAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.#firstAnswerAt = now();
  }

  /** How long to wait before sending the command again, or null when this answer stands. */
  waitBefore(error: { code: string; details?: unknown }): number | null {
    const hint = retryAfterSchema.safeParse(error.details);
    if (error.code === 'OVERLOADED' && !this.#overloadRetried) {
      this.#overloadRetried = true;
    } else if (!(
      error.code === 'UNAVAILABLE' &&
      hint.success &&
      this.now() - this.#firstAnswerAt < RETRY_UNAVAILABLE_MS
    )) {
      return null;
    }
    return Math.min(
      hint.success ? hint.data.retryAfterMs : DEFAULT_RETRY_AFTER_MS,
      MAX_RETRY_AFTER_MS,
    );
  }
}
