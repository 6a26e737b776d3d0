/**
 * Copy to the clipboard with OSC 52 (`ESC ] 52 ; c ; <base64> BEL`): the terminal itself puts the
 * text on the clipboard, which works over ssh and inside tmux (`set-clipboard on`, the default
 * `external` passes it on) without any clipboard program on this machine.
 */

/** Terminals cap the sequence (xterm: about 100 000 bytes); refuse rather than copy half a term. */
export const OSC52_MAX_BASE64 = 100_000;

export type Osc52 = { ok: true; sequence: string; bytes: number } | { ok: false; reason: string };

export function osc52Sequence(text: string): Osc52 {
  const bytes = Buffer.from(text, 'utf8');
  const base64 = bytes.toString('base64');
  if (base64.length > OSC52_MAX_BASE64) {
    return {
      ok: false,
      reason: `too large for the terminal clipboard (${bytes.length} bytes; OSC 52 allows about ${(OSC52_MAX_BASE64 * 3) / 4}); save it with s instead`,
    };
  }
  return { ok: true, sequence: `\u001b]52;c;${base64}\u0007`, bytes: bytes.length };
}
