import type { ConnectionSpec } from '../redis/connection-spec.js';
import { Publisher } from '../redis/publisher.js';
import { TICK_MS } from './in-process-feed.js';
import { SimulatedCluster } from './simulated-cluster.js';

/**
 * The simulated cluster publishing through a real Redis, as the adapter does: plain PUBLISH of
 * the ETF bytes, one message after another. Returns a stop function.
 */
export async function publishSimulatedTraffic(
  spec: ConnectionSpec,
  onError: (message: string) => void,
): Promise<() => Promise<void>> {
  const cluster = new SimulatedCluster();
  const publisher = new Publisher(spec);
  await publisher.connect();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // never queue ticks behind a slow Redis: the demo just gets calmer
    busy = true;
    const messages = cluster.next();
    (async () => {
      for (const m of messages) await publisher.publish(m.channel, m.payload);
    })()
      .catch((error: unknown) => onError(error instanceof Error ? error.message : String(error)))
      .finally(() => (busy = false));
  }, TICK_MS);
  return async () => {
    clearInterval(timer);
    await publisher.close();
  };
}
