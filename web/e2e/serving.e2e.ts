import { describe, expect, inject, it } from 'vitest';
import { useBrowser, newContext } from './support/browser.ts';

const url = inject('berthUrl');
const browser = useBrowser();

describe('the node serves the web client', () => {
  it('answers a deep link with the app, which connects live', async () => {
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    await page.goto('/pnr');
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('online');
    await context.close();
  });

  it('sends its security headers, and the app runs under its content security policy', async () => {
    const shell = await fetch(`${url}/runs/1`);
    const csp = shell.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-eval');
    expect(shell.headers.get('x-content-type-options')).toBe('nosniff');
    expect(shell.headers.get('referrer-policy')).toBe('same-origin');
    const context = await newContext(browser(), url);
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) refused.push(m.text());
    });
    page.on('pageerror', (e) => refused.push(String(e)));
    // Search (scripts, styles, the websocket), then a seat map (inline styles of the layout).
    await page.goto('/');
    await expect
      .poll(() => page.getByTestId('connection').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('online');
    await page.goto('/race');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(refused).toEqual([]);
    await context.close();
  });

  it('caches hashed assets for a year and revalidates the shell', async () => {
    const shell = await fetch(`${url}/some/deep/link`);
    expect(shell.status).toBe(200);
    expect(shell.headers.get('cache-control')).toBe('no-cache');
    const html = await shell.text();
    const asset = /\/_app\/immutable\/[^"']+\.js/.exec(html)?.[0];
    expect(asset).toBeTruthy();
    const js = await fetch(`${url}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    const again = await fetch(`${url}${asset}`, {
      headers: { 'if-none-match': js.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${url}/_app/immutable/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/api/nothing-here`)).status).toBe(404);
  });
});
