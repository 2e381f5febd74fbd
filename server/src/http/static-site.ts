import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The web client's build, next to this package: `web/build` of the workspace. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/build', import.meta.url));

/** The SPA shell adapter-static writes; every path that is not a file gets it (deep links). */
const FALLBACK = '200.html';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Buffer;
  /** `'sha256-…'` of each inline script of an HTML file (adapter-static's bootstrap script). */
  scriptHashes: string[];
  /** Worth compressing (text, over 1 KB); the gzip is made on first request and kept. */
  compressible: boolean;
  gzipped?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

export interface StaticAnswer {
  status: 200 | 304 | 404;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * The built web client, read into memory once (it is a few hundred KB) and served by every node
 * next to `/api` and Socket.IO. Hashed assets under `_app/immutable/` are cached for a year;
 * everything else is revalidated by ETag, so a new deploy is seen on the next load.
 */
export class StaticSite {
  private readonly files = new Map<string, StaticFile>();

  constructor(readonly root: string) {
    if (!existsSync(path.join(root, FALLBACK))) return;
    for (const file of walk(root)) {
      const urlPath = '/' + path.relative(root, file).split(path.sep).join('/');
      this.files.set(urlPath, load(file, urlPath));
    }
  }

  /** False when the web client has not been built: `/` then says how to build it. */
  get available(): boolean {
    return this.files.has('/' + FALLBACK);
  }

  answer(method: string, urlPath: string, headers: Record<string, string>): StaticAnswer {
    if (method !== 'GET' && method !== 'HEAD') return notFound();
    if (!this.available) return missingBuild();
    const clean = safePath(urlPath);
    if (!clean) return notFound();
    const file =
      this.files.get(clean) ??
      this.files.get(`${clean}.html`) ??
      (looksLikeAsset(clean) ? undefined : this.files.get('/' + FALLBACK));
    if (!file) return notFound();
    const base = {
      'content-type': file.type,
      'cache-control': file.cacheControl,
      etag: file.etag,
      vary: 'accept-encoding',
      ...securityHeaders(file.scriptHashes, headers.host),
    };
    if (headers['if-none-match'] === file.etag) return { status: 304, headers: base, body: null };
    const gzip = file.compressible && /\bgzip\b/.test(headers['accept-encoding'] ?? '');
    // Compressed when first asked for, not at start-up: every node (and test) builds a site.
    const body = gzip ? (file.gzipped ??= gzipSync(file.body)) : file.body;
    return {
      status: 200,
      headers: gzip ? { ...base, 'content-encoding': 'gzip' } : base,
      body: method === 'HEAD' ? null : body,
    };
  }
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

/**
 * What every answer of the site carries. The content security policy lets scripts come from the
 * site only, plus the page's own inline scripts by hash (adapter-static's bootstrap, which
 * changes with every build, so it is hashed as the build is read); styles from the site and
 * inline (Svelte sets style attributes, which only 'unsafe-inline' allows; styles cannot run
 * code); connections to the site itself, its websockets included (older browsers do not count
 * ws:/wss: as 'self', so the page's own host is named); no framing by other sites.
 */
export function securityHeaders(
  scriptHashes: readonly string[],
  host?: string,
): Record<string, string> {
  // The Host header is the client's own word, and only ever shapes the answer it gets back;
  // anything that is not a plain host[:port] is left out rather than pasted into the policy.
  const sockets =
    host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)
      ? ` ws://${host} wss://${host}`
      : '';
  const policy = [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.map((h) => ` '${h}'`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}

/** The sha-256 of each inline `<script>` (one without `src`), as CSP names them. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\bsrc\s*=/i.test(m[1]!)) continue;
    hashes.push(`sha256-${createHash('sha256').update(m[2]!, 'utf8').digest('base64')}`);
  }
  return hashes;
}

function load(file: string, urlPath: string): StaticFile {
  const body = readFileSync(file);
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const textual = /^(text\/|application\/(json|manifest)|image\/svg)/.test(type);
  return {
    body,
    scriptHashes: type.startsWith('text/html') ? inlineScriptHashes(body.toString('utf8')) : [],
    compressible: textual && body.length > 1024,
    type,
    etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
    cacheControl: urlPath.startsWith('/_app/immutable/')
      ? 'public, max-age=31536000, immutable'
      : 'no-cache',
  };
}

/** Normalises a request path; null for anything that tries to leave the site. */
function safePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  // Refused before normalising: normalize() would quietly resolve `/../x` to `/x`.
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return null;
  const normal = path.posix.normalize(decoded);
  if (!normal.startsWith('/')) return null;
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** A missing `/x.js` is a 404, not the SPA shell (which the browser would fail to parse). */
function looksLikeAsset(p: string): boolean {
  return p.startsWith('/_app/') || /\.[a-z0-9]{1,12}$/i.test(p);
}

function notFound(): StaticAnswer {
  return {
    status: 404,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...securityHeaders([]),
    },
    body: Buffer.from(
      JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'Nothing is here.' } }),
    ),
  };
}

function missingBuild(): StaticAnswer {
  return {
    status: 404,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...securityHeaders([]),
    },
    body: Buffer.from(
      'The Berth web client is not built. Run `pnpm start` (it builds it) or `pnpm --filter @berth/web build`.\n',
    ),
  };
}
