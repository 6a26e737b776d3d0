/** Named batches over the shared erl oracle (test/helpers/erl.ts): one Erlang process per batch. */
import { erlEval } from '../helpers/erl.js';

/**
 * Evaluates each Erlang expression — which must produce a binary, e.g. `term_to_binary({1, 2})` —
 * and returns the bytes under the same names.
 */
export async function erlBinaries<K extends string>(exprs: Record<K, string>): Promise<Record<K, Uint8Array>> {
  const names = Object.keys(exprs) as K[];
  const results = await erlEval(names.map((name) => exprs[name]));
  const out = {} as Record<K, Uint8Array>;
  names.forEach((name, i) => {
    const r = results[i]!;
    if (!r.ok) throw new Error(`erl could not evaluate ${name}: ${r.error}`);
    out[name] = new Uint8Array(r.values[0]!);
  });
  return out;
}
