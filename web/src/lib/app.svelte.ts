import { Connection } from './realtime/connection.svelte.ts';
import { Session } from './state/session.svelte.ts';

/** The signed-in user (or nobody), shared by every page. */
export const session = new Session();

/**
 * The app's one socket. It carries the session's access token; a renewed token is presented with
 * `auth:renew` (rooms and watched runs stay), a different user reconnects (and every watcher
 * re-snapshots, since "yours" depends on who is looking).
 */
export const live = new Connection({ token: () => session.accessToken });

session.subscribe((tokens, userChanged) => {
  if (userChanged) {
    live.socket.disconnect();
    live.socket.connect();
  } else if (tokens) {
    void live.ask('auth:renew', { accessToken: tokens.accessToken });
  }
});
