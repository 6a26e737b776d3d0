/**
 * The terminal: a blessed screen with one box per region, drawn from the lines the widgets
 * build, and the guarantees around it — the terminal is restored however the UI ends (quit,
 * uncaught exception, SIGTERM/SIGHUP, process exit), and nothing else writes over the screen
 * while it is up (stderr is held and printed once the terminal is back).
 */
import blessed from 'blessed';
import { teachBlessedWidths } from './blessed-widths.js';

export type RegionName = 'list' | 'detail' | 'hex' | 'status' | 'bottom' | 'overlay';

export interface Region {
  top: number;
  left: number;
  width: number;
  height: number;
  /** Lines with blessed tags, at most `height`, each at most `width` columns. */
  lines: readonly string[];
}

export interface KeyEvent {
  ch: string | undefined;
  full: string;
}

const REGIONS: readonly RegionName[] = ['list', 'detail', 'hex', 'status', 'bottom', 'overlay'];
const HELD_STDERR_LINES = 200;

export class UiScreen {
  private readonly screen: blessed.Widgets.Screen;
  private readonly boxes = new Map<RegionName, blessed.Widgets.BoxElement>();
  private readonly shown = new Map<RegionName, string>();
  private destroyed = false;
  private readonly heldStderr: string[] = [];
  private readonly originalStderrWrite: typeof process.stderr.write;
  private readonly onCrash: (error: unknown) => void;

  constructor(options: { title?: string; onStderr?: (line: string) => void } = {}) {
    teachBlessedWidths(); // emoji and CJK at the widths the widgets measured
    this.screen = blessed.screen({
      smartCSR: true,
      fullUnicode: true,
      // We print UTF-8 (arrows, box rules, Elixir strings) whatever the locale claims.
      forceUnicode: true,
      warnings: false,
      autoPadding: false,
      title: options.title ?? 'redis-print',
    });
    // …and never through the VT100 line-drawing set, which turns `│` and `·` into `x` and `~`
    // wherever the terminfo entry does not admit UTF-8.
    // (@types/blessed does not declare Program#tput.)
    (this.screen.program as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    for (const name of REGIONS) {
      const box = blessed.box({ parent: this.screen, top: 0, left: 0, width: 1, height: 1, tags: true, wrap: false });
      box.hide();
      this.boxes.set(name, box);
    }

    // Anything written to stderr would tear the screen: hold it, show it as a notice, print it after.
    this.originalStderrWrite = process.stderr.write.bind(process.stderr);
    const onStderr = options.onStderr;
    process.stderr.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) {
        if (line === '') continue;
        this.heldStderr.push(line);
        if (this.heldStderr.length > HELD_STDERR_LINES) this.heldStderr.shift();
        onStderr?.(line);
      }
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    };

    // A crash must still give the terminal back, then report as any other crash would.
    this.onCrash = (error: unknown) => {
      this.destroy();
      const text = error instanceof Error && error.stack ? error.stack : String(error);
      process.stderr.write(`redis-print: internal error in the terminal UI: ${text}\n`);
      process.exit(2);
    };
    process.on('uncaughtException', this.onCrash);
    process.on('unhandledRejection', this.onCrash);
  }

  /** Colours the terminal supports (8, 16, 256). */
  get colours(): number {
    return (this.screen.program as unknown as { tput: { colors: number } }).tput.colors;
  }

  get width(): number {
    return Math.max(1, this.screen.width as number);
  }

  get height(): number {
    return Math.max(1, this.screen.height as number);
  }

  onKey(handler: (key: KeyEvent) => void): void {
    this.screen.on('keypress', (ch: string | undefined, key: { full?: string } | undefined) => {
      if (this.destroyed) return;
      handler({ ch, full: key?.full ?? ch ?? '' });
    });
  }

  onResize(handler: () => void): void {
    this.screen.on('resize', () => {
      if (!this.destroyed) handler();
    });
  }

  /** Places each named region and sets its lines; regions not given are hidden. */
  draw(regions: Partial<Record<RegionName, Region>>): void {
    if (this.destroyed) return;
    for (const name of REGIONS) {
      const box = this.boxes.get(name)!;
      const region = regions[name];
      if (region === undefined || region.width <= 0 || region.height <= 0) {
        if (!box.hidden) box.hide();
        continue;
      }
      box.top = region.top;
      box.left = region.left;
      box.width = region.width;
      box.height = region.height;
      const content = region.lines.slice(0, region.height).join('\n');
      // setContent re-parses every tag: skip it when nothing changed (most regions, most frames).
      if (this.shown.get(name) !== content) {
        box.setContent(content);
        this.shown.set(name, content);
      }
      if (box.hidden) box.show();
    }
    this.screen.render();
  }

  /** Writes a control sequence straight to the terminal (OSC 52 copy). */
  writeRaw(sequence: string): void {
    if (!this.destroyed) this.screen.program.output.write(sequence);
  }

  /** Restores the terminal and prints what was held back from stderr. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off('uncaughtException', this.onCrash);
    process.off('unhandledRejection', this.onCrash);
    try {
      this.screen.destroy();
    } finally {
      process.stderr.write = this.originalStderrWrite;
      for (const line of this.heldStderr) process.stderr.write(`${line}\n`);
      this.heldStderr.length = 0;
    }
  }
}
