import type { z } from 'zod';
import { DomainError } from './errors.ts';

/** Parses untrusted input; a failure is VALIDATION naming the fields, never an internal error. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = fields[0];
  throw new DomainError(
    'VALIDATION',
    first ? `${first.path || 'request'}: ${first.message}` : 'The request is not valid.',
    { fields },
  );
}
