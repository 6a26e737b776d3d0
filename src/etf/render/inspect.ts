/**
 * What Elixir 1.14 prints for `inspect(term, limit: :infinity, printable_limit: :infinity)`
 * (one line), for the same term decoded on a node where the standard library and the given
 * structs are loaded: the standard library's own forms (`~U[…]`, `1..10//3`, `MapSet.new([…])`,
 * `%URI{…}`…, see stdlib-structs.ts), registry and stdlib structs as `%Mod{…}` in field order
 * (when the keys are exactly the struct's), every other struct as a map with `__struct__`,
 * charlists as `'abc'`, small maps in term order as `binary_to_term` sorts them.
 *
 * Pids, ports and references cannot match Elixir exactly: it prints a node *index* local to the
 * inspecting VM; we print the node name in its place (`#PID<a@127.0.0.1.398.0>`).
 */

import type { Term } from '../term.js';
import { DEFAULT_MAX_DEPTH, ElixirDocBuilder } from './elixir-doc.js';
import { renderElixirFlat } from './elixir-flat.js';
import { charlistStyle, type ElixirVersion } from './elixir.js';
import { renderFlat } from './layout.js';
import type { StructRegistry } from './structs.js';

export interface InspectOptions {
  structs?: StructRegistry;
  /** Whose `inspect` to reproduce: '1.14' (default) or '1.15' (charlists as `~c"abc"`). */
  elixir?: ElixirVersion;
  /** Containers nested deeper than this are replaced by a marker (default 1000). */
  maxDepth?: number;
}

export function inspect(term: Term, options: InspectOptions = {}): string {
  const docOptions = {
    structs: options.structs,
    charlists: charlistStyle(options.elixir),
    maxBinaryLength: undefined,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };
  // Common terms are written directly (elixir-flat.ts), the same text without a document.
  return renderElixirFlat(term, docOptions) ?? renderFlat(new ElixirDocBuilder(docOptions).build(term));
}
