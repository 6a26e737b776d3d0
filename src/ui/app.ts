/**
 * The live terminal UI: messages from a source (a Redis subscriber, demo's feed, a capture file)
 * go through the shared MessagePipeline into the list and stats models; the screen is redrawn
 * from those models at most 20 times a second, on its own timer, so that receiving never waits
 * for drawing and keys stay responsive under a flood. Live, a message is only queued when it
 * arrives and decoded in time slices between socket reads, dropped undecoded (and counted) when
 * the queue is full (decode-intake.ts); a capture file is read at the pace it is decoded instead.
 *
 *   const ui = runUi({ source, pipeline, subscription, … });
 *   const end = await ui.finished;    // the user quit, or a stop signal came
 *   await ui.close();                 // terminal restored
 */
import type { EventEmitter } from 'node:events';
import type { RawMessage } from '../model/raw-message.js';
import type { FilterSpec } from '../output/filter.js';
import type { MessagePipeline } from '../output/pipeline.js';
import { formatCount } from '../output/units.js';
import { handleKey, type Effects } from './controller.js';
import { buildFrame, listViewportRows } from './frame.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { PublishSink } from './publish.js';
import { UiScreen } from './screen.js';
import { themeFor } from './theme.js';
import { MessageCompactor } from './compact-message.js';
import { DecodeIntake } from './decode-intake.js';
import { UiState } from './ui-state.js';
import {
  sendPublish,
  startCopy,
  startPublish,
  startSave,
  startWriteCapture,
  type CaptureWriteHook,
} from './user-actions.js';
import { hexPaneWidth } from './widgets/hex-pane.js';
import { reconnectedNotice, reconnectingNotice } from '../output/connection-notices.js';

/** The events the UI listens to; a Subscriber has them all, a capture reader only some. */
export interface UiSourceEvents {
  message: [RawMessage];
  connecting: [{ target: string; attempt: number }];
  ready: [{ target: string }];
  reconnecting: [{ attempt: number; delayMs: number; reason: string }];
  reconnected: [{ gapMs: number; attempts: number; target: string }];
  error: [Error];
  closed: [];
}

export interface UiSource extends EventEmitter<UiSourceEvents> {
  /** Redacted description of where messages come from. */
  readonly target: string;
}

export interface UiOptions {
  source: UiSource;
  /** Numbers and classifies every message (the same pipeline the line printer uses). */
  pipeline: MessagePipeline;
  subscription: { patterns: readonly string[]; channels: readonly string[] };
  /** Starting filter (the CLI's filter flags), editable with `/`. */
  filter?: FilterSpec;
  /** Messages kept (default 10 000). */
  bufferSize?: number;
  /** `offline`: a capture file, whose recorded times drive the stats; no reconnects. */
  mode?: 'live' | 'offline';
  /** The capture file --record writes to, for the status bar. */
  recording?: string;
  /** `w`: writes messages to a capture file (the CLI provides it; the UI does not write captures itself). */
  writeCapture?: CaptureWriteHook;
  /** `P`: where to publish, when the CLI has a Redis to publish to. */
  publish?: PublishSink;
  env?: NodeJS.ProcessEnv;
}

/**
 * How a session ended: the user quit (a hangup, the terminal gone, counts as a quit), or SIGTERM
 * or SIGINT asked it to stop (Ctrl-C itself is a key in raw mode; SIGINT only comes from kill).
 * The CLI turns it into an exit code.
 */
export type UiEnd = 'quit' | 'SIGTERM' | 'SIGINT';

export interface UiSession {
  /** Resolves when the session ends, saying how. */
  readonly finished: Promise<UiEnd>;
  /** Stops drawing and restores the terminal. Idempotent. */
  close(): Promise<void>;
  /** One line for stderr after exit: what was received and what happened to it. */
  summary(): string;
}

