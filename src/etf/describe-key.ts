import { Atom, ErlFloat, ErlMap, Tuple, type Term } from './term.js';

const MAX_TEXT = 40;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A map key shown briefly for an error path (`map value "payload"`, `map value :event`).
 * Not a renderer: only scalars are spelled out, containers are named by kind.
 */
export function describeKey(key: Term): string {
  if (typeof key === 'number' || typeof key === 'bigint') return String(key);
  if (key instanceof Atom) return ':' + clip(key.name);
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

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + '…' : text;
}
