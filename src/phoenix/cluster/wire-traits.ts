/**
 * What the bytes of a payload say about the node that wrote them, beyond the decoded term.
 *
 * Atom encoding: OTP 26 made term_to_binary write atoms as UTF-8 (SMALL_ATOM_UTF8_EXT, tag 119)
 * where OTP ≤ 25 writes Latin-1 ATOM_EXT (tag 100): the envelope's first atom (the v3 mode, the
 * v1 fastlane) is at a fixed offset, so one byte tells the sender's OTP generation.
 */
import type { Classified } from '../classified.js';

export type AtomEncoding = 'latin1' | 'utf8';

const LATIN1_TAGS = new Set([100, 115]); // ATOM_EXT, SMALL_ATOM_EXT
const UTF8_TAGS = new Set([118, 119]); // ATOM_UTF8_EXT, SMALL_ATOM_UTF8_EXT

export function atomEncodingOf(payload: Uint8Array, c: Classified): AtomEncoding | undefined {
  const env = c.envelope;
  if (env === undefined) return undefined;
  // Offsets in the term bytes (after the 131 version byte, or in the inflated bytes).
  const bytes = env.compressed ? c.inflated : payload.subarray(1);
  if (bytes === undefined) return undefined;
  let at: number;
  if (env.shape === 'v3')
    at = 4; // 104 6 97 3 <mode atom>
  else if (env.shape === 'v1/fastlane') {
    // 104 7 97 1 109 <len:4> <ref> <fastlane atom>
    if (bytes[4] !== 109 || bytes.length < 9) return undefined;
    const len = ((bytes[5]! << 24) | (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!) >>> 0;
    at = 9 + len;
  } else return undefined;
  const tag = bytes[at];
  if (tag === undefined) return undefined;
  if (LATIN1_TAGS.has(tag)) return 'latin1';
  if (UTF8_TAGS.has(tag)) return 'utf8';
  return undefined;
}

/** The PubSub name a channel belongs to, as an Elixir alias: `phx:Elixir.Chat.PubSub.Adapter` → `Chat.PubSub`. */
export function pubsubNameOfChannel(channel: string): string {
  let name = channel.startsWith('phx:') ? channel.slice(4) : channel;
  if (name.endsWith('.Adapter')) name = name.slice(0, -'.Adapter'.length);
  if (name.startsWith('Elixir.')) name = name.slice('Elixir.'.length);
  // A plain-atom name (:chat_pubsub) reads the same on both generations' channels.
  return /^[A-Z]/.test(name) ? name : `:${name}`;
}
