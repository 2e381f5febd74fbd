import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults, the same parameters the seeder hashes with. */
export const hashPassword = (password: string): Promise<string> => hash(password);

/**
 * Password checks that take as long for an unknown email as for a wrong password: with no stored
 * hash, a dummy hash (same parameters, made once per process) is verified instead.
 */
export class PasswordChecker {
  private dummy: Promise<string> | undefined;

  async check(storedHash: string | undefined, password: string): Promise<boolean> {
    if (storedHash === undefined) {
      this.dummy ??= hash('berth-dummy-password-for-timing');
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    // A malformed stored hash is a refusal, not an internal error.
    return verify(storedHash, password).catch(() => false);
  }
}
