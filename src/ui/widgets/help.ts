/**
 * The help view (`?`): every key, printed from the same table the dispatcher reads, then the
 * filter syntax and the kind letters of the list (wrapped, never cut).
 */
import { KEY_BINDINGS, type KeyContext } from '../keys.js';
import { KIND_LEGEND } from '../list-row.js';
import { escapeTags, fit, visibleWidth } from '../text.js';
import type { Theme } from '../theme.js';

const SECTIONS: ReadonlyArray<[KeyContext, string]> = [
  ['global', 'Everywhere'],
  ['list', 'Message list'],
  ['detail', 'Detail pane'],
  ['stats', 'Stats view (t)'],
  ['insight', 'Nodes (n) and presence (r) views'],
];

const FILTER_HELP = [
  'topic:rooms:*  event:new:msg  node:a@*  kind:tracker  channel:phx:*   globs (* ? [abc]); same field twice = either',
  '-kind:tracker   negates          hello "two words"   search the decoded payload (smart case)',
  'Filters apply as you type; a problem is shown and the previous filter stays. Enter keeps it, Esc clears it.',
];

export function helpLines(theme: Theme, width: number): string[] {
  const lines: string[] = [
    theme.paint(
      'headerFocused',
      escapeTags(fit(' redis-print — keys   (any key closes this help; j/k scroll)', width)),
    ),
  ];
  const labelWidth = Math.max(...KEY_BINDINGS.map((b) => b.label.length)) + 2;
  for (const [context, title] of SECTIONS) {
    lines.push('', theme.paint('accent', escapeTags(` ${title}`)));
    for (const b of KEY_BINDINGS.filter((k) => k.context === context && k.label !== '')) {
      lines.push(
        `   ${theme.paint('key', escapeTags(fit(b.label, labelWidth)))}${escapeTags(fit(b.help, Math.max(0, width - labelWidth - 3)))}`,
      );
    }
  }
  lines.push('', theme.paint('accent', ' Filter (/)'));
  for (const line of FILTER_HELP) lines.push(escapeTags(fit(`   ${line}`, width)));
  lines.push('', theme.paint('accent', ' Kinds (column K)'));
  // One kind per entry, as many on a line as fit: the legend is never cut.
  let line = '  ';
  for (const entry of KIND_LEGEND.split(' · ')) {
    if (line.trim() !== '' && visibleWidth(`${line}  ${entry}`) > width) {
      lines.push(escapeTags(fit(line, width)));
      line = '  ';
    }
    line += ` ${entry} `;
  }
  if (line.trim() !== '') lines.push(escapeTags(fit(line, width)));
  return lines;
}
