/**
 * Shared by the tmux UI tests: Phoenix broadcasts to publish, and the UI started in a tmux pane
 * against a real redis-server.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, type Term } from '../../src/etf/term.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { modules } from '../../src/phoenix/known-atoms.js';
import { MAIN } from '../cli/run-cli.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedis, type RedisServer, type StartRedisOptions } from '../helpers/redis-server.js';
import { shellQuote, Tmux, type TmuxOptions } from './tmux.js';

export const CHANNEL = 'phx:Elixir.Test.PubSub.Adapter';

/** A live-UI test file's redis-server (started once for the file) and its tests' tmux terminals. */
export interface LiveUi {
  readonly server: RedisServer;
  /** A tmux terminal, killed after the test that opened it. */
  terminal(options?: TmuxOptions): Promise<Tmux>;
}

/** Registers the hooks every live-UI test file needs (`options` as startRedis takes them). */
export function liveUi(options: StartRedisOptions = {}): LiveUi {
  let server: RedisServer | undefined;
  let term: Tmux | undefined;
  beforeAll(async () => {
    server = await startRedis(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await term?.kill();
    term = undefined;
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the redis-server is started by beforeAll');
      return server;
    },
    async terminal(tmuxOptions) {
      term = await Tmux.start(tmuxOptions);
      return term;
    },
  };
}

/** `{3, :except, :"a@test", topic, %Broadcast{topic, event, %{"body" => body}}, Phoenix.Channel.Server}` as bytes. */
export function broadcastPayload(topic: string, event: string, body: string, node = 'a@test'): Buffer {
  const payload: Term = new ErlMap([new TextEncoder().encode('body')], [new TextEncoder().encode(body)]);
  const term = buildV3({
    mode: 'except',
    node: Atom.of(node),
    topic,
    message: broadcastStruct(topic, event, payload),
    dispatcher: modules.channelServer,
  });
  return Buffer.from(encode(term, { minorVersion: 1 }));
}

export interface RunningUi {
  /** Where the program's stderr goes (the summary line appears there on exit). */
  stderrFile: string;
  dir: string;
  stderr(): string;
}

/** Starts `redis-print` (the built program) in the pane, watching `server`, and waits until it is live. */
export async function startUi(term: Tmux, server: RedisServer, args: string[] = []): Promise<RunningUi> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-print-tui-'));
  const stderrFile = join(dir, 'stderr.txt');
  const command = ['node', MAIN, '--url', server.url, ...args].map(shellQuote).join(' ');
  await term.run(`cd ${shellQuote(dir)} && ${command} 2>${shellQuote(stderrFile)}`);
  await term.waitFor(/● live/, 'the status bar saying live');
  return { stderrFile, dir, stderr: () => readFileSync(stderrFile, 'utf8') };
}

/** The status bar: the line with the connection state. */
export function statusLine(screen: string): string {
  return screen.split('\n').find((line) => /^ [●◌■○] /.test(line)) ?? '';
}

/**
 * Runs of text drawn with SGR attribute `on` (43: yellow background, the hex highlight; 7:
 * inverse, the selected row) on a `capture-pane -e` screen. Tracks the SGR state along each line.
 */
export function markedText(screenWithEscapes: string, on: 7 | 43): string[] {
  const out: string[] = [];
  for (const line of screenWithEscapes.split('\n')) {
    let marked = false;
    let text = '';
    for (const part of line.split(/(\u001b\[[0-9;]*m)/)) {
      const sgr = /^\u001b\[([0-9;]*)m$/.exec(part);
      if (sgr === null) {
        if (marked) text += part;
        continue;
      }
      const codes = sgr[1] === '' ? [0] : sgr[1]!.split(';').map(Number);
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i]!;
        if (c === 38 || c === 48) {
          if (on === 43 && c === 48) marked = false; // another background
          i += codes[i + 1] === 5 ? 2 : 4; // 38;5;N or 38;2;R;G;B
        } else if (c === on) marked = true;
        else if (c === 0 || (on === 7 && c === 27) || (on === 43 && ((c >= 40 && c <= 49) || (c >= 100 && c <= 107))))
          marked = false;
      }
      if (!marked && text !== '') {
        out.push(text);
        text = '';
      }
    }
    if (text !== '') out.push(text);
  }
  return out;
}
