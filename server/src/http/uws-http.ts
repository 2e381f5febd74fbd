import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import { MAX_BODY_BYTES, type Router } from './router.ts';
import { wireForm, type HttpResult } from './http-types.ts';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
  500: 'Internal Server Error',
};

/**
 * Mounts the router on a uWS app for `/api/*` and `/metrics`. uWS hands over the request only
 * synchronously, so everything is copied before the first await; the response may be aborted by
 * the client at any time, after which it must not be touched.
 */
export function mountUwsRoutes(app: TemplatedApp, router: Router): void {
  const handler = (res: HttpResponse, req: import('uWebSockets.js').HttpRequest) => {
    const method = req.getCaseSensitiveMethod?.() ?? req.getMethod().toUpperCase();
    const query = req.getQuery();
    const url = query ? `${req.getUrl()}?${query}` : req.getUrl();
    const headers: Record<string, string> = {};
    req.forEach((k, v) => {
      headers[k] = v;
    });
    const remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      size += chunk.byteLength;
      // uWS reuses the chunk's memory after this callback: copy it.
      if (size <= MAX_BODY_BYTES + 1) chunks.push(Buffer.from(chunk.slice(0)));
      if (!isLast) return;
      void router
        .handle({
          method: method.toUpperCase(),
          url,
          headers,
          body: Buffer.concat(chunks),
          remoteAddress,
        })
        .then((result) => {
          if (!aborted) writeUws(res, result);
        });
    });
  };
  app.any('/api/*', handler);
  app.any('/api', handler);
  app.any('/metrics', handler);
}

function writeUws(res: HttpResponse, result: HttpResult) {
  const { payload, headers } = wireForm(result);
  res.cork(() => {
    res.writeStatus(`${result.status} ${STATUS_TEXT[result.status] ?? ''}`.trim());
    for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
    res.end(payload);
  });
}
