/**
 * What Elixir 1.14 prints for `inspect(term, limit: :infinity, printable_limit: :infinity)`
 * (one line), for the same term decoded on a node where only the given structs are loaded:
 * registry structs as `%Mod{…}` in field order (when the keys are exactly the struct's), MapSet
 * as `MapSet.new([…])`, every other struct as a map with `__struct__`, charlists as `'abc'`.
 *
 * Pids, ports and references cannot match Elixir exactly: it prints a node *index* local to the
 * inspecting VM; we print the node name in its place (`#PID<a@127.0.0.1.398.0>`).
 */

import type { Term } from '../term.js';
import { DEFAULT_MAX_DEPTH, ElixirDocBuilder } from './elixir-doc.js';
import { renderFlat } from './layout.js';
import type { StructRegistry } from './structs.js';

export interface InspectOptions {
  structs?: StructRegistry;
  /** Containers nested deeper than this are replaced by a marker (default 1000). */
  maxDepth?: number;
}

export function inspect(term: Term, options: InspectOptions = {}): string {
  const builder = new ElixirDocBuilder({
    structs: options.structs,
    charlists: 'quotes',
    unknownStructs: 'map',
    mapSets: 'loose',
    maxBinaryLength: undefined,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  });
  return renderFlat(builder.build(term));
}
