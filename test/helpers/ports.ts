/**
 * Free TCP ports on 127.0.0.1 for servers that tests start.
 *
 * The OS picks a port that is free right now; between closing our probe and the server binding it,
 * another process could take it, so starters that use these ports must retry on "address in use"
 * (startRedis does).
 */
import { createServer } from 'node:net';

/** One port that nothing listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * A free port whose partner `port + offset` is free too and in range — Redis Cluster's bus
 * defaults to port + 10000, and some tools assume it even when `cluster-port` is set.
 */
export async function freePortPair(offset = 10_000): Promise<{ port: number; partner: number }> {
  for (let tries = 0; tries < 50; tries++) {
    const port = await freePort();
    if (port + offset > 65_535) continue;
    if (await isFree(port + offset)) return { port, partner: port + offset };
  }
  throw new Error(`no free port pair (offset ${offset}) found`);
}

/** Whether 127.0.0.1:port can be bound right now. */
export function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
