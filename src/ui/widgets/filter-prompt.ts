/**
 * The one-line prompt at the bottom: the filter (`/`) and the questions that ask for a path or a
 * yes/no. Draws the label, the text with a block cursor, and a problem (a filter that does not
 * parse, a file that exists) after it.
 */
import type { LineEditor } from '../line-editor.js';
import { clip, escapeTags, safeText, visibleWidth } from '../text.js';
import type { Theme } from '../theme.js';

export interface PromptView {
  label: string;
  editor: LineEditor;
  /** Shown after the text, in the problem style. */
  problem?: string | undefined;
  /** Shown after the text, dimmed (e.g. how many messages match). */
  hint?: string | undefined;
}

export function drawPrompt(view: PromptView, width: number, theme: Theme): string {
  const text = view.editor.text;
  const at = view.editor.cursor;
  const label = ` ${view.label}`;
  const before = safeText(text.slice(0, at));
  const cursorChar = at < text.length ? safeText(String.fromCodePoint(text.codePointAt(at)!)) : ' ';
  const after = safeText(text.slice(at + (at < text.length ? String.fromCodePoint(text.codePointAt(at)!).length : 0)));
  // Keep the cursor on screen: drop the start of a long text first.
  const room = Math.max(1, width - visibleWidth(label) - 1);
  let shownBefore = before;
  while (shownBefore.length > 0 && visibleWidth(shownBefore) + 1 > room) shownBefore = shownBefore.slice(1);
  const afterRoom = Math.max(0, room - visibleWidth(shownBefore) - 1);
  const shownAfter = clip(after, afterRoom);
  let line =
    theme.paint('accent', escapeTags(label)) +
    escapeTags(shownBefore) +
    theme.paint('selected', escapeTags(cursorChar)) +
    escapeTags(shownAfter);
  let used = visibleWidth(label) + visibleWidth(shownBefore) + 1 + visibleWidth(shownAfter);
  const extra =
    view.problem !== undefined
      ? { text: `  ✗ ${view.problem}`, style: 'problem' as const }
      : view.hint !== undefined
        ? { text: `  ${view.hint}`, style: 'dim' as const }
        : undefined;
  if (extra !== undefined && used < width) {
    const shown = clip(safeText(extra.text), width - used);
    line += theme.paint(extra.style, escapeTags(shown));
    used += visibleWidth(shown);
  }
  return line + ' '.repeat(Math.max(0, width - used));
}
