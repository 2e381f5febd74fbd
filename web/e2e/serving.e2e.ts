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
