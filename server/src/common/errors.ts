import type { AckError, ErrorCode } from '@berth/shared';

/** An expected refusal with a stable code; mapped to an ack at the edge, never logged as a fault. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toAck(): AckError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromAck(e: AckError): DomainError {
    return new DomainError(e.code, e.message, e.details);
  }
}

/**
 * A wait to ask a turned-away client for: `ms`, spread by up to half again at random, so the
 * turned-away do not all come back at the same instant.
 */
export const spreadRetryMs = (ms: number) => Math.round(ms * (1 + Math.random() / 2));

export const notFound = (what = 'That booking') =>
  new DomainError('NOT_FOUND', `${what} was not found.`);

/** PostgreSQL SQLSTATE of a driver error, if it is one. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const { code } = err;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export const EXCLUSION_VIOLATION = '23P01';
export const UNIQUE_VIOLATION = '23505';
export const LOCK_NOT_AVAILABLE = '55P03';
