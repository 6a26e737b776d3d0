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

const options = {
  from: { type: 'string' },
  term: { type: 'string' },
  compressed: { type: 'string' },
  'minor-version': { type: 'string' },
  output: { type: 'string', short: 'o' },
} as const;

export async function encodeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('encode', withOptionalValue(argv, 'compressed', '6'), options);
  const from = values.from ?? 'elixir';
  if (from !== 'elixir' && from !== 'json-typed')
    throw new UsageError(`--from must be elixir or json-typed, got "${from}"`);
  const minor = values['minor-version'] ?? '2';
  if (minor !== '0' && minor !== '1' && minor !== '2')
    throw new UsageError(`--minor-version must be 0, 1 or 2, got "${minor}"`);
  const compressed = compressionFlag(values.compressed);

  if ((values.term === undefined) === (positionals.length === 0)) {
    throw new UsageError('encode needs exactly one input: FILE, - (stdin) or --term TEXT');
  }
  if (positionals.length > 1) throw new UsageError(`encode takes one input, got ${positionals.length}`);
  const source = values.term ?? (await readText(positionals[0]!));
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
    try {
      await writeFile(values.output, bytes);
    } catch (error) {
      throw new CliError(`cannot write ${values.output}: ${oneLine(error)}`, 2);
    }
    return 0;
  }
  if (process.stdout.isTTY) {
    throw new CliError('refusing to write binary ETF to a terminal: use -o FILE or a pipe (| xxd)', 2);
  }
  process.stdout.write(bytes);
  return 0;
}

async function readText(path: string): Promise<string> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : oneLine(error)}`, 2);
  }
}
