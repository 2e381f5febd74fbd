import type { AckError } from '@berth/shared';

export type RegisterField = 'name' | 'email' | 'password';
export type FieldProblems = Partial<Record<RegisterField, string>>;

export const MIN_PASSWORD = 8;

/** Every slip in the form at once, by field, so one submit shows them all. */
export function registerProblems(form: Record<RegisterField, string>): FieldProblems {
  const problems: FieldProblems = {};
  if (!form.name.trim()) problems.name = 'Please tell us your name.';
  if (!form.email.trim()) problems.email = 'Please enter your email address.';
  else if (!/^\S+@\S+\.\S+$/.test(form.email.trim()))
    problems.email = 'That does not look like an email address: it needs an @ and a domain.';
  if (form.password.length === 0) problems.password = 'Please choose a password.';
  else if (form.password.length < MIN_PASSWORD) {
    // Read with the hint "At least 8 characters", so it says only what is missing.
    const more = MIN_PASSWORD - form.password.length;
    problems.password = `Please add ${more} more character${more === 1 ? '' : 's'}.`;
  }
  return problems;
}

const SERVER_WORDS: Record<string, string> = {
  'already registered': 'An account with this email already exists. Sign in instead?',
};

/** The server's VALIDATION refusal, put on the fields it names. */
export function serverProblems(error: AckError): FieldProblems {
  const problems: FieldProblems = {};
  const fields = error.details?.fields;
  if (error.code !== 'VALIDATION' || !Array.isArray(fields)) return problems;
  for (const f of fields as unknown[]) {
    if (typeof f !== 'object' || f === null || !('path' in f) || !('message' in f)) continue;
    const { path, message } = f;
    if ((path === 'name' || path === 'email' || path === 'password') && typeof message === 'string')
      problems[path] ??= SERVER_WORDS[message] ?? `This ${path} cannot be used: ${message}.`;
  }
  return problems;
}
