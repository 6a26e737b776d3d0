/** Reading what the UI's widgets produce without a terminal: blessed tags removed, widths measured. */
import { visibleWidth } from '../../src/output/line-format.js';

/** The text a line shows: style tags dropped, `{open}`/`{close}` back to braces. */
export function stripTags(line: string): string {
  return line.replace(/\{(open|close|\/|\/?[a-z]+(?:-[a-z]+)?)\}/g, (_m, tag: string) =>
    tag === 'open' ? '{' : tag === 'close' ? '}' : '',
  );
}

export function shownWidth(line: string): number {
  return visibleWidth(stripTags(line));
}

/** Every style tag used in `lines` (without `open`/`close`). */
export function tagsUsed(lines: readonly string[]): Set<string> {
  const tags = new Set<string>();
  for (const line of lines)
    for (const m of line.matchAll(/\{(\/?[a-z]+(?:-[a-z]+)?|\/)\}/g))
      if (m[1] !== 'open' && m[1] !== 'close') tags.add(m[1]!);
  return tags;
}
