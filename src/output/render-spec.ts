/**
 * What a watcher prints, as plain data: the render worker receives it through workerData (it
 * cannot receive functions), and builds the renderer and filter from it on its side.
 */
import type { ElixirVersion } from '../etf/render/elixir.js';
import type { FilterSpec } from './filter.js';
import { lineClock, writeLine, type TimeMode } from './line-format.js';
import { writeNdjsonLine } from './ndjson.js';
import type { Utf8Lines } from './utf8-lines.js';
import type { WatchedMessage } from './watched-message.js';

export type RenderSpec =
  /** NDJSON; `term: false` leaves out the typed `term` (the cheaper `--json=compact`). */
  | { format: 'ndjson'; term: boolean }
  /** Lines; `width` cuts each to the terminal (absent: never cut). */
  | { format: 'lines'; color: boolean; time: TimeMode; width?: number };

export interface WatchRenderSpec {
  render: RenderSpec;
  filter: FilterSpec;
  /** Whose `inspect` the rendering follows (`--elixir`): the worker has its own copy of that setting. */
  elixir: ElixirVersion;
  /** Stop showing (and counting) after this many shown messages: `--count N`. */
  maxShown?: number;
}

/** Writes one message's line, newline included, to `out` (and nothing when it throws). */
export type Renderer = (m: WatchedMessage, out: Utf8Lines) => void;

export function rendererFor(spec: RenderSpec): Renderer {
  if (spec.format === 'ndjson') {
    const options = { term: spec.term };
    return (m, out) => writeNdjsonLine(m, out, options);
  }
  const options = {
    palette: { enabled: spec.color },
    clock: lineClock(spec.time),
    ...(spec.width === undefined ? {} : { width: spec.width }),
  };
  return (m, out) => writeLine(m, options, out);
}

/**
 * How a gap is reported where it happened in the output: `dropped` messages arrived but were let
 * go undecoded because output could not keep up (`total`: all so far). NDJSON: a record of its
 * own, told apart from message records by having `dropped` and no `seq` (docs/ndjson.md).
 */
export function dropReport(spec: RenderSpec, dropped: number, total: number, at: number): string {
  if (spec.format === 'ndjson')
    return `{"ts":"${new Date(at).toISOString()}","dropped":${dropped},"dropped_total":${total}}`;
  return `# dropped ${dropped} messages: output could not keep up (${total} in all)`;
}