export function runUi(options: UiOptions): UiSession {
  const offline = options.mode === 'offline';
  let lastRecordTime = 0;
  const now = offline ? () => lastRecordTime : () => Date.now();
  const state = new UiState({
    capacity: options.bufferSize ?? 10_000,
    now,
    showHex: true,
    connection: offline ? 'offline' : 'connecting',
    statsFromFirstMessage: offline,
    ...(options.filter ? { filter: options.filter } : {}),
  });
  const screen = new UiScreen({ onStderr: (line) => state.say(line, 'notice', 8) });
  const theme = themeFor(options.env, screen.colours);
  // The hex pane shows by default where it leaves the detail pane room, until the user says otherwise.
  const hexByDefault = (): boolean => screen.width >= hexPaneWidth(8) + 50;
  state.showHex = hexByDefault();
  const sub = options.subscription;
  const subscription = [...sub.patterns, ...sub.channels].join(' ');
  const waitingText = offline
    ? `reading ${options.source.target}…`
    : `waiting for messages on ${subscription} (${options.source.target})`;

  let closed = false;
  let resolveFinished!: (end: UiEnd) => void;
  const finished = new Promise<UiEnd>((resolve) => (resolveFinished = resolve));

  const draw = (): void => {
    if (closed) return;
    state.expireNotice();
    const history = state.stats.history('msgs');
    const bytes = state.stats.history('bytes');
    screen.draw(
      buildFrame({
        state,
        theme,
        width: screen.width,
        height: screen.height,
        status: {
          target: options.source.target,
          subscription,
          // The last complete second: steady, and honest about "now".
          msgRate: history[history.length - 1] ?? 0,
          byteRate: bytes[bytes.length - 1] ?? 0,
          dropped: intake?.dropped ?? 0,
          ...(options.recording ? { recording: options.recording } : {}),
        },
        waitingText,
        publish: options.publish,
        now: now(),
      }),
    );
  };
  const scheduler = new FrameScheduler(draw);
  // Rates, the clock and notices change without any event: one frame a second at least.
  const ticker = setInterval(() => scheduler.request(), 1000);
  ticker.unref();

  const fitViewport = (): void =>
    state.list.setViewportHeight(listViewportRows(screen.width, screen.height, state.showHex));
  fitViewport();

  // The nodes and presence views see every message, also those the list's filter hides.
  options.pipeline.observe((m) => state.insight.observe(m));
  const compactor = new MessageCompactor();
  const decode = (raw: RawMessage): void => {
    const accepted = options.pipeline.accept(raw);
    if (accepted === undefined) return; // counted by the pipeline as filtered
    const m = compactor.compact(accepted);
    if (offline) lastRecordTime = Math.max(lastRecordTime, raw.receivedAt);
    state.list.push(m);
    state.stats.record(m, offline ? raw.receivedAt : undefined);
    scheduler.request();
  };
  // A capture file waits for the UI (CaptureFeed reads a chunk per turn): nothing to drop there.
  const intake = offline ? undefined : new DecodeIntake(decode, { onDrop: () => scheduler.request() });
  const listeners: { [K in keyof UiSourceEvents]: (...args: UiSourceEvents[K]) => void } = {
    message: (raw) => {
      if (closed) return;
      if (intake) intake.push(raw);
      else decode(raw);
    },
    connecting: () => {
      if (state.connection !== 'reconnecting') state.connection = 'connecting';
      scheduler.request();
    },
    ready: () => {
      state.connection = offline ? 'offline' : 'live';
      scheduler.request();
    },
    reconnecting: (e) => {
      state.connection = 'reconnecting';
      state.say(reconnectingNotice(e), 'problem', 30);
      scheduler.request();
    },
    reconnected: (e) => {
      state.connection = 'live';
      state.say(reconnectedNotice(e), 'notice', 10);
      scheduler.request();
    },
    // A live source reports each failed attempt as `reconnecting` too (said above); a capture
    // reader reports a damaged file only here.
    error: (e) => {
      if (!offline) return;
      state.say(e.message, 'problem', 30);
      scheduler.request();
    },
    closed: () => {
      if (offline)
        state.say(
          `end of ${options.source.target}: ${formatCount(options.pipeline.counters.received)} messages read`,
          'notice',
          10,
        );
      else state.connection = 'closed';
      scheduler.request();
    },
  };
  for (const name of Object.keys(listeners) as Array<keyof UiSourceEvents>) options.source.on(name, listeners[name]);

  const fx: Effects = {
    quit: () => resolveFinished('quit'),
    save: () => startSave(state, scheduler),
    copy: () => startCopy(state, (sequence) => screen.writeRaw(sequence)),
    writeCapture: () => startWriteCapture(state, options.writeCapture, scheduler),
    publish: () => startPublish(state, options.publish, screen.width),
    sendPublish: () => sendPublish(state, options.publish, scheduler),
    size: () => ({ width: screen.width, height: screen.height }),
  };
  screen.onKey((key) => {
    handleKey(state, key, fx);
    scheduler.request();
  });
  // The terminal went away (window closed, ssh dropped), or we are asked to stop: end as a quit
  // does, so that the terminal is restored and the summary printed; the CLI gives a stop signal's
  // exit code.
  const STOP_SIGNALS = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;
  const onHangup = (signal: (typeof STOP_SIGNALS)[number]): void =>
    resolveFinished(signal === 'SIGHUP' ? 'quit' : signal);
  for (const signal of STOP_SIGNALS) process.on(signal, onHangup);
  screen.onResize(() => {
    if (!state.hexChosen) state.showHex = hexByDefault();
    if (!state.showHex && state.focus === 'hex') state.focus = 'detail';
    fitViewport();
    scheduler.request();
  });
  draw();

  return {
    finished,
    summary: () => {
      // received + dropped: everything that arrived; evicted: received, then let go by the full buffer.
      const c = state.list.counters;
      return `received ${c.received}, shown ${c.shown}, filtered ${c.filteredOut}, undecodable ${c.undecodable}, dropped ${intake?.dropped ?? 0}, evicted ${c.evicted} (buffer ${state.list.capacity})`;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      resolveFinished('quit');
      scheduler.stop();
      intake?.close();
      clearInterval(ticker);
      for (const signal of STOP_SIGNALS) process.off(signal, onHangup);
      for (const name of Object.keys(listeners) as Array<keyof UiSourceEvents>)
        options.source.off(name, listeners[name]);
      screen.destroy();
      await options.publish?.close();
    },
  };
}
