import type { Ack, AuthTokens, PublicUser } from '@berth/shared';
import type { RouteName } from '@berth/shared';
import { callApi, type ApiAnswer, type CallArgs } from '../api/http.ts';

/** Where the session lives, so a reload or a second tab stays signed in. */
export const SESSION_KEY = 'berth.session';
/** Refresh this long before the access token runs out. */
const REFRESH_EARLY_MS = 60_000;

/**
 * The signed-in user and their tokens. The access token is renewed shortly before it expires
 * (one tab at a time, through a Web Lock, because refresh tokens are single-use and a reused one
 * revokes the whole session); listeners hear about every new token so open sockets can renew
 * without reconnecting and the page is never lost.
 */
export class Session {
  #tokens = $state<AuthTokens | null>(null);
  #timer: ReturnType<typeof setTimeout> | null = null;
  #refreshing: Promise<boolean> | null = null;
  readonly #listeners = new Set<(tokens: AuthTokens | null, userChanged: boolean) => void>();

  constructor(private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    this.#tokens = this.#read();
    this.#schedule();
    globalThis.addEventListener?.('storage', (e: StorageEvent) => {
      if (e.key === SESSION_KEY) this.#adopt(this.#read());
    });
  }

  /**
   * Who is signed in, as values that change only when the user does (not at every token
   * renewal): effects that build per-user state read these, so a renewal never rebuilds a page.
   */
  readonly userId = $derived(this.#tokens?.user.id ?? null);
  readonly isAdmin = $derived(this.#tokens?.user.role === 'admin');

  get user(): PublicUser | null {
    return this.#tokens?.user ?? null;
  }
  get accessToken(): string | null {
    return this.#tokens?.accessToken ?? null;
  }

  /** Called with every new token set (or null on sign-out). */
  subscribe(fn: (tokens: AuthTokens | null, userChanged: boolean) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  async login(email: string, password: string): Promise<Ack<AuthTokens>> {
    const ack = await callApi('login', null, { body: { email, password } });
    if (ack.ok) this.#adopt(ack.data, true);
    return ack;
  }

  async register(name: string, email: string, password: string): Promise<Ack<AuthTokens>> {
    const ack = await callApi('register', null, { body: { name, email, password } });
    if (ack.ok) this.#adopt(ack.data, true);
    return ack;
  }

  async logout(): Promise<void> {
    const refreshToken = this.#tokens?.refreshToken;
    this.#adopt(null, true);
    if (refreshToken) await callApi('logout', null, { body: { refreshToken } });
  }

  /** Ends every sign-in of this user, on every device, this one included. */
  async signOutEverywhere(): Promise<Ack<{ signedOut: number }>> {
    const ack = await this.api('logoutEverywhere');
    if (ack.ok) this.#adopt(null, true);
    return ack;
  }

  /** Renews the access token; false when the session is gone (signed out elsewhere, revoked). */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#refreshOnce().finally(() => (this.#refreshing = null));
    return this.#refreshing;
  }

  /** An authenticated API call; a 401 triggers one refresh and one retry. */
  async api<N extends RouteName>(name: N, ...args: CallArgs<N>): Promise<ApiAnswer<N>> {
    let ack = await callApi(name, this.accessToken, ...args);
    if (!ack.ok && ack.status === 401 && this.#tokens && (await this.refresh())) {
      ack = await callApi(name, this.accessToken, ...args);
    }
    return ack;
  }

  async #refreshOnce(): Promise<boolean> {
    const work = async () => {
      // Another tab may have refreshed while we waited for the lock: use its tokens.
      const stored = this.#read();
      if (stored && stored.refreshToken !== this.#tokens?.refreshToken && isFresh(stored)) {
        this.#adopt(stored);
        return true;
      }
      const current = stored ?? this.#tokens;
      if (!current) return false;
      const ack = await callApi('refresh', null, { body: { refreshToken: current.refreshToken } });
      if (ack.ok) this.#adopt(ack.data);
      else if (ack.status === 401 || ack.status === 400) this.#adopt(null, true);
      return ack.ok;
    };
    const locks = globalThis.navigator?.locks;
    return locks ? locks.request('berth-refresh', work) : work();
  }

  #adopt(tokens: AuthTokens | null, userMayChange = false) {
    const userChanged =
      userMayChange || (this.#tokens?.user.id ?? null) !== (tokens?.user.id ?? null);
    this.#tokens = tokens;
    if (tokens) this.storage?.setItem(SESSION_KEY, JSON.stringify(tokens));
    else this.storage?.removeItem(SESSION_KEY);
    this.#schedule();
    for (const fn of this.#listeners) fn(tokens, userChanged);
  }

  #schedule() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#tokens) return;
    const due = Date.parse(this.#tokens.accessExpiresAt) - REFRESH_EARLY_MS - Date.now();
    this.#timer = setTimeout(() => void this.refresh(), Math.max(1000, due));
  }

  #read(): AuthTokens | null {
    try {
      const raw = this.storage?.getItem(SESSION_KEY);
      return raw ? (JSON.parse(raw) as AuthTokens) : null;
    } catch {
      return null;
    }
  }
}

function isFresh(tokens: AuthTokens): boolean {
  return Date.parse(tokens.accessExpiresAt) - Date.now() > REFRESH_EARLY_MS;
}
