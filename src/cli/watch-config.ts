/**
 * `watch` and `demo` flags, parsed and checked once into one typed config that the watch loop,
 * the line printer and the UI receive. Nothing downstream reads a raw flag: that is how the UI
 * once took `--channel` (a SUBSCRIBE) for a channel filter and hid every pattern message.
 */
import type { FilterSpec, MessageFilter } from '../output/filter.js';
import { applyRenderFlags, durationFlag, intFlag } from './args.js';
import type { watchCoreFlags } from './command-defs.js';
import { filterFromFlags, type FilterFlagValues } from './filters.js';
import type { FlagValues } from './flags.js';
import type { CliIo } from './io.js';
import { lineOutputFrom, type LineOutput } from './line-output.js';
import { subscriptionFromFlags, type Subscription } from './subscription.js';

/** The filter flags, compiled (line mode) and as a spec (the UI's starting filter, which `/` edits). */
export interface FilterConfig {
  spec: FilterSpec;
  filter: MessageFilter;
}

export interface WatchConfig {
  subscription: Subscription;
  filter: FilterConfig;
  output: {
    /** The live UI (a terminal both ways, no --no-tui, no --json), else lines. */
    ui: boolean;
    lines: LineOutput;
    /** NDJSON with the typed `term` (false: `--no-term`). */
    term: boolean;
    /** Also record the raw traffic to this capture file. */
    record: string | undefined;
  };
  limits: {
    /** Stop after this many matching messages. */
    count: number | undefined;
    /** Stop after this long: 0 if anything matched, 1 if nothing did. */
    timeoutMs: number | undefined;
    /** UI ring buffer size. */
    bufferSize: number;
  };
}

export type WatchFlagValues = FlagValues<typeof watchCoreFlags>;

export function filterConfigFrom(values: FilterFlagValues): FilterConfig {
  const filter = filterFromFlags(values);
  return { spec: filter.spec, filter };
}

export function watchConfigFrom(values: WatchFlagValues, io: Pick<CliIo, 'stdout' | 'stdin' | 'env'>): WatchConfig {
  applyRenderFlags(values); // --elixir: whose inspect every surface follows
  const lines = lineOutputFrom(values, io);
  return {
    subscription: subscriptionFromFlags(values),
    filter: filterConfigFrom(values),
    output: {
      ui: io.stdout.isTTY === true && io.stdin.isTTY === true && values.tui !== false && !lines.json,
      lines,
      term: values.term !== false,
      record: values.record,
    },
    limits: {
      count: values.count === undefined ? undefined : intFlag('count', values.count, 0, 0),
      timeoutMs: values.timeout === undefined ? undefined : durationFlag('timeout', values.timeout, 0),
      bufferSize: intFlag('buffer', values.buffer, 10_000),
    },
  };
}
