/**
 * A 2.x (v1) node shows two names: the short ref of its envelopes (8 hex digits of the 24 random
 * bytes it picked at start) and its Erlang node name, which only some of its messages tell (the
 * `from` pid of broadcast_from, a Tracker replica). This remembers, per ref, the name a message
 * told, and gives it to the later messages of that ref that do not tell it (`envelope.nodeName`),
 * so that lists, filters and stats group one node under one name; the ref stays in the envelope.
 *
 * Pure and self-contained (no I/O), one instance per message stream. Memory is bounded: at most
 * `capacity` refs, the least recently seen forgotten first (a ref belongs to one node run, and a
 * long watch sees every restart's new ref).
 */
import type { Classified } from './classified.js';

export const DEFAULT_NODE_NAME_CAPACITY = 4096;

export class NodeNameResolver {
  /** ref → node name; Map order is recency (re-inserted on use). */
  private readonly names = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_NODE_NAME_CAPACITY) {}

  /** Learns from `classified` and, for a v1 envelope that does not tell its node, fills in `nodeName`. */
  resolve(classified: Classified): void {
    const env = classified.envelope;
    if (env === undefined || env.generation !== 1) return;
    const told = env.fromNode ?? classified.tracker?.replica;
    if (told !== undefined) {
      this.remember(env.node, told);
      return;
    }
    const known = this.names.get(env.node);
    if (known === undefined) return;
    this.remember(env.node, known);
    env.nodeName = known;
  }

  /** Number of refs remembered (for tests and stats). */
  get size(): number {
    return this.names.size;
  }

  private remember(ref: string, name: string): void {
    this.names.delete(ref);
    this.names.set(ref, name);
    if (this.names.size > this.capacity) {
      const oldest = this.names.keys().next().value;
      if (oldest !== undefined) this.names.delete(oldest);
    }
  }
}
