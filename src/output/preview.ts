/**
 * A short, safe look at bytes that are not a term: text when they are printable UTF-8 (shown
 * quoted, control characters escaped), otherwise hex. Never prints raw control bytes to a
 * terminal.
 */
import { utf8Text } from '../etf/utf8-text.js';
import { jsonForTerminal } from '../text/terminal-safe.js';

export function previewBytes(bytes: Uint8Array, limit: number): string {
  const shown = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  const more = bytes.length > limit ? `…(+${bytes.length - limit} bytes)` : '';
  const text = printableUtf8(shown);
  if (text !== undefined) return `${jsonTextForTerminal(text)}${more}`;
  return `hex ${Buffer.from(shown)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ')}${more}`;
}

/** JSON text of `value` that is safe on a terminal (see jsonForTerminal). */
export function jsonTextForTerminal(value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  return jsonForTerminal(JSON.stringify(value, replacer) ?? 'undefined');
}

function printableUtf8(bytes: Uint8Array): string | undefined {
  // Not UTF-8 includes a multi-byte character cut by the limit: hex is honest then.
  const text = utf8Text(bytes);
  if (text === undefined) return undefined;
  // Mostly control characters means binary data that happens to be valid UTF-8.
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) control++;
  }
  return control * 10 > text.length ? undefined : text;
}
