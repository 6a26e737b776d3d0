/**
 * An independent check of decoded terms: Erlang describes a term in a small canonical text (the
 * `Describe` fun bound in every erl.ts request), and `describeTerm` describes our decoded Term the
 * same way. Equal texts mean the decoder got every
 * value right, without trusting our encoder (a decode bug mirrored by an encode bug would still
 * round-trip byte for byte).
 *
 * Format: `i:<decimal>`, `f:<IEEE hex>`, `a:<UTF-8 hex>`, `b:<hex>`, `s:<bits in last>:<hex>`,
 * lists `[x,y|t]`, tuples `{x,y}`, maps `#{k=>v,…}` with pairs sorted as text, pids
 * `p:<node>:<id>:<serial>:<creation>`, ports `o:<node>:<id>:<creation>`, refs
 * `r:<node>:<creation>:<id.id…>`, export funs `e:<module>:<name>:<arity>`, local funs
 * `l:<arity>:<uniq>:<index>:<module>:<old index>:<old uniq>:<pid>:[free vars]`.
 * Pid/port/ref fields are read, in Erlang, from its own `{minor_version, 2}` encoding.
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
} from '../../src/etf/term.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();
const utf8Hex = (s: string): string => hex(Buffer.from(s, 'utf8'));

/** The same description as ERL_DESCRIBE, of a Term we decoded. Iterative: deep terms are fine. */
export function describeTerm(root: Term): string {
  let out = '';
  // Work items: a term to describe, or literal text to append.
  const work: Array<{ term: Term } | string> = [{ term: root }];
  while (work.length > 0) {
    const item = work.pop()!;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const t = item.term;
    const later: Array<{ term: Term } | string> = [];
    if (typeof t === 'number' || typeof t === 'bigint') out += `i:${t}`;
    else if (t instanceof ErlFloat) {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(t.value);
      out += `f:${hex(b)}`;
    } else if (t instanceof Atom) out += `a:${utf8Hex(t.name)}`;
    else if (t instanceof Uint8Array) out += `b:${hex(t)}`;
    else if (t instanceof BitBinary) out += `s:${t.bitsInLast}:${hex(t.bytes)}`;
    else if (Array.isArray(t) || t instanceof ImproperList) {
      const elements = Array.isArray(t) ? t : t.elements;
      if (elements.length === 0) out += '[]';
      else {
        later.push('[');
        elements.forEach((e, i) => later.push(...(i > 0 ? [','] : []), { term: e }));
        if (t instanceof ImproperList) later.push('|', { term: t.tail });
        later.push(']');
      }
    } else if (t instanceof Tuple) {
      later.push('{');
      t.elements.forEach((e, i) => later.push(...(i > 0 ? [','] : []), { term: e }));
      later.push('}');
    } else if (t instanceof ErlMap) {
      const pairs = t.keys.map((k, i) => `${describeTerm(k)}=>${describeTerm(t.values[i]!)}`).sort();
      out += `#{${pairs.join(',')}}`;
    } else if (t instanceof Pid) out += `p:${utf8Hex(t.node.name)}:${t.id}:${t.serial}:${t.creation}`;
    else if (t instanceof Port) out += `o:${utf8Hex(t.node.name)}:${t.id}:${t.creation}`;
    else if (t instanceof Ref) out += `r:${utf8Hex(t.node.name)}:${t.creation}:${t.ids.join('.')}`;
    else if (t instanceof ExportFun) out += `e:${utf8Hex(t.module.name)}:${utf8Hex(t.fun.name)}:${t.arity}`;
    else if (t instanceof Fun) {
      out += `l:${t.arity}:${hex(t.uniq)}:${t.index}:${utf8Hex(t.module.name)}:${t.oldIndex}:${t.oldUniq}:`;
      later.push({ term: t.pid }, ':', { term: t.freeVars });
    } else throw new Error(`not a term: ${String(t)}`);
    for (let i = later.length - 1; i >= 0; i--) work.push(later[i]!);
  }
  return out;
}
