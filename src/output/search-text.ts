/**
 * The text that `--grep` and the UI's bare words search: the decoded application message in
 * compact Elixir syntax (the envelope's fields have their own filters), decoded JSON/msgpack as
 * JSON, and anything else as the payload read as UTF-8.
 */
import { DISPLAY_LIMITS } from '../etf/render/display-limits.js';
import type { SearchText } from './filter.js';
import { termLine } from './term-text.js';
import type { WatchedMessage } from './watched-message.js';

// Non-fatal: raw payloads are searched as far as they read as text.
const utf8 = new TextDecoder('utf-8');

export function defaultSearchText(m: WatchedMessage): string {
  const c = m.classified;
  const term = c.message ?? c.term;
  if (term !== undefined) return termLine(term); // the text the lines and the UI show
  if (c.kind === 'json' || c.kind === 'msgpack') return jsonText(c.data);
  // A raw payload may be any size: search what a display would show of it.
  return utf8.decode(m.raw.payload.subarray(0, DISPLAY_LIMITS.binaryBytes));
}

function jsonText(data: unknown): string {
  // msgpack may carry 64-bit integers (bigint) and binaries, which JSON.stringify rejects or mangles.
  return (
    JSON.stringify(data, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Uint8Array) return utf8.decode(value);
      return value;
    }) ?? ''
  );
}

/**
 * Remembers each message's text (up to `maxLength` characters; longer texts are rendered again
 * each time rather than held), so that re-filtering a full buffer while the user edits the query
 * costs a lookup per message instead of a render. Entries go when their message is collected.
 */
export function memoizeSearchText(render: SearchText, options: { maxLength?: number } = {}): SearchText {
  const maxLength = options.maxLength ?? 4096;
  const memo = new WeakMap<WatchedMessage, string>();
  return (m) => {
    let text = memo.get(m);
    if (text === undefined) {
      text = render(m);
      if (text.length <= maxLength) memo.set(m, text);
    }
    return text;
  };
}
