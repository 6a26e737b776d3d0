/**
 * `redis-print view FILE [filters] [--no-tui] [--json] [--full] [--buffer N]` — look at a capture
 * offline: in the terminal UI when on a terminal (both ways) without --no-tui/--json, else as
 * lines, exactly as `decode FILE.capture` prints them.
 */
import { applyRenderFlags, intFlag, parseCommandArgs } from '../args.js';
import { isCaptureFile, printCapture } from '../capture-print.js';
import { viewFlags } from '../command-defs.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { lineOutputFrom } from '../line-output.js';
import { filterConfigFrom } from '../watch-config.js';

export async function viewCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('view', argv, viewFlags);
  if (positionals.length !== 1) throw new UsageError('view needs exactly one capture FILE', 'view');
  applyRenderFlags(values);
  const path = positionals[0]!;
  const filter = filterConfigFrom(values);
  const lines = lineOutputFrom(values, io);
  const bufferSize = values.buffer === undefined ? undefined : intFlag('buffer', values.buffer, 1);
  if (!(await isCapture(path))) {
    throw new CliError(
      `${path} is not a redis-print capture (record one with redis-print record -o FILE; decode reads .etf files)`,
      1,
    );
  }
  // The UI needs a terminal both ways: keys in, screen out.
  if (io.stdout.isTTY && io.stdin.isTTY && values.tui !== false && !lines.json) {
    const { loadCaptureViewer } = await import('../capture/capture-viewer.js');
    return (await loadCaptureViewer())(path, { filter: filter.spec, bufferSize });
  }
  return printCapture(path, { filter: filter.filter, lines }, io);
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
