/**
 * How Elixir 1.14 writes an atom (`Macro.classify_atom/1`, `Macro.inspect_atom/2`): bare
 * (`:ok`, `:foo@bar`, `:+`), as an alias (`Phoenix.PubSub` for `:"Elixir.Phoenix.PubSub"`), or
 * quoted (`:"with space"`, `:"a@127.0.0.1"`). Also the Erlang rule (`io_lib:write_atom/1`).
 */

import { tokenizeIdentifier } from './identifiers.js';
import { escapeText } from './strings.js';

export type AtomClass = 'alias' | 'identifier' | 'unquoted' | 'quoted';
type InnerClass = 'alias' | 'identifier' | 'unquoted_operator' | 'quoted_operator' | 'not_callable' | 'other';

// Code.Identifier.unary_op/1 and binary_op/1 (`//` excluded, as Macro.operator?/2 does).
const OPERATORS = new Set([
  '&',
  '!',
  '^',
  'not',
  '+',
  '-',
  '~~~',
  '@',
  '<-',
  '\\\\',
  'when',
  '::',
  '|',
  '=',
  '||',
  '|||',
  'or',
  '&&',
  '&&&',
  'and',
  '==',
  '!=',
  '=~',
  '===',
  '!==',
  '<',
  '<=',
  '>=',
  '>',
  '|>',
  '<<<',
  '>>>',
  '<~',
  '~>',
  '<<~',
  '~>>',
  '<~>',
  '<|>',
  'in',
  '^^^',
  '++',
  '--',
  '..',
  '<>',
  '+++',
  '---',
  '*',
  '/',
  '**',
  '.',
]);
const NOT_CALLABLE = new Set(['%', '%{}', '{}', '<<>>', '...', '..', '.', '..//', '->']);
const QUOTED_OPERATORS = new Set(['::', '^^^', '~~~', '<|>']);

/** Every atom text Elixir writes bare although it is not an identifier (operators and forms). */
export const BARE_OPERATOR_ATOMS: ReadonlySet<string> = new Set(
  [...OPERATORS, ...NOT_CALLABLE].filter((op) => !QUOTED_OPERATORS.has(op)),
);

/** `Elixir` followed by `.Upper[A-Za-z0-9_]*` pieces (Macro's valid_alias?/1). */
const ALIAS = /^Elixir(\.[A-Z][A-Za-z0-9_]*)*$/;

function innerClassify(name: string): InnerClass {
  if (NOT_CALLABLE.has(name)) return 'not_callable';
  if (QUOTED_OPERATORS.has(name)) return 'quoted_operator';
  if (OPERATORS.has(name)) return 'unquoted_operator';
  if (ALIAS.test(name)) return 'alias';
  const token = tokenizeIdentifier(name);
  if (token === undefined || token.rest) return 'other';
  if (token.kind !== 'identifier' || token.at) return 'not_callable';
  return token.nfkc ? 'other' : 'identifier';
}

const classCache = new Map<string, AtomClass>();

/** `Macro.classify_atom/1`. Cached: atoms repeat a lot in real traffic. */
export function classifyAtom(name: string): AtomClass {
  let cls = classCache.get(name);
  if (cls === undefined) {
    const inner = innerClassify(name);
    cls =
      inner === 'alias' || inner === 'identifier'
        ? inner
        : inner === 'unquoted_operator' || inner === 'not_callable'
          ? 'unquoted'
          : 'quoted';
    if (classCache.size < 100_000) classCache.set(name, cls);
  }
  return cls;
}

/** `Macro.inspect_atom(:literal, atom)`: `:ok`, `nil`, `Phoenix.PubSub`, `:"with space"`. */
export function inspectAtom(name: string): string {
  if (name === 'nil' || name === 'true' || name === 'false') return name;
  switch (classifyAtom(name)) {
    case 'alias':
      if (name === 'Elixir' || name === 'Elixir.Elixir' || name.startsWith('Elixir.Elixir.')) return name;
      return name.slice('Elixir.'.length);
    case 'quoted':
      return ':"' + escapeText(name, '"') + '"';
    default:
      return ':' + name;
  }
}

/** `Macro.inspect_atom(:key, atom)`: the `key:` of a keyword pair (`"with space":`). */
export function inspectAtomKey(name: string): string {
  switch (classifyAtom(name)) {
    case 'alias':
      return '"' + name + '":';
    case 'quoted':
      return '"' + escapeText(name, '"') + '":';
    default:
      return name + ':';
  }
}

/** `Macro.inspect_atom(:remote_call, atom)`: the `fun` in `&Mod.fun/1`. */
export function inspectAtomRemoteCall(name: string): string {
  const inner = innerClassify(name);
  if (inner === 'identifier' || inner === 'unquoted_operator' || inner === 'quoted_operator') return name;
  const escaped = inner === 'not_callable' || inner === 'alias' ? name : escapeText(name, '"');
  return '"' + escaped + '"';
}

/** Inspect's keyword-key test: any atom except those spelled like aliases (`Elixir.…`). */
export function isKeywordKeyAtom(name: string): boolean {
  return !name.startsWith('Elixir.');
}

// erl_scan:reserved_word/1 on OTP 25 (`maybe`/`else` only with the maybe_expr feature: not here).
const ERLANG_RESERVED = new Set([
  'after',
  'and',
  'andalso',
  'band',
  'begin',
  'bnot',
  'bor',
  'bsl',
  'bsr',
  'bxor',
  'case',
  'catch',
  'cond',
  'div',
  'end',
  'fun',
  'if',
  'let',
  'not',
  'of',
  'or',
  'orelse',
  'receive',
  'rem',
  'try',
  'when',
  'xor',
]);

function isErlangLower(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}

function isErlangNameChar(c: number): boolean {
  return (
    isErlangLower(c) ||
    (c >= 65 && c <= 90) ||
    (c >= 0xc0 && c <= 0xde && c !== 0xd7) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 64
  );
}

/** Whether `io_lib:write_atom/1` puts the atom in single quotes. */
export function erlangAtomNeedsQuotes(name: string): boolean {
  if (ERLANG_RESERVED.has(name)) return true;
  const first = name.codePointAt(0);
  if (first === undefined || !isErlangLower(first)) return true;
  for (let i = 1; i < name.length; i++) if (!isErlangNameChar(name.charCodeAt(i))) return true;
  return false;
}
