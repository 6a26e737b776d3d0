/**
 * A one-line text field (the filter, a file path, a publish form field) with the readline keys
 * people expect: ←/→, Home/End (Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U (to start), Ctrl-K (to
 * end), Ctrl-W (word). Pure state; the widget draws it and the app routes keys to it.
 */
export type EditResult = 'changed' | 'moved' | 'submit' | 'cancel' | 'ignored';

/** What blessed reports for a key press (the parts we read). */
export interface KeyPress {
  /** The typed character, when the key produces one. */
  ch?: string | undefined;
  /** blessed's `key.full`: `left`, `C-a`, `backspace`, … */
  full: string;
}

export class LineEditor {
  private value: string;
  private at: number;

  constructor(initial = '') {
    this.value = initial;
    this.at = initial.length;
  }

  get text(): string {
    return this.value;
  }

  /** Cursor position, in UTF-16 units of `text`. */
  get cursor(): number {
    return this.at;
  }

  set(text: string): void {
    this.value = text;
    this.at = text.length;
  }

  handle(key: KeyPress): EditResult {
    switch (key.full) {
      case 'enter': // blessed reports Enter twice, as `enter` then `return`: only the first counts
        return 'submit';
      case 'return':
        return 'ignored';
      case 'escape':
        return 'cancel';
      case 'left':
      case 'C-b':
        return this.moveTo(this.at - charBefore(this.value, this.at));
      case 'right':
      case 'C-f':
        return this.moveTo(this.at + charAfter(this.value, this.at));
      case 'home':
      case 'C-a':
        return this.moveTo(0);
      case 'end':
      case 'C-e':
        return this.moveTo(this.value.length);
      case 'backspace':
      case 'C-h':
        return this.remove(this.at - charBefore(this.value, this.at), this.at);
      case 'delete':
      case 'C-d':
        return this.remove(this.at, this.at + charAfter(this.value, this.at));
      case 'C-u':
        return this.remove(0, this.at);
      case 'C-k':
        return this.remove(this.at, this.value.length);
      case 'C-w':
        return this.remove(wordStart(this.value, this.at), this.at);
    }
    const ch = key.ch;
    // Printable input only: a control character typed into a path or filter is never wanted.
    if (ch === undefined || ch === '' || /[\p{Cc}]/u.test(ch)) return 'ignored';
    this.value = this.value.slice(0, this.at) + ch + this.value.slice(this.at);
    this.at += ch.length;
    return 'changed';
  }

  private moveTo(position: number): EditResult {
    const next = Math.max(0, Math.min(this.value.length, position));
    if (next === this.at) return 'ignored';
    this.at = next;
    return 'moved';
  }

  private remove(from: number, to: number): EditResult {
    if (from >= to) return 'ignored';
    this.value = this.value.slice(0, from) + this.value.slice(to);
    this.at = from;
    return 'changed';
  }
}

/** UTF-16 units of the character before `at` (2 for an astral character). */
function charBefore(text: string, at: number): number {
  if (at <= 0) return 0;
  const code = text.charCodeAt(at - 1);
  return code >= 0xdc00 && code <= 0xdfff && at >= 2 ? 2 : 1;
}

function charAfter(text: string, at: number): number {
  if (at >= text.length) return 0;
  const code = text.charCodeAt(at);
  return code >= 0xd800 && code <= 0xdbff && at + 1 < text.length ? 2 : 1;
}

/** Start of the word before `at` (spaces before it go too), as Ctrl-W in a shell. */
function wordStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && text[i - 1] !== ' ') i--;
  return i;
}
