import { Atom, ErlFloat, ErlMap, Tuple, type Term } from './term.js';

const MAX_TEXT = 40;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A map key shown briefly for an error path (`map value "payload"`, `map value :event`).
 * Not a renderer: only scalars are spelled out, containers are named by kind.
 */
export function describeKey(key: Term): string {
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (key instanceof Atom) return atomText(key.name);
  if (key instanceof Uint8Array) {
    try {
      const text = utf8.decode(key);
      if (!/[\x00-\x1f\x7f]/.test(text)) return JSON.stringify(clip(text));
    } catch {
      // not UTF-8: fall through to the size
    }
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
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

function atomText(name: string): string {
  const clipped = clip(name);
  if (!/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\s"\\]/u.test(clipped)) return ':' + clipped;
  const escaped = clipped
    .replace(/["\\]/g, '\\$&')
    .replace(UNPRINTABLE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
  return `:"${escaped}"`;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + '…' : text;
}
