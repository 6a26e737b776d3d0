/**
 * Drives the real program in a real terminal: a tmux server of its own (unique `-L` socket, no
 * user config), one window of a fixed size running a plain shell, into which the test types the
 * command line — so that after the program ends the pane shows that shell again, and a test can
 * check the terminal was given back.
 *
 *   const term = await Tmux.start({ width: 120, height: 40 });
 *   await term.run(`node ${MAIN} --url ${server.url}`);
 *   await term.waitFor(/rooms:lobby/);          // polls capture-pane; never a fixed sleep
 *   await term.keys('/'); await term.type('topic:rooms:*'); await term.keys('Enter');
 *   await term.kill();                          // in afterAll/afterEach: kill-server
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The prompt of the shell in the pane: how a test sees that the program has ended. */
export const SHELL_PROMPT = 'READY$ ';
/** The prompt as capture-pane shows it (trailing spaces are not captured). */
export const PROMPT_MARK = SHELL_PROMPT.trimEnd();

let sessions = 0;
const live = new Set<string>();
// A worker that dies before afterAll still takes its tmux servers (and their programs) along.
process.on('exit', () => {
  for (const socket of live) {
    try {
      execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

export interface TmuxOptions {
  width?: number;
  height?: number;
  cwd?: string;
  /** Added to the shell's environment (NO_COLOR is not set unless given here). */
  env?: Record<string, string>;
}

export class Tmux {
  private constructor(private readonly socket: string) {}

  static async start(options: TmuxOptions = {}): Promise<Tmux> {
    const socket = `redis-print-ui-${process.pid}-${++sessions}`;
    const env = Object.entries({ PS1: SHELL_PROMPT, ...options.env }).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const shell = `env ${env.join(' ')} bash --norc --noprofile`;
    await run('tmux', [
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'main',
      '-x',
      String(options.width ?? 120),
      '-y',
      String(options.height ?? 40),
      '-c',
      options.cwd ?? process.cwd(),
      shell,
    ]);
    live.add(socket);
    const term = new Tmux(socket);
    await term.waitFor((screen) => screen.includes(PROMPT_MARK), 'the shell prompt');
    return term;
  }

  /** Types a command line into the shell and presses Enter. */
  async run(commandLine: string): Promise<void> {
    await this.type(commandLine);
    await this.keys('Enter');
  }

  /** tmux key names: `Enter`, `Escape`, `Tab`, `C-u`, `PageUp`, `q`, … one key per argument. */
  async keys(...keys: string[]): Promise<void> {
    for (const key of keys) await this.tmux('send-keys', '-t', 'main', key);
  }

  /** Literal text (no key-name interpretation). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** The visible screen as text. */
  async screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-t', 'main');
  }

  /** The visible screen with its SGR escape sequences (colours, inverse). */
  async screenWithEscapes(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-e', '-t', 'main');
  }

  /** `tmux display -p FORMAT`, e.g. `#{alternate_on}` (1 while a full-screen program has the terminal). */
  async display(format: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', 'main', format)).trim();
  }

  async resize(width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'main', '-x', String(width), '-y', String(height));
  }

  /** Pid of the program running in the shell (the shell's only child). */
  async programPid(): Promise<number> {
    const shell = await this.display('#{pane_pid}');
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', shell]);
    const pid = Number(stdout.trim().split(/\s+/)[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no program running in the pane (shell ${shell})`);
    return pid;
  }

  /**
   * Polls the screen (every 25 ms) until `test` holds; returns that screen. On timeout the error
   * shows the last screen, which is what one needs to see to understand a failure.
   */
  async waitFor(
    test: RegExp | ((screen: string) => boolean | Promise<boolean>),
    what?: string,
    timeoutMs = 60_000,
  ): Promise<string> {
    const check = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = await this.screen();
      if (await check(last)) {
        const settled = await this.settled(last, check);
        if (settled !== undefined) return settled;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what ?? String(test)}; the screen was:\n${last}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * `screen`, once another look finds it the same: tmux may catch a frame half drawn (blessed's
   * output reaches it in pieces: the rows drawn, the status bar not yet). A screen that keeps
   * changing (a live rate) is taken after a few looks that all pass `check`; undefined when one
   * does not (the wait goes on).
   */
  private async settled(
    screen: string,
    check: (screen: string) => boolean | Promise<boolean>,
  ): Promise<string | undefined> {
    let last = screen;
    for (let look = 0; look < 5; look++) {
      const again = await this.screen();
      if (again === last) return again;
      if (!(await check(again))) return undefined;
      last = again;
    }
    return last;
  }

  /** Ends the tmux server and everything in it. Idempotent. */
  async kill(): Promise<void> {
    live.delete(this.socket);
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, ...args]);
    return stdout;
  }
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The rows of the message list on a screen: lines that start with a time (after the date, on another day). */
export function listRows(screen: string): string[] {
  return screen.split('\n').filter((line) => /^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\.\d\d\d /.test(line));
}
