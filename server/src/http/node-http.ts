import http from 'node:http';
import { MAX_BODY_BYTES, type Router } from './router.ts';
import { wireForm, type HttpResult } from './http-types.ts';

export type Fallback = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Node's own HTTP server in front of the router (the fallback transport). */
export function createNodeHttpServer(router: Router, fallback: Fallback): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (!router.serves(path)) return fallback(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep one byte past the limit so the router can tell the body was too large.
      if (size <= MAX_BODY_BYTES + 1) chunks.push(chunk);
    });
    req.on('end', () => {
      void router
        .handle({
          method: req.method ?? 'GET',
          url,
          headers: flatHeaders(req.headers),
          body: Buffer.concat(chunks),
          remoteAddress: req.socket.remoteAddress ?? '',
        })
        .then((result) => writeNode(res, result));
    });
  });
}

/** Node's headers (some repeated, as arrays) as one string each, as the router and site expect. */
export function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
}

function writeNode(res: http.ServerResponse, result: HttpResult) {
  const { payload, headers } = wireForm(result);
  res.writeHead(result.status, headers);
  res.end(payload);
}
