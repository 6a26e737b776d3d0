/**
 * Terms in Erlang syntax, as `io_lib:format("~tp", [T])` writes them on OTP 25 with the default
 * printable range (latin1): `#{<<"a">> => 1}`, `<<"héllo"/utf8>>`, `'quoted atom'`, `[1,2|3]`,
 * `"abc"` for printable lists. On one line (`pretty: false`, or when it fits) the text is
 * exactly `~0tp`'s; broken lines use this project's two-space layout rather than io_lib_pretty's
 * column alignment.
 *
 * Maps are written in wire order, which is erl's for maps it encoded itself — except that `~p`
 * shows maps of more than 32 keys in reverse, and so do we.
 *
 * Where Erlang prints a VM-local node index we print the node name:
 *   `<a@127.0.0.1.398.0>`, `#Port<a@host.5>`, `#Ref<a@host.3615496611.2885943297.201943>`,
 *   `fun 'Elixir.Enum':map/2`, `#Fun<Module.OldIndex.OldUniq>`.
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
} from '../term.js';
import { erlangAtomNeedsQuotes } from './atoms.js';
import { DEFAULT_MAX_DEPTH, depthMarker, flattenList } from './elixir-doc.js';
import { erlangShortFloat } from './floats.js';
import { box, renderFlat, renderPretty, seq, type Doc } from './layout.js';
import { latin1, nodeNameText } from './strings.js';
import { utf8Text } from '../utf8-text.js';
import { isPrintableUtf8, RenderBudget, SYNTAX_BINARY_BYTES, utf8Prefix } from './display-limits.js';

export interface ErlangRenderOptions {
  /** Line width for pretty printing (default 80). */
  width?: number;
  /** Break containers that do not fit (default true); false prints `~0tp`'s one line. */
  pretty?: boolean;
  /** Containers nested deeper than this are replaced by `…(nesting deeper than N)` (default 1000). */
  maxDepth?: number;
}

const NAMED_ESCAPES: Record<number, string> = {
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
  8: '\\b',
  12: '\\f',
  27: '\\e',
  127: '\\d',
};

// Characters io_lib:write_string/2 changes: quotes, backslash, C0 controls, DEL and the C1 block.
const ERLANG_ESCAPE = /["'\\\x00-\x1f\x7f-\x9f]/g;

/** `io_lib:write_string(Chars, Quote)` (unicode): printable as is, controls escaped, others octal. */
function erlangQuoted(text: string, quote: '"' | "'"): string {
  const escaped = text.replace(ERLANG_ESCAPE, (m) => {
    if (m === '"' || m === "'") return m === quote ? '\\' + m : m;
    if (m === '\\') return '\\\\';
    const c = m.charCodeAt(0);
    return NAMED_ESCAPES[c] ?? '\\' + ((c >> 6) & 7) + ((c >> 3) & 7) + (c & 7);
  });
  return quote + escaped + quote;
}

export function erlangAtom(name: string): string {
  return erlangAtomNeedsQuotes(name) ? erlangQuoted(name, "'") : name;
}

/** `io_lib:printable_latin1_list/1` — the default `io:printable_range()` is latin1. */
function isPrintableLatin1(c: number): boolean {
  return (c >= 32 && c <= 126) || (c >= 0xa0 && c <= 0xff) || (c >= 8 && c <= 13) || c === 27;
}

function printableList(list: readonly Term[]): string | undefined {
  let out = '';
  for (const c of list) {
    if (typeof c !== 'number' || !isPrintableLatin1(c)) return undefined;
    out += String.fromCharCode(c);
  }
  return out;
}

// Outside the default printable range (latin1): what makes io_lib_pretty show bytes instead.
const NOT_PRINTABLE_LATIN1 = /[^\x08-\x0d\x1b\x20-\x7e\xa0-\xff]/;

/** io_lib_pretty's binary rule: ASCII-or-Latin-1 text `<<"…">>`, other printable UTF-8 `<<"…"/utf8>>`. */
function binaryText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return undefined;
  const text = utf8Text(bytes);
  if (text !== undefined) {
    if (NOT_PRINTABLE_LATIN1.test(text)) return undefined;
    return text.length === bytes.length
      ? '<<' + erlangQuoted(text, '"') + '>>'
      : '<<' + erlangQuoted(text, '"') + '/utf8>>';
  }
  const chars = latin1(bytes);
  return NOT_PRINTABLE_LATIN1.test(chars) ? undefined : '<<' + erlangQuoted(chars, '"') + '>>';
}

class ErlangDocBuilder {
  private readonly budget = new RenderBudget();

  constructor(private readonly maxDepth: number) {}

  /** `term` as a document; past the character budget (display-limits.ts), containers show `…(N more)`. */
  build(term: Term, depth: number): Doc {
    // One frame per level, no closure: deep terms are walked to 1000 levels on the default stack.
    return this.budget.exhausted ? '…' : this.budget.charge(this.buildTerm(term, depth));
  }

  private items(count: number, item: (i: number) => Doc): Doc[] {
    return this.budget.items(count, item);
  }

