import {
  httpRoutes,
  routeUrl,
  type Ack,
  type RouteAnswer,
  type RouteInput,
  type RouteName,
} from '@berth/shared';

/** A route's answer as the client reads it: the ack, and the HTTP status it came with. */
export type ApiAnswer<N extends RouteName> = Ack<RouteAnswer<N>> & { status: number };

/** The input a route takes, optional when it needs none. */
export type CallArgs<N extends RouteName> =
  object extends RouteInput<N> ? [input?: RouteInput<N>] : [input: RouteInput<N>];

/**
 * One call of a route of the table in `shared/`: its path, query and body built from the typed
 * input, its answer typed by the route. The server answers every API route in the ack shape; a
 * network failure or a non-JSON answer becomes a coded error too, so callers branch on `ok` only.
 */
export async function callApi<N extends RouteName>(
  name: N,
  token: string | null,
  ...[input]: CallArgs<N>
): Promise<ApiAnswer<N>> {
  const { method } = httpRoutes[name];
  const { params, query, body } = (input ?? {}) as {
    params?: Record<string, string | number>;
    query?: object;
    body?: unknown;
  };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(routeUrl(name, { params, query }), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      error: {
        code: 'UNAVAILABLE',
        message: 'Cannot reach Berth. Check your connection and retry.',
      },
    };
  }
  try {
    const ack = (await res.json()) as Ack<RouteAnswer<N>>;
    return { ...ack, status: res.status };
  } catch {
    return {
      ok: false,
      status: res.status,
      error: { code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' },
    };
  }
}
