/**
 * A round-robin TCP balancer on loopback in front of the nodes (forked by balancer.ts), standing
 * in for docker-compose's nginx: Artillery has one target, and each new connection (a websocket
 * for its whole life, or an HTTP keep-alive connection) goes to the next node.
 */
import net from 'node:net';

const ports = process.argv.slice(2).map(Number);
const perNode = ports.map(() => 0);
let next = 0;

const server = net.createServer((client) => {
  const i = next++ % ports.length;
  perNode[i]! += 1;
  const upstream = net.connect(ports[i]!, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
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