  private buildTerm(term: Term, depth: number): Doc {
    if (typeof term === 'number' || typeof term === 'bigint') return term.toString();
    if (term instanceof Atom) return erlangAtom(term.name);
    if (term instanceof ErlFloat) return erlangShortFloat(term.value);
    if (term instanceof Uint8Array) {
      if (this.budget.cuts(term)) return this.cutBinary(term);
      return (
        binaryText(term) ?? (term.length > SYNTAX_BINARY_BYTES ? this.cutBinary(term) : this.bytes(term, undefined))
      );
    }
    if (term instanceof BitBinary) {
      if (term.bytes.length - 1 > SYNTAX_BINARY_BYTES) return this.cutBinary(term.bytes);
      if (term.bitsInLast === 8 || term.bytes.length === 0) return this.build(term.bytes, depth);
      const last = term.bytes[term.bytes.length - 1]! >> (8 - term.bitsInLast);
      return this.bytes(term.bytes.subarray(0, term.bytes.length - 1), `${last}:${term.bitsInLast}`);
    }
    if (term instanceof Pid) return `<${nodeNameText(term.node.name)}.${term.id}.${term.serial}>`;
    if (term instanceof Port) return `#Port<${nodeNameText(term.node.name)}.${term.id}>`;
    if (term instanceof Ref) return `#Ref<${[nodeNameText(term.node.name), ...[...term.ids].reverse()].join('.')}>`;
    if (term instanceof ExportFun)
      return `fun ${erlangAtom(term.module.name)}:${erlangAtom(term.fun.name)}/${term.arity}`;
    if (term instanceof Fun) return `#Fun<${term.module.name}.${term.oldIndex}.${term.oldUniq}>`;
    if (depth >= this.maxDepth) return depthMarker(this.maxDepth);
    if (Array.isArray(term)) return this.list(term, undefined, depth);
    if (term instanceof ImproperList) {
      const { elements, tail } = flattenList(term);
      return this.list(elements, tail, depth);
    }
    if (term instanceof Tuple) return this.container('{', term.elements, '}', depth);
    if (term instanceof ErlMap) {
      const { keys, values } = term;
      // OTP 25's ~p walks a map with maps:iterator/1, which visits a large (HAMT, > 32 keys) map in
      // the reverse of maps:to_list/1 — and to_list order is the order term_to_binary wrote.
      const reversed = keys.length > 32;
      const at = (i: number): number => (reversed ? keys.length - 1 - i : i);
      const items: Doc[] = this.items(keys.length, (i) =>
        seq(this.build(keys[at(i)]!, depth + 1), ' => ', this.build(values[at(i)]!, depth + 1)),
      );
      return box('#{', items, '}', { separator: ',' });
    }
    throw new TypeError(`not a term: ${String(term)}`);
  }

  /** A binary longer than the limit: its first bytes and its size, `<<"abc"…>> (102400 bytes)`. */
  private cutBinary(bytes: Uint8Array): Doc {
    const max = this.budget.limits.binaryBytes;
    const size = ` (${bytes.length} bytes)`;
    if (bytes.length > max && isPrintableUtf8(bytes)) {
      this.budget.spend(max);
      return `<<${erlangQuoted(utf8Prefix(bytes, max), '"')}/utf8…>>${size}`;
    }
    this.budget.spend(SYNTAX_BINARY_BYTES * 3);
    const items: string[] = [];
    for (const b of bytes.subarray(0, SYNTAX_BINARY_BYTES)) items.push(String(b));
    items.push('…');
    return seq(box('<<', items, '>>', { separator: ',', fill: true }), size);
  }

  private bytes(bytes: Uint8Array, lastSegment: string | undefined): Doc {
    const items: string[] = [];
    for (const b of bytes) items.push(String(b));
    this.budget.spend(bytes.length * 3);
    if (lastSegment !== undefined) items.push(lastSegment);
    return box('<<', items, '>>', { separator: ',', fill: true });
  }

  private container(open: string, elements: readonly Term[], close: string, depth: number, tail?: Term): Doc {
    const items = this.items(elements.length, (i) => this.build(elements[i]!, depth + 1));
    const tailDoc = tail === undefined || items.length < elements.length ? undefined : this.build(tail, depth + 1);
    const fill = items.every((d) => typeof d === 'string') && (tailDoc === undefined || typeof tailDoc === 'string');
    return box(open, items, close, { separator: ',', tailSeparator: '|', tail: tailDoc, fill });
  }

  private list(elements: readonly Term[], tail: Term | undefined, depth: number): Doc {
    if (elements.length === 0) return tail === undefined ? '[]' : this.build(tail, depth);
    if (tail === undefined) {
      const chars = printableList(elements);
      if (chars !== undefined) return erlangQuoted(chars, '"');
    }
    return this.container('[', elements, ']', depth, tail);
  }
}

/** `term` in Erlang syntax; see ErlangRenderOptions for the defaults. */
export function renderErlang(term: Term, options: ErlangRenderOptions = {}): string {
  const doc = new ErlangDocBuilder(options.maxDepth ?? DEFAULT_MAX_DEPTH).build(term, 0);
  return options.pretty === false ? renderFlat(doc) : renderPretty(doc, options.width ?? 80);
}
