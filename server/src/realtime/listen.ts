import type http from 'node:http';
import { createNodeHttpServer } from '../http/node-http.ts';
import type { Router } from '../http/router.ts';
import { mountUwsRoutes } from '../http/uws-http.ts';
import type { BerthServer } from './types.ts';
import type { Transport } from './uws-loader.ts';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

const NOT_FOUND = JSON.stringify({
  ok: false,
  error: { code: 'NOT_FOUND', message: 'Nothing is here.' },
});

/** Serves the router and Socket.IO from one uWS app, or from Node's HTTP server. */
export async function listenOn(
  transport: Transport,
  io: BerthServer,
  router: Router,
  port: number,
): Promise<Listening> {
  if (transport.kind === 'uws') {
    const { uWS } = transport;
    const app = uWS.App();
    io.attachApp(app);
    mountUwsRoutes(app, router);
    app.any('/*', (res) => {
      res.cork(() => {
        res
          .writeStatus('404 Not Found')
          .writeHeader('content-type', 'application/json')
          .end(NOT_FOUND);
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
  const server: http.Server = createNodeHttpServer(router, (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(NOT_FOUND);
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

function closeIo(io: BerthServer): Promise<void> {
  return new Promise((resolve) => {
    io.disconnectSockets(true);
    void io.close(() => resolve());
  });
}
