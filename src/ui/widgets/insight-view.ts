/** The nodes view (`n`) and the presence view (`r`): a title line, then the model's lines, scrolled. */
import { escapeTags, fit } from '../text.js';
import type { Theme } from '../theme.js';

export function drawInsightView(
  title: string,
  lines: readonly string[],
  scroll: { value: number },
  width: number,
  height: number,
  theme: Theme,
): string[] {
  const body = Math.max(1, height - 1);
  scroll.value = Math.max(0, Math.min(scroll.value, lines.length - body));
  const out = [theme.paint('headerFocused', escapeTags(fit(` ${title}   (j/k PgUp/PgDn scroll, Esc back)`, width)))];
  for (const line of lines.slice(scroll.value, scroll.value + body)) {
    const text = escapeTags(fit(line, width));
    out.push(/^[!~i] \S+:/.test(line) ? theme.paint(line.startsWith('!') ? 'problem' : 'accent', text) : text);
  }
  while (out.length < height) out.push('');
  return out;
}
