import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { AuthTokens } from '@berth/shared';

/** Where the tests write screenshots (named in the README; not committed). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** The OS's Chromium (Debian: `apt-get install chromium`); a test tool never downloads a browser. */
export const CHROMIUM =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'].find((p) =>
    existsSync(p),
  ) ??
  '/usr/bin/chromium';

/** Flags that keep Chromium from reaching anything but the server under test. */
const FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
  '--no-default-browser-check',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run \`apt-get install -y chromium\``);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** One Chromium for the calling test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running yet');
    return browser;
  };
}

/** A fresh browser profile (its own storage) at a laptop-sized window. */
export function newContext(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 860 },
): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport });
}

/** Signs a user in through the API and stores the session the way the app does. */
export async function signIn(
  context: BrowserContext,
  baseURL: string,
  email: string,
  password: string,
): Promise<AuthTokens> {
  const res = await fetch(`${baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const ack = (await res.json()) as { ok: boolean; data: AuthTokens };
  if (!ack.ok) throw new Error(`cannot sign in ${email}`);
  await context.addInitScript(
    ([key, value]) => {
      if (!localStorage.getItem(key!)) localStorage.setItem(key!, value!);
    },
    ['berth.session', JSON.stringify(ack.data)],
  );
  return ack.data;
}

/** Registers a brand-new user (unique per call) and signs them in. */
export async function newUser(
  context: BrowserContext,
  baseURL: string,
  name: string,
): Promise<AuthTokens> {
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
  const password = 'e2e-password-123';
  const res = await fetch(`${baseURL}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name }),
  });
  if (!res.ok) throw new Error(`cannot register ${email}: ${res.status}`);
  return signIn(context, baseURL, email, password);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}
