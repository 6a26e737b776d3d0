/**
 * The publish form (`P`): channel, topic, event and payload prefilled from the selected message,
 * each a one-line field; under them the exact term that would go out (rebuilt as you type) or
 * why it would be refused. Enter asks for confirmation; only `y` then sends.
 */
import { LineEditor, type KeyPress } from '../line-editor.js';
import {
  previewPublish,
  type PublishFields,
  type PublishPreview,
  type PublishSink,
  type PublishStart,
} from '../publish.js';
import { clip, escapeTags, fit, safeText } from '../text.js';
import type { Theme } from '../theme.js';
import { drawPrompt } from './filter-prompt.js';

type FieldName = 'channel' | 'topic' | 'event' | 'payload';

export interface PublishFormState {
  start: PublishStart;
  hostname: string;
  fields: Array<{ name: FieldName; editor: LineEditor }>;
  focused: number;
  preview: PublishPreview;
  stage: 'editing' | 'confirming' | 'sending';
  /** Result or failure of the last send. */
  outcome: { text: string; ok: boolean } | undefined;
}

export function openPublishForm(start: PublishStart, hostname: string, width: number): PublishFormState {
  const initial = start.fields;
  const names: FieldName[] =
    initial.event === undefined ? ['channel', 'topic', 'payload'] : ['channel', 'topic', 'event', 'payload'];
  const fields = names.map((name) => ({ name, editor: new LineEditor(initial[name] ?? '') }));
  return {
    start,
    hostname,
    fields,
    focused: fields.length - 1,
    preview: previewPublish(start.base, initial, { width, hostname }),
    stage: 'editing',
    outcome: undefined,
  };
}

export function formFields(state: PublishFormState): PublishFields {
  const get = (name: FieldName): string | undefined => state.fields.find((f) => f.name === name)?.editor.text;
  return {
    channel: get('channel') ?? '',
    topic: get('topic') ?? '',
    event: get('event'),
    payload: get('payload') ?? '',
  };
}

export type FormResult = 'close' | 'send' | 'redraw' | 'ignored';

/** A key in the form. `send` means: confirmed, publish `state.preview` now. */
export function publishFormKey(state: PublishFormState, key: KeyPress, width: number): FormResult {
  if (state.stage === 'sending') return 'ignored';
  if (state.stage === 'confirming') {
    if (key.full === 'return') return 'ignored'; // the second half of the Enter that asked
    if (key.ch === 'y' || key.ch === 'Y') {
      state.stage = 'sending';
      return 'send';
    }
    state.stage = 'editing';
    state.outcome = { text: 'not sent', ok: false };
    return 'redraw';
  }
  switch (key.full) {
    case 'escape':
      return 'close';
    case 'tab':
    case 'down':
      state.focused = (state.focused + 1) % state.fields.length;
      return 'redraw';
    case 'S-tab':
    case 'up':
      state.focused = (state.focused + state.fields.length - 1) % state.fields.length;
      return 'redraw';
    case 'enter':
      if (!state.preview.ok) {
        state.outcome = { text: 'refused: fix the problems shown first', ok: false };
        return 'redraw';
      }
      state.stage = 'confirming';
      state.outcome = undefined;
      return 'redraw';
  }
  const result = state.fields[state.focused]!.editor.handle(key);
  if (result === 'changed') {
    state.preview = previewPublish(state.start.base, formFields(state), { width, hostname: state.hostname });
    state.outcome = undefined;
  }
  return result === 'ignored' ? 'ignored' : 'redraw';
}

export function drawPublishForm(
  state: PublishFormState,
  sink: PublishSink,
  width: number,
  height: number,
  theme: Theme,
): string[] {
  const lines = [
    theme.paint(
      'headerFocused',
      escapeTags(fit(' Publish a copy — Tab/↑↓ field, Enter send (asks first), Esc cancel', width)),
    ),
  ];
  for (const [i, field] of state.fields.entries()) {
    const label = `${field.name.padEnd(8)}: `;
    if (i === state.focused && state.stage === 'editing')
      lines.push(drawPrompt({ label, editor: field.editor }, width, theme));
    else lines.push(escapeTags(fit(` ${label}${safeText(field.editor.text)}`, width)));
  }
  const p = state.preview;
  lines.push('');
  lines.push(
    theme.paint(p.ok ? 'accent' : 'problem', escapeTags(fit(` ${p.ok ? '✓' : '✗'} ${safeText(p.headline)}`, width))),
  );
  for (const problem of p.problems)
    lines.push(theme.paint('problem', escapeTags(fit(`   ${safeText(problem)}`, width))));
  const footer: string[] = [];
  if (state.stage === 'confirming') {
    const where = sink.remote ? `${sink.target} — NOT on this machine, real nodes will get it` : sink.target;
    footer.push(
      theme.paint('statusAlert', escapeTags(fit(` Send these ${p.bytes.length} bytes to ${where}? [y/N]`, width))),
    );
  } else if (state.stage === 'sending') footer.push(theme.paint('notice', escapeTags(fit(' sending…', width))));
  else if (state.outcome !== undefined)
    footer.push(
      theme.paint(state.outcome.ok ? 'notice' : 'problem', escapeTags(fit(` ${safeText(state.outcome.text)}`, width))),
    );
  lines.push('');
  const room = Math.max(0, height - lines.length - footer.length - 1);
  const term = p.elixir === '' ? [] : p.elixir.split('\n');
  if (p.elixir !== '') lines.push(theme.paint('dim', escapeTags(fit(' the exact term:', width))));
  for (const line of term.slice(0, room)) lines.push(escapeTags(clip(`   ${safeText(line)}`, width)));
  if (term.length > room && room > 0)
    lines[lines.length - 1] = theme.paint('dim', escapeTags(fit(`   … ${term.length - room + 1} more lines`, width)));
  return [...lines.slice(0, Math.max(0, height - footer.length)), ...footer];
}
