import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP relay on loopback to one address, that a test can shut and open: shut, it cuts every
 * connection through it and refuses new ones, as a database that went down does to its clients;
 * open, it relays again. Lets a test take PostgreSQL away from one node without stopping the
 * server the rest of the suite shares.
 */
export interface TcpGate {
  port: number;
  shut(): void;
  open(): void;
  close(): Promise<void>;
}

export function startTcpGate(targetPort: number): Promise<TcpGate> {
  let isOpen = true;
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (!isOpen) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const shut = () => {
    isOpen = false;
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        shut,
        open: () => {
          isOpen = true;
        },
        close: () => {
          shut();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}
