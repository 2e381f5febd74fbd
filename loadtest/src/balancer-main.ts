/**
 * A round-robin TCP balancer on loopback in front of the nodes (forked by balancer.ts), standing
 * in for docker-compose's nginx: Artillery has one target, and each new connection (a websocket
 * for its whole life, or an HTTP keep-alive connection) goes to the next node that answers.
 */
import net from 'node:net';

const ports = process.argv.slice(2).map(Number);
const perNode = ports.map(() => 0);
let next = 0;

/**
 * Connects to the next node that answers, trying each once: a node that was killed (the chaos
 * run) refuses, and its share of new connections goes to the others until it is back.
 */
function connectUpstream(client: net.Socket, tries: number) {
  const i = next++ % ports.length;
  const upstream = net.connect(ports[i]!, '127.0.0.1');
  upstream.once('error', () => {
    upstream.destroy();
    if (tries > 1 && !client.destroyed) connectUpstream(client, tries - 1);
    else client.destroy();
  });
  upstream.once('connect', () => {
    perNode[i]! += 1;
    upstream.setNoDelay(true);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.removeAllListeners('error');
    upstream.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  });
}

const server = net.createServer((client) => {
  // Nothing the client sends is read until a node has taken the connection.
  client.pause();
  client.setNoDelay(true);
  client.on('error', () => client.destroy());
  connectUpstream(client, ports.length);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({
    type: 'listening',
    port: typeof address === 'object' && address ? address.port : 0,
  });
});
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'stats') process.send?.({ type: 'stats', perNode });
});
process.on('disconnect', () => process.exit(0));
