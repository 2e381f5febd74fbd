/**
 * Where to go after signing in. Only a path on this site is followed: `//evil.example` and
 * `/\evil.example` are read by browsers as other hosts, so an open redirect cannot be smuggled in
 * through a crafted sign-in link.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  return raw;
}

/** A link to a sign-in style page that brings the user back to `here` afterwards. */
export function withNext(page: '/login' | '/register', here: string): string {
  const next = safeNext(here);
  return next === '/' ? page : `${page}?next=${encodeURIComponent(next)}`;
}
