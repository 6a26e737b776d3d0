/**
 * The keys that reach outside the screen: `s` saves the selected payload, `y` copies its term,
 * `w` writes the shown messages to a capture, `P` opens the publish form. Paths are asked on the
 * prompt line with a sensible default; an existing file is never replaced without a yes.
 */
import { constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { RawMessage } from '../model/raw-message.js';
import { formatBytes } from '../output/units.js';
import type { WatchedMessage } from '../output/watched-message.js';
import { osc52Sequence } from './clipboard.js';
import { copyText } from './detail-content.js';
import { LineEditor } from './line-editor.js';
import { hostname } from 'node:os';
import { publishStart, type PublishSink } from './publish.js';
import type { UiState } from './ui-state.js';
import { openPublishForm } from './widgets/publish-form.js';

/** Writes messages to a new capture file (`overwrite`: replace an existing one); resolves to the records written. */
export type CaptureWriteHook = (
  path: string,
  messages: readonly RawMessage[],
  options: { overwrite: boolean },
) => Promise<number>;

interface Redraw {
  request(): void;
}

/** `s`: asks a path, writes the payload bytes exactly as received. */
export function startSave(state: UiState, redraw: Redraw): void {
  const m = state.list.selectedMessage;
  if (m === undefined) return state.say('no message selected', 'problem');
  state.prompt = {
    kind: 'input',
    label: `save payload #${m.seq} (raw .etf) to: `,
    editor: new LineEditor(defaultFixtureName(m)),
    problem: undefined,
    submit: (path) => void savePayload(state, m, path.trim(), false, redraw).finally(() => redraw.request()),
  };
}

async function savePayload(
  state: UiState,
  m: WatchedMessage,
  path: string,
  overwrite: boolean,
  redraw: Redraw,
): Promise<void> {
  if (path === '') return state.say('not saved: no path given', 'problem');
  try {
    // Replacing writes the file at `path`, never through a symbolic link planted there.
    await writeFile(path, m.raw.payload, { flag: overwrite ? REPLACE_NOT_THROUGH_LINKS : 'wx' });
    state.say(
      `saved ${formatBytes(m.raw.payload.length)} to ${path} (the payload exactly as received; redis-print decode ${path})`,
    );
  } catch (error) {
    if (isExists(error)) {
      state.prompt = {
        kind: 'confirm',
        question: `${path} exists — replace it?`,
        yes: () => void savePayload(state, m, path, true, redraw).finally(() => redraw.request()),
      };
    } else state.say(`not saved: ${reason(error)}`, 'problem', 10);
  }
}

/** `rooms_lobby-new_msg-42.etf`: topic, event and number, in characters safe in any file system. */
export function defaultFixtureName(m: WatchedMessage): string {
  const c = m.classified;
  const parts = [c.topic ?? c.envelope?.topic, c.event, String(m.seq)].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const name = parts
    .map((p) =>
      p
        .replace(/[^A-Za-z0-9._-]+/g, '_')
        .replace(/^[._]+/, '')
        .slice(0, 40),
    )
    .filter((p) => p !== '');
  return `${name.join('-') || `message-${m.seq}`}.etf`;
}

/** `y`: the selected term in Elixir, to the terminal's clipboard. */
export function startCopy(state: UiState, write: (sequence: string) => void): void {
  const m = state.list.selectedMessage;
  if (m === undefined) return state.say('no message selected', 'problem');
  const osc = osc52Sequence(copyText(m));
  if (!osc.ok) return state.say(`not copied: ${osc.reason}`, 'problem', 10);
  write(osc.sequence);
  state.say(
    `copied #${m.seq} as Elixir (${formatBytes(osc.bytes)}) via OSC 52 — the terminal must allow clipboard writes`,
  );
}

/** `w`: asks a path, writes the messages shown (what the filter lets through) as a capture. */
export function startWriteCapture(state: UiState, hook: CaptureWriteHook | undefined, redraw: Redraw): void {
  if (hook === undefined) return state.say('writing captures is not available here', 'problem');
  const messages: RawMessage[] = [];
  for (let i = 0; i < state.list.length; i++) messages.push(state.list.at(i)!.raw);
  if (messages.length === 0) return state.say('nothing to write: the list is empty', 'problem');
  state.prompt = {
    kind: 'input',
    label: `write the ${messages.length} shown messages to capture: `,
    editor: new LineEditor(defaultCaptureName(new Date())),
    problem: undefined,
    submit: (path) => void writeCapture(state, hook, messages, path.trim(), false, redraw),
  };
}

async function writeCapture(
  state: UiState,
  hook: CaptureWriteHook,
  messages: readonly RawMessage[],
  path: string,
  overwrite: boolean,
  redraw: Redraw,
): Promise<void> {
  if (path === '') return state.say('not written: no path given', 'problem');
  try {
    const records = await hook(path, messages, { overwrite });
    state.say(`wrote ${records} messages to ${path} (redis-print view ${path})`);
  } catch (error) {
    if (isExists(error)) {
      state.prompt = {
        kind: 'confirm',
        question: `${path} exists — replace it?`,
        yes: () => void writeCapture(state, hook, messages, path, true, redraw),
      };
    } else state.say(`not written: ${reason(error)}`, 'problem', 10);
  }
  redraw.request();
}

export function defaultCaptureName(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
  return `redis-print-${stamp}.capture`;
}

/** `P`: the publish form, prefilled from the selected message. */
export function startPublish(state: UiState, sink: PublishSink | undefined, width: number): void {
  if (sink === undefined) return state.say('publishing is not available here (no Redis to publish to)', 'problem');
  const m = state.list.selectedMessage;
  if (m === undefined) return state.say('select a message to publish a copy of', 'problem');
  const start = publishStart(m);
  if ('error' in start) return state.say(`cannot publish a copy of #${m.seq}: ${start.error}`, 'problem', 10);
  state.publishForm = openPublishForm(start, hostname(), width);
  state.view = 'publish';
}

/** Enter + y in the form: PUBLISH the previewed bytes, close the form, say how many received them. */
export function sendPublish(state: UiState, sink: PublishSink | undefined, redraw: Redraw): void {
  const form = state.publishForm;
  if (form === undefined || sink === undefined) return;
  const { channel, bytes } = form.preview;
  sink
    .publish(channel, bytes)
    .then(
      (receivers) => {
        // Done: the form closes (a `/` now filters again) and the result goes to the notice line.
        if (state.publishForm === form) {
          state.publishForm = undefined;
          if (state.view === 'publish') state.view = 'main';
        }
        state.say(
          `published ${bytes.length} bytes to ${channel}: ${receivers} subscriber${receivers === 1 ? '' : 's'} received it (PUBLISH replied ${receivers})`,
          receivers === 0 ? 'problem' : 'notice',
          10,
        );
      },
      (error: unknown) => {
        // Not sent: the form stays, with the reason, to try again or fix.
        form.outcome = { text: `not sent: ${reason(error)}`, ok: false };
      },
    )
    .finally(() => {
      form.stage = 'editing';
      redraw.request();
    });
}

const REPLACE_NOT_THROUGH_LINKS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

function isExists(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST';
}

function reason(error: unknown): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ELOOP')
    return 'it is a symbolic link (not writing through it)';
  return error instanceof Error ? error.message : String(error);
}
