/**
 * How the adapter's atoms and binaries read as text in labels: module atoms as Elixir aliases,
 * node names as the bare name, node refs as a short hex prefix. Labels only — the full, faithful
 * rendering of a term is the renderers' job in src/etf.
 */
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ExportFun,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  type Term,
} from '../etf/term.js';
import { inspectAtom } from '../etf/render/atoms.js';
import { utf8Text } from '../etf/utf8-text.js';

// Non-fatal: a topic with a stray invalid byte should still get a readable label (U+FFFD marks it).
// ignoreBOM: a leading U+FEFF is part of the topic, not a marker to drop ("\uFEFFrooms:lobby" is
// another topic than "rooms:lobby", and must not look like it).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A binary's bytes read as UTF-8 (invalid sequences become U+FFFD). */
export function binaryText(bytes: Uint8Array): string {
  return utf8Text(bytes) ?? utf8.decode(bytes);
}

/**
 * An atom as Elixir source spells it (Elixir's own quoting rules, from the renderer):
 * `Elixir.Phoenix.PubSub` → `Phoenix.PubSub`, `nil` → `nil`, `ets` → `:ets`, `a@host.x` → `:"a@host.x"`.
 */
export function elixirAtomText(atom: Atom): string {
  return inspectAtom(atom.name);
}

/**
 * A node name as text: the atom's name (`a@127.0.0.1`) or the binary's text — a v3 `:node_name`
 * may be either (wire-format.md §7.4). Anything else gets a short description of its kind.
 */
export function nodeText(node: Term): string {
  if (node instanceof Atom) return node.name;
  if (node instanceof Uint8Array) return binaryText(node);
  return termKindText(node);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * A v1 node ref shown short: the first 8 hex digits of the random bytes (enough to tell a
 * handful of nodes apart), the integer of adapter 0.1, `<<>>` for the empty binary some
 * hand-written publishers send.
 */
export function shortNodeRef(ref: Term): string {
  if (ref instanceof Uint8Array) return ref.length === 0 ? '<<>>' : hex(ref.subarray(0, 4));
  if (typeof ref === 'number' || typeof ref === 'bigint') return String(ref);
  return nodeText(ref);
}

/** A binary as text, an integer as decimal, anything else as a short kind description. */
export function labelText(term: Term): string {
  if (term instanceof Uint8Array) return binaryText(term);
  if (term instanceof Atom) return elixirAtomText(term);
  return termKindText(term);
}

/** One short word for a term that has no natural label (never walks into the term). */
export function termKindText(term: Term): string {
  if (typeof term === 'number' || typeof term === 'bigint') return String(term);
  if (term instanceof Atom) return elixirAtomText(term);
  if (term instanceof Uint8Array) return `<<${term.length} bytes>>`;
  if (term instanceof ErlFloat) return String(term.value);
  if (term instanceof BitBinary) return '<<bitstring>>';
  if (Array.isArray(term)) return term.length === 0 ? '[]' : '[…]';
  if (term instanceof ImproperList) return '[…|…]';
  if (term instanceof Tuple) return term.length === 0 ? '{}' : '{…}';
  if (term instanceof ErlMap) return term.size === 0 ? '%{}' : '%{…}';
  if (term instanceof Pid) return `#PID<${term.node.name}>`;
  if (term instanceof Port) return `#Port<${term.node.name}>`;
  if (term instanceof Ref) return `#Reference<${term.node.name}>`;
  if (term instanceof ExportFun) return `&${elixirAtomText(term.module)}.${term.fun.name}/${term.arity}`;
  if (term instanceof Fun) return '#Function<…>';
  return '?';
}
