import type { Ack } from '@berth/shared';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One JSON request to the API. The server answers every route in the ack shape; a network
 * failure or a non-JSON answer becomes a coded error too, so callers branch on `ok` only.
 */
export async function request<T>(
  method: Method,
  path: string,
  opts: { body?: unknown; token?: string | null } = {},
): Promise<Ack<T> & { status: number }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
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
    const ack = (await res.json()) as Ack<T>;
    return { ...ack, status: res.status };
  } catch {
    return {
      ok: false,
      status: res.status,
      error: { code: 'INTERNAL', message: 'Something went wrong on our side. Please try again.' },
    };
  }
}
