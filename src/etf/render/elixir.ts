/**
 * Terms in Elixir syntax for people, struct-aware, pretty-printed to a width (or on one line).
 * On one line without cut binaries it is exactly `inspect` (inspect.ts): the same document,
 * Elixir 1.14's `inspect/2` output by default. Every term without pids, ports, references, funs
 * or standard-library structs in their own notation (`~U[…]`, `#DateTime<…>`, `1..3`,
 * `MapSet.new(…)`, `~r/…/`) reads back through `parseElixir`.
 *
 * Where Elixir has no literal we borrow inspect's notation and add the node name, which Elixir
 * replaces by a local index that means nothing outside that VM:
 *   `#PID<a@127.0.0.1.398.0>` (node.id.serial), `#Port<a@host.5>`,
 *   `#Reference<a@host.3615496611.2885943297.201943>` (ids most significant first, as Erlang
 *   prints them), `&Enum.map/2`, `#Function<index.old_uniq/arity in Module>`.
 */

import type { Term } from '../term.js';
import { DEFAULT_MAX_DEPTH, ElixirDocBuilder, type ElixirDocOptions } from './elixir-doc.js';
import { renderElixirFlat, writeElixirFlat, type FlatSink } from './elixir-flat.js';
import { renderFlat, renderPretty } from './layout.js';
import type { StructRegistry } from './structs.js';

/**
 * Whose `inspect` output to follow. 1.14 (the default, the Elixir the fixtures were captured
 * with) writes charlists `'abc'`; 1.15 and later write `~c"abc"`, which is the one difference
 * '1.15' stands for.
 */
export type ElixirVersion = '1.14' | '1.15';

export const ELIXIR_VERSIONS: readonly ElixirVersion[] = ['1.14', '1.15'];

export function charlistStyle(version: ElixirVersion | undefined): 'quotes' | 'sigil' {
  return version === '1.15' ? 'sigil' : 'quotes';
}

export interface ElixirRenderOptions {
  /** Line width for pretty printing (default 80). */
  width?: number;
  /** Break containers that do not fit on a line (default true); false prints one line. */
  pretty?: boolean;
  /** Known structs and their field order (the standard library's are always known). */
  structs?: StructRegistry;
  /** Whose `inspect` to follow (default '1.14'); see ElixirVersion. */
  elixir?: ElixirVersion;
  /** Overrides the version's charlist style; `lists` writes `[97, 98, 99]`. */
  charlists?: 'sigil' | 'quotes' | 'lists';
  /**
   * Show binaries longer than this many bytes cut, as `"abc…" (102400 bytes)`. The result is not
   * valid Elixir; meant for display.
   */
  maxBinaryLength?: number | undefined;
  /** Containers nested deeper than this are replaced by `…(nesting deeper than N)` (default 1000). */
  maxDepth?: number;
}

/** `term` in Elixir syntax; see ElixirRenderOptions for the defaults. */
export function renderElixir(term: Term, options: ElixirRenderOptions = {}): string {
  const docOptions = docOptionsFor(options);
  if (options.pretty === false) {
    // The common message needs no document on one line (elixir-flat.ts); the rest goes the long way.
    const flat = renderElixirFlat(term, docOptions);
    if (flat !== undefined) return flat;
  }
  const doc = new ElixirDocBuilder(docOptions).build(term);
  return options.pretty === false ? renderFlat(doc) : renderPretty(doc, options.width ?? 80);
}

/**
 * What `renderElixir(term, { ...options, pretty: false })` returns, written into `sink` where the
 * one-line writer answers (elixir-flat.ts: most messages); false when it gives up, having written
 * part of it, which the caller drops before taking renderElixir's way.
 */
export function writeElixirLine(term: Term, options: ElixirRenderOptions, sink: FlatSink): boolean {
  return writeElixirFlat(term, docOptionsFor(options), sink);
}

function docOptionsFor(options: ElixirRenderOptions): ElixirDocOptions {
  return {
    structs: options.structs,
    charlists: options.charlists ?? charlistStyle(options.elixir),
    maxBinaryLength: options.maxBinaryLength,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
}
