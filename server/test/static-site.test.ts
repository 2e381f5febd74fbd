import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticSite } from '../src/http/static-site.ts';

/** Big enough (> 1 KB) to be worth compressing. */
const BOOT = `\n  { const element = document.currentScript.parentElement; import('/_app/immutable/x.js'); }\n`;
const SHELL = `<!doctype html><html><head><title>Berth</title><script type="module" src="/_app/immutable/x.js"></script></head><body>${'<div></div>'.repeat(200)}<script>${BOOT}</script></body></html>`;
const SCRIPT = `export const x = ${JSON.stringify('x'.repeat(2000))};\n`;
const ICON = '<svg xmlns="http://www.w3.org/2000/svg"/>';
const SECRET = 'outside the site';

describe('StaticSite: the built web client served by every node', () => {
  let dir: string;
  let site: StaticSite;
  const get = (url: string, headers: Record<string, string> = {}) =>
    site.answer('GET', url, headers);
  const json = (body: Buffer | null) => JSON.parse(body!.toString('utf8')) as unknown;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-site-'));
    const root = path.join(dir, 'build');
    mkdirSync(path.join(root, '_app', 'immutable'), { recursive: true });
    writeFileSync(path.join(root, '200.html'), SHELL);
    writeFileSync(path.join(root, '_app', 'immutable', 'x.js'), SCRIPT);
    writeFileSync(path.join(root, 'favicon.svg'), ICON);
    writeFileSync(path.join(dir, 'secret.txt'), SECRET); // next to the site, never in it
    site = new StaticSite(root);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('deep links get the SPA shell, revalidated by ETag', () => {
    for (const url of ['/', '/runs/42', '/bookings/ABC123/?from=mail', '/admin/']) {
      const answer = get(url);
      expect(answer.status, url).toBe(200);
      expect(answer.body!.toString('utf8'), url).toBe(SHELL);
      expect(answer.headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        etag: expect.stringMatching(/^"[\w-]+"$/),
      });
    }
    expect(get('/runs/42').headers.etag).toBe(get('/').headers.etag);
  });

  it("every answer carries the security headers; the shell's inline script is allowed by its hash alone", () => {
    const shell = get('/runs/42', { host: 'berth.example:8080' });
    const csp = shell.headers['content-security-policy']!;
    const hash = createHash('sha256').update(BOOT).digest('base64');
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'", `'sha256-${hash}'`],
      'connect-src': ["'self'", 'ws://berth.example:8080', 'wss://berth.example:8080'],
      'frame-ancestors': ["'none'"],
      'object-src': ["'none'"],
    });
    expect(csp).not.toContain('unsafe-eval');
    expect(directives['script-src']).not.toContain("'unsafe-inline'");
    for (const answer of [shell, get('/favicon.svg'), get('/nothing.js')]) {
      expect(answer.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
      });
    }
    // A Host header that is not a plain host cannot write into the policy.
    const forged = get('/', { host: "evil; script-src 'unsafe-inline'" });
    expect(forged.headers['content-security-policy']).not.toContain('evil');
  });

  it('hashed assets are cached for a year; other files are revalidated', () => {
    const script = get('/_app/immutable/x.js');
    expect(script.status).toBe(200);
    expect(script.body!.toString('utf8')).toBe(SCRIPT);
    expect(script.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    const icon = get('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.body!.toString('utf8')).toBe(ICON);
    expect(icon.headers).toMatchObject({
      'content-type': 'image/svg+xml',
      'cache-control': 'no-cache',
    });
  });

  it('a matching If-None-Match is 304 without a body; a stale one gets the file', () => {
    const { etag } = get('/').headers;
    const fresh = get('/some/page', { 'if-none-match': etag! });
    expect(fresh.status).toBe(304);
    expect(fresh.body).toBeNull();
    expect(fresh.headers.etag).toBe(etag);
    const stale = get('/', { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
    expect(stale.body!.toString('utf8')).toBe(SHELL);
  });

  it('gzip when the client accepts it (and the file is worth it), identity otherwise', () => {
    const zipped = get('/_app/immutable/x.js', { 'accept-encoding': 'br, gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.body!.length).toBeLessThan(SCRIPT.length);
    expect(gunzipSync(zipped.body!).toString('utf8')).toBe(SCRIPT);
    const shell = get('/deep/link', { 'accept-encoding': 'gzip' });
    expect(gunzipSync(shell.body!).toString('utf8')).toBe(SHELL);

    const plain = get('/_app/immutable/x.js', { 'accept-encoding': 'br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body!.toString('utf8')).toBe(SCRIPT);
    const tiny = get('/favicon.svg', { 'accept-encoding': 'gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body!.toString('utf8')).toBe(ICON);
  });

  it('a missing asset-like path is a JSON 404, not the shell', () => {
    for (const url of ['/_app/immutable/gone.js', '/_app/version', '/robots.txt', '/logo.png']) {
      const answer = get(url);
      expect(answer.status, url).toBe(404);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(json(answer.body)).toEqual({
        ok: false,
        error: { code: 'NOT_FOUND', message: expect.any(String) },
      });
    }
  });

  it('`..` and other paths that try to leave the site are refused', () => {
    for (const url of [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/_app/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/favicon.svg%00.html',
      '/%E0%A4%A', // not valid percent-encoding
    ]) {
      const answer = get(url);
      expect(answer.status, url).toBe(404);
      expect(answer.body!.toString('utf8'), url).not.toContain(SECRET);
      expect(answer.body!.toString('utf8'), url).not.toContain('<html');
    }
  });

  it('only GET and HEAD are served; HEAD without a body', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const answer = site.answer(method, '/', {});
      expect(answer.status, method).toBe(404);
      expect(json(answer.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const head = site.answer('HEAD', '/favicon.svg', {});
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers['content-type']).toBe('image/svg+xml');
  });

  it('without 200.html (web client not built) every path says how to build it', () => {
    const empty = path.join(dir, 'unbuilt');
    mkdirSync(path.join(empty, '_app', 'immutable'), { recursive: true });
    writeFileSync(path.join(empty, '_app', 'immutable', 'x.js'), SCRIPT);
    const unbuilt = new StaticSite(empty);
    expect(unbuilt.available).toBe(false);
    expect(site.available).toBe(true);
    for (const url of ['/', '/runs/42', '/_app/immutable/x.js']) {
      const answer = unbuilt.answer('GET', url, {});
      expect(answer.status, url).toBe(404);
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(answer.body!.toString('utf8')).toMatch(/not built.*pnpm/);
    }
    expect(new StaticSite(path.join(dir, 'no-such-dir')).available).toBe(false);
  });
});
