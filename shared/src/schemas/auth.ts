import { z } from 'zod';
import { id, text } from './common.ts';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Trimmed and lowercased before the format check, so `Alice@Berth.dev ` is one account. */
export const emailSchema = z.string().trim().toLowerCase().max(200).pipe(z.email());

/** An opaque refresh token as the server hands it out (32 random bytes, base64url: 43 chars). */
export const refreshTokenSchema = z.string().min(20).max(200);

/** Create an account; answers with a signed-in session (AuthTokens). */
export const registerRequestSchema = z
  .object({
    email: emailSchema,
    password: z.string().min(8).max(200),
    name: text({ min: 1, max: 60 }),
  })
  .strict();
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

/** Sign in; no minimum length, so a wrong password is UNAUTHENTICATED rather than VALIDATION. */
export const loginRequestSchema = z
  .object({
    email: emailSchema,
    password: z.string().min(1).max(200),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** Trade a refresh token (used once) for a new access token and a new refresh token. */
export const refreshRequestSchema = z.object({ refreshToken: refreshTokenSchema }).strict();
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

/** End a sign-in: the body `{ refreshToken }` (the bare token is taken too). */
export const logoutRequestSchema = z.union([
  refreshTokenSchema,
  refreshRequestSchema.transform((r) => r.refreshToken),
]);

/**
 * Between nodes: a sign-in (refresh-token family) was revoked (a spent token reused, a logout,
 * "sign out everywhere"). Every node refuses the family's access tokens and commands from now on.
 */
export const sessionRevokedSchema = z.object({ userId: id, familyId: z.uuid() }).strict();
export type SessionRevoked = z.infer<typeof sessionRevokedSchema>;

/** A user as the user (or an admin) sees them. */
export const publicUserSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
});
export type PublicUser = z.infer<typeof publicUserSchema>;

/** A signed-in session: a short-lived access token and the refresh token that renews it. */
export const authTokensSchema = z.object({
  /** JWT (HS256) for `Authorization: Bearer` and the socket handshake. */
  accessToken: z.string(),
  /** ISO instant. */
  accessExpiresAt: z.string(),
  /** Opaque; good for one refresh, then replaced by the one in the answer. */
  refreshToken: z.string(),
  /** ISO instant. */
  refreshExpiresAt: z.string(),
  user: publicUserSchema,
});
export type AuthTokens = z.infer<typeof authTokensSchema>;

/** POST /api/auth/logout-everywhere : how many sign-ins ended. */
export const signedOutSchema = z.object({ signedOut: z.number() });
export type SignedOut = z.infer<typeof signedOutSchema>;
