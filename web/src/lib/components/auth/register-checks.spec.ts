import { describe, expect, it } from 'vitest';
import { registerProblems, serverProblems } from './register-checks.ts';

describe('registerProblems', () => {
  it('names every field that is wrong, not only the first', () => {
    expect(registerProblems({ name: ' ', email: 'meera', password: 'short' })).toEqual({
      name: 'Please tell us your name.',
      email: 'That does not look like an email address: it needs an @ and a domain.',
      password: 'Please add 3 more characters.',
    });
    expect(Object.keys(registerProblems({ name: '', email: '', password: '' }))).toEqual([
      'name',
      'email',
      'password',
    ]);
  });

  it('has nothing to say about a good form', () => {
    expect(
      registerProblems({ name: 'Meera', email: 'meera@example.in', password: 'long enough' }),
    ).toEqual({});
  });
});

describe('serverProblems', () => {
  it('puts a taken email on the email field', () => {
    expect(
      serverProblems({
        code: 'VALIDATION',
        message: 'That email is already registered.',
        details: { fields: [{ path: 'email', message: 'already registered' }] },
      }),
    ).toEqual({ email: 'An account with this email already exists. Sign in instead?' });
  });

  it('ignores refusals that are not about a field', () => {
    expect(serverProblems({ code: 'RATE_LIMITED', message: 'slow down' })).toEqual({});
  });
});
