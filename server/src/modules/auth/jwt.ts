import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { USER_ROLES, type UserRole } from '@berth/shared';
import { DomainError } from '../../common/errors.ts';

const ISSUER = 'berth';
const AUDIENCE = 'berth';
const ALG = 'HS256';

export interface AccessClaims {
  userId: number;
  role: UserRole;
  /** The refresh-token family (one sign-in) this access token belongs to. */
  familyId: string;
}

export interface VerifiedAccess extends AccessClaims {
  expiresAt: Date;
}

/** What a valid token of ours must carry beyond what jose checks (signature, iss, aud, exp). */
const payloadSchema = z.object({
  sub: z.string().regex(/^[1-9][0-9]{0,15}$/),
  role: z.enum(USER_ROLES),
  fam: z.uuid(),
  exp: z.number(),
});

export const signInAgain = () => new DomainError('UNAUTHENTICATED', 'Please sign in again.');

/** Signs and verifies access tokens (JWT, HS256) with a key that is loaded once, lazily. */
export class AccessTokens {
  private key: Promise<Uint8Array> | undefined;

  constructor(
    private readonly loadSecret: () => Promise<string>,
    private readonly ttlSeconds: number,
  ) {}

  async sign(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ role: claims.role, fam: claims.familyId })
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setSubject(String(claims.userId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(await this.secretKey());
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The token's claims, or UNAUTHENTICATED for anything forged, expired, foreign or malformed. */
  async verify(token: unknown): Promise<VerifiedAccess> {
    if (typeof token !== 'string' || token.length > 4096) throw signInAgain();
    const key = await this.secretKey();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError) throw signInAgain();
      throw err;
    }
    const claims = payloadSchema.safeParse(payload);
    if (!claims.success) throw signInAgain();
    return {
      userId: Number(claims.data.sub),
      role: claims.data.role,
      familyId: claims.data.fam,
      expiresAt: new Date(claims.data.exp * 1000),
    };
  }

  private secretKey(): Promise<Uint8Array> {
    this.key ??= this.loadSecret().then(
      (secret) => new TextEncoder().encode(secret),
      (err: unknown) => {
        // A failed load (database down at start) is retried by the next caller.
        this.key = undefined;
        throw err;
      },
    );
    return this.key;
  }
}
