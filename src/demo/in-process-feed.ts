import { EventEmitter } from 'node:events';
import type { SubscriberEvents } from '../redis/subscriber.js';
import { SimulatedCluster, type DemoMessage } from './simulated-cluster.js';

export const TICK_MS = 100;

/**
 * The demo without Redis (no redis-server on this machine): the simulated cluster's messages are
 * handed straight to the watcher, as if a subscriber had received them. Same events as Subscriber.
 */
export class InProcessFeed extends EventEmitter<SubscriberEvents> {
  readonly target = 'in-process demo feed (no redis-server)';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly cluster = new SimulatedCluster()) {
    super();
  }

  start(): Promise<void> {
    this.timer = setInterval(() => this.deliver(this.cluster.next()), TICK_MS);
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.emit('closed');
    return Promise.resolve();
  }

  private deliver(messages: DemoMessage[]): void {
    const receivedAt = Date.now();
    for (const m of messages)
      this.emit('message', { receivedAt, channel: m.channel, pattern: 'phx:*', payload: m.payload });
  }
}
