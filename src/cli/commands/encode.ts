/**
 * `redis-print encode [--from elixir|json-typed] [--compressed[=LEVEL]] (FILE | - | --term TEXT) [-o FILE]`
 * — the inverse of decode: Elixir term syntax or typed JSON in, raw ETF bytes out.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { encode } from '../../etf/encode.js';
import { EncodeError } from '../../etf/errors.js';
import { ElixirSyntaxError } from '../../etf/parse/errors.js';
import { parseElixir } from '../../etf/parse/parser.js';
import { parseTypedJson, TypedJsonError } from '../../etf/render/typed-json-read.js';
import type { Term } from '../../etf/term.js';
import { compressionFlag, parseCommandArgs, withOptionalValue } from '../args.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { askYesNo } from '../write-target-guard.js';
import { encodeFlags } from '../command-defs.js';

const options = encodeFlags;

/**
 * Like `term_to_binary/1` on OTP 25, and like `publish`: atoms that fit Latin-1 as ATOM_EXT
 * (minor_version 1). The Phoenix nodes of the supported adapter versions run OTP ≤ 25 or write
 * the same bytes, so decode → encode of a captured payload gives it back byte for byte.
 */
export const DEFAULT_MINOR_VERSION = '1';

export async function encodeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('encode', withOptionalValue(argv, 'compressed', '6'), options);
  const from = values.from ?? 'elixir';
  if (from !== 'elixir' && from !== 'json-typed')
    throw new UsageError(`--from must be elixir or json-typed, got "${from}"`, 'encode');
  const minor = values['minor-version'] ?? DEFAULT_MINOR_VERSION;
  if (minor !== '0' && minor !== '1' && minor !== '2')
    throw new UsageError(`--minor-version must be 0, 1 or 2, got "${minor}"`, 'encode');
  const compressed = compressionFlag(values.compressed);
  const overwrite = values.force === true || values.yes === true;

  if ((values.term === undefined) === (positionals.length === 0)) {
    throw new UsageError('encode needs exactly one input: FILE, - (stdin) or --term TEXT', 'encode');
  }
  if (positionals.length > 1) throw new UsageError(`encode takes one input, got ${positionals.length}`, 'encode');
  if (values.output === undefined && io.stdout.isTTY) {
    throw new CliError('refusing to write binary ETF to a terminal: use -o FILE or a pipe (| xxd)', 2);
  }
  const source = values.term ?? (await readText(positionals[0]!, io));
  const where = values.term !== undefined ? '--term' : positionals[0]!;

  let term: Term;
  try {
    term = from === 'elixir' ? parseElixir(source) : parseTypedJson(source);
  } catch (error) {
    if (error instanceof ElixirSyntaxError || error instanceof TypedJsonError) {
      throw new CliError(`${where}: ${oneLine(error)}`, 1);
    }
    throw error;
  }
  let bytes: Uint8Array;
  try {
    bytes = encode(term, { minorVersion: Number(minor) as 0 | 1 | 2, compressed });
  } catch (error) {
    if (error instanceof EncodeError) throw new CliError(`${where}: cannot encode: ${oneLine(error)}`, 1);
    throw error;
  }

  if (values.output !== undefined) {
    await writeOutput(values.output, bytes, overwrite, io);
    return 0;
  }
  io.stdout.write(bytes);
  return 0;
}

/** Never replaces a file silently: --force/--yes, or a yes at the prompt on a terminal (as the UI's `s`). */
async function writeOutput(path: string, bytes: Uint8Array, overwrite: boolean, io: CliIo): Promise<void> {
  try {
    await writeFile(path, bytes, { flag: overwrite ? 'w' : 'wx' });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw cannotWrite(path, error);
  }
  const interactive = io.stdin.isTTY === true && io.stderr.isTTY === true;
  if (!interactive) throw new CliError(`${path} already exists: add --force to overwrite it`, 2);
  if (!(await askYesNo(`${path} exists. Overwrite? [y/N] `, io.stdin, io.stderr))) {
    throw new CliError(`not overwritten: ${path}`, 1);
  }
  try {
    await writeFile(path, bytes);
  } catch (error) {
    throw cannotWrite(path, error);
  }
}

function cannotWrite(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  return new CliError(`cannot write ${path}: ${code === 'EISDIR' ? 'is a directory' : oneLine(error)}`, 2);
}

async function readText(path: string, io: CliIo): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : oneLine(error)}`, 2);
  }
}
