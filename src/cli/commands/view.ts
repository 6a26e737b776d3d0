/**
 * `redis-print view FILE [filters] [--no-tui] [--json] [--full]` — look at a capture offline: in
 * the terminal UI when there is one (stdout a terminal, no --no-tui/--json and the UI able to
 * open captures — see capture/capture-viewer.ts), else as lines, exactly as
 * `decode FILE.capture` prints them.
 */
import { filterOptions, parseCommandArgs } from '../args.js';
import { loadCaptureViewer } from '../capture/capture-viewer.js';
import { isCaptureFile, printCapture } from '../capture-print.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { usage } from '../usage.js';

const options = {
  ...filterOptions,
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  tui: { type: 'boolean' }, // --no-tui
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
    throw new CliError(`${path} is not a redis-print capture (record one with redis-print record -o FILE; decode reads .etf files)`, 1);
  }
  const wantsUi = process.stdout.isTTY && values.tui !== false && !values.json;
  if (wantsUi) {
    const viewer = await loadCaptureViewer();
    if (viewer !== null) return viewer(path, values);
    process.stderr.write('# the terminal UI cannot open captures yet: printing them as lines\n');
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
