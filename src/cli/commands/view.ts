/**
 * `redis-print view FILE [filters] [--no-tui] [--json] [--full] [--buffer N]` — look at a capture
 * offline: in the terminal UI when on a terminal (both ways) without --no-tui/--json, else as
 * lines, exactly as `decode FILE.capture` prints them.
 */
import { filterOptions, parseCommandArgs } from '../args.js';
import { isCaptureFile, printCapture } from '../capture-print.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { usage } from '../usage.js';

const options = {
  ...filterOptions,
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  time: { type: 'string' },
  tui: { type: 'boolean' }, // --no-tui
  buffer: { type: 'string' },
  help: { type: 'boolean' },
} as const;

export async function viewCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('view', argv, options);
  if (values.help) {
    process.stdout.write(usage());
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('view needs exactly one capture FILE');
  const path = positionals[0]!;
  if (!(await isCapture(path))) {
    throw new CliError(
      `${path} is not a redis-print capture (record one with redis-print record -o FILE; decode reads .etf files)`,
      1,
    );
  }
  // The UI needs a terminal both ways: keys in, screen out.
  if (process.stdout.isTTY && process.stdin.isTTY && values.tui !== false && !values.json) {
    const { loadCaptureViewer } = await import('../capture/capture-viewer.js');
    return (await loadCaptureViewer())(path, values);
  }
  return printCapture(path, values);
}

async function isCapture(path: string): Promise<boolean> {
  try {
    return await isCaptureFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine(error);
    throw new CliError(`cannot read ${path}: ${why}`, 2);
  }
}
