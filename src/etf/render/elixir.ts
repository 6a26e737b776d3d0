/**
 * Terms in Elixir syntax for people: struct-aware, pretty-printed to a width (or on one line),
 * and readable back by `parseElixir` for every term without pids, ports, references or funs.
 *
 * Where Elixir has no literal we borrow inspect's notation and add the node name, which Elixir
 * replaces by a local index that means nothing outside that VM:
 *   `#PID<a@127.0.0.1.398.0>` (node.id.serial), `#Port<a@host.5>`,
 *   `#Reference<a@host.3615496611.2885943297.201943>` (ids most significant first, as Erlang
 *   prints them), `&Enum.map/2`, `#Function<index.old_uniq/arity in Module>`.
 */

import type { Term } from '../term.js';
import { DEFAULT_MAX_DEPTH, ElixirDocBuilder } from './elixir-doc.js';
import { renderFlat, renderPretty } from './layout.js';
import type { StructRegistry } from './structs.js';

export interface ElixirRenderOptions {
  /** Line width for pretty printing (default 80). */
  width?: number;
  /** Break containers that do not fit on a line (default true); false prints one line. */
  pretty?: boolean;
  /** Known structs and their field order; MapSet is always recognised. */
  structs?: StructRegistry;
  /** `sigil` (default): `~c"abc"`; `quotes`: `'abc'` (Elixir ≤ 1.14); `lists`: `[97, 98, 99]`. */
  charlists?: 'sigil' | 'quotes' | 'lists';
  /**
   * Show binaries longer than this many bytes cut, as `"abc…" (102400 bytes)`. The result is not
   * valid Elixir; meant for display.
   */
  maxBinaryLength?: number;
  /** Containers nested deeper than this are replaced by `…(nesting deeper than N)` (default 1000). */
  maxDepth?: number;
}

/** `term` in Elixir syntax; see ElixirRenderOptions for the defaults. */
export function renderElixir(term: Term, options: ElixirRenderOptions = {}): string {
  const builder = new ElixirDocBuilder({
    structs: options.structs,
    charlists: options.charlists ?? 'sigil',
    unknownStructs: 'struct',
    mapSets: 'exact',
    maxBinaryLength: options.maxBinaryLength,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  const doc = builder.build(term);
  return options.pretty === false ? renderFlat(doc) : renderPretty(doc, options.width ?? 80);
}
