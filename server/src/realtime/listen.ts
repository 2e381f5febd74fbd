import type http from 'node:http';
import { createNodeHttpServer, flatHeaders } from '../http/node-http.ts';
import type { Router } from '../http/router.ts';
import { mountUwsRoutes } from '../http/uws-http.ts';
import type { StaticSite, StaticAnswer } from '../http/static-site.ts';
import type { BerthServer } from './types.ts';
import type { Transport } from './uws-loader.ts';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the router, Socket.IO and the built web client (every other path) from one uWS app, or
 * from Node's HTTP server.
 */
export async function listenOn(
  transport: Transport,
  io: BerthServer,
  router: Router,
  site: StaticSite,
  port: number,
): Promise<Listening> {
  if (transport.kind === 'uws') {
    const { uWS } = transport;
    const app = uWS.App();
    io.attachApp(app);
    mountUwsRoutes(app, router);
    app.any('/*', (res, req) => {
      const headers: Record<string, string> = {};
      req.forEach((k, v) => {
        headers[k] = v;
      });
      const answer = site.answer(req.getMethod().toUpperCase(), req.getUrl(), headers);
      res.cork(() => {
        res.writeStatus(STATUS_LINE[answer.status]);
        for (const [k, v] of Object.entries(answer.headers)) res.writeHeader(k, v);
        if (answer.body) res.end(answer.body);
        else res.endWithoutBody();
      });
    });
    const token = await new Promise<unknown>((resolve, reject) => {
      app.listen(port, (t) =>
        t ? resolve(t) : reject(new Error(`cannot listen on port ${port}`)),
      );
    });
    return {
      port: uWS.us_socket_local_port(token as Parameters<typeof uWS.us_socket_local_port>[0]),
      async close() {
        await closeIo(io);
        uWS.us_listen_socket_close(token as Parameters<typeof uWS.us_listen_socket_close>[0]);
      },
    };
  }
  const server: http.Server = createNodeHttpServer(router, (req, res) => {
    const answer = site.answer(req.method ?? 'GET', req.url ?? '/', flatHeaders(req.headers));
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body ?? undefined);
  });
  io.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    async close() {
      await closeIo(io);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

const STATUS_LINE: Record<StaticAnswer['status'], string> = {
  200: '200 OK',
  304: '304 Not Modified',
  404: '404 Not Found',
};

function closeIo(io: BerthServer): Promise<void> {
  return new Promise((resolve) => {
    // `local`: with the Redis adapter a plain disconnectSockets() reaches every node's clients,
    // and one node's restart would drop the whole cluster's.
    io.local.disconnectSockets(true);
    void io.close(() => resolve());
  });
}
