const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * May a browser page from `origin` open a socket here? Yes when it is the same origin as the
 * request, any localhost page, or listed in ALLOWED_ORIGINS. Requests without an Origin header
 * (non-browser clients: tests, load generators, kiosks' own processes) are not browser pages.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
) {
  if (!origin) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host && url.host === host) return true;
  if (LOCAL_HOSTS.has(url.hostname)) return true;
  return allowed.includes(url.origin);
}
