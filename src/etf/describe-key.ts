import { hasUnsafe, escapeUnsafe, unsafeCharacters } from '../text/terminal-safe.js';
import { Atom, ErlFloat, ErlMap, Tuple, type Term } from './term.js';
import { utf8Text } from './utf8-text.js';

const MAX_TEXT = 40;

/**
 * A map key shown briefly for an error path (`map value "payload"`, `map value :event`).
 * Not a renderer: only scalars are spelled out, containers are named by kind.
 */
export function describeKey(key: Term): string {
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (key instanceof Atom) return atomText(key.name);
  if (key instanceof Uint8Array) {
    const text = utf8Text(key);
    if (text !== undefined && !hasUnsafe(text)) return JSON.stringify(clip(text));
    return `<<${key.length} bytes>>`;
  }
  if (key instanceof ErlFloat) return String(key.value);
  if (key instanceof Tuple) return `{…${key.length}}`;
  if (key instanceof ErlMap) return `%{…${key.size}}`;
  if (Array.isArray(key)) return `[…${key.length}]`;
  return key.constructor.name.toLowerCase();
}

/**
 * Error messages end up on terminals: an atom from hostile bytes may hold ESC, CR or C1 controls
 * (or bidi overrides), so such names are quoted with those characters escaped.
 */
const NEEDS_QUOTES = unsafeCharacters('\\s"\\\\');

function atomText(name: string): string {
  const clipped = clip(name);
  if (escapeUnsafe(clipped, NEEDS_QUOTES) === clipped) return ':' + clipped;
  return `:"${escapeUnsafe(clipped.replace(/["\\]/g, '\\$&'))}"`;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + '…' : text;
}
