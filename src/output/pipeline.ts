/**
 * From raw messages to what is shown: number each message, classify it, count it, filter it.
 * The same pipeline serves live watching, demo, captures read back and the UI, so every view
 * counts the same way: received = shown + filtered, and undecodable is counted apart (an
 * undecodable message is still shown unless a filter hides it).
 */
import type { RawMessage } from '../model/raw-message.js';
import { classify } from '../phoenix/classify.js';
import { NodeNameResolver } from '../phoenix/node-names.js';
import { MATCH_ALL, type MessageFilter } from './filter.js';
import { isUndecodable, type WatchedMessage } from './watched-message.js';

export interface Counters {
  received: number;
  shown: number;
  filtered: number;
  undecodable: number;
}

export interface PipelineOptions {
  filter?: MessageFilter;
  /** Decode byte spans too (the UI's hex view needs them; printers do not). */
  spans?: boolean;
  maxInflatedSize?: number;
}

export class MessagePipeline {
  readonly counters: Counters = { received: 0, shown: 0, filtered: 0, undecodable: 0 };
  private readonly filter: MessageFilter;
  /** One name per 2.x node: its ref's messages get the name another message of that ref told. */
  private readonly nodeNames = new NodeNameResolver();
  private readonly observers: Array<(m: WatchedMessage) => void> = [];
  private readonly classifyOptions: { spans?: boolean; maxInflatedSize?: number };

  constructor(options: PipelineOptions = {}) {
    this.filter = options.filter ?? MATCH_ALL;
    this.classifyOptions = {};
    if (options.spans) this.classifyOptions.spans = true;
    if (options.maxInflatedSize !== undefined) this.classifyOptions.maxInflatedSize = options.maxInflatedSize;
  }

  /** Classifies and counts one message; returns it when it passes the filter. */
  accept(raw: RawMessage): WatchedMessage | undefined {
    const counters = this.counters;
    const message: WatchedMessage = {
      seq: ++counters.received,
      raw,
      classified: classify(raw.payload, this.classifyOptions, raw.channel),
    };
    this.nodeNames.resolve(message.classified);
    if (isUndecodable(message.classified)) counters.undecodable++;
    for (const observer of this.observers) observer(message);
    if (!this.filter.matches(message)) {
      counters.filtered++;
      return undefined;
    }
    counters.shown++;
    return message;
  }

  /**
   * Called with every message before the filter decides (the UI's nodes and presence views count
   * what the list hides too).
   */
  observe(observer: (m: WatchedMessage) => void): void {
    this.observers.push(observer);
  }

  summary(): string {
    const c = this.counters;
    return `received ${c.received}, shown ${c.shown}, filtered ${c.filtered}, undecodable ${c.undecodable}`;
  }
}
