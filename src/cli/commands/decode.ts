/**
 * `redis-print decode [--format F] FILE... | -` — decode raw .etf files (or stdin) offline; a
 * capture file is printed message by message as `watch` would print it.
 */
import { readFile } from 'node:fs/promises';
import { decodeDetailed } from '../../etf/decode.js';
import { DecodeError } from '../../etf/errors.js';
import { renderElixir } from '../../etf/render/elixir.js';
import { renderErlang } from '../../etf/render/erlang.js';
import { inspect } from '../../etf/render/inspect.js';
import { toPlainJson } from '../../etf/render/plain-json.js';
import { stringifyJson } from '../../etf/render/json-text.js';
import { stringifyTypedJson } from '../../etf/render/typed-json.js';
import type { Term } from '../../etf/term.js';
import { PHOENIX_STRUCTS } from '../../phoenix/structs.js';
import { filterOptions, parseCommandArgs } from '../args.js';
import { isCaptureFile, looksLikeCapture, printCapture } from '../capture-print.js';
import { CliError, oneLine, UsageError } from '../errors.js';

const FORMATS = ['elixir', 'inspect', 'erlang', 'json', 'json-typed', 'hex'] as const;
type Format = (typeof FORMATS)[number];
/** Formats that print exactly one line per input, so several files line up with their output. */
const ONE_LINE: ReadonlySet<Format> = new Set(['inspect', 'json', 'json-typed']);

const options = {
  format: { type: 'string', short: 'f' },
  json: { type: 'boolean' },
  full: { type: 'boolean' },
  time: { type: 'string' },
  width: { type: 'string' },
  ...filterOptions,
} as const;

export async function decodeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('decode', argv, options);
  const format = (values.format ?? 'elixir') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  if (positionals.length === 0) throw new UsageError('decode needs a FILE (or - for stdin)');
  const width = values.width ? Number(values.width) : (process.stdout.columns ?? 100);

  let failures = 0;
  for (const path of positionals) {
    if (path !== '-' && (await sniff(path))) {
      failures += await printCapture(path, values);
      continue;
    }
    const bytes = await readInput(path);
    if (looksLikeCapture(bytes)) {
      throw new UsageError('a capture file must be given by name, not on stdin');
    }
    const label = positionals.length > 1 && !ONE_LINE.has(format) ? `# ${path}\n` : '';
    try {
      const { term } = decodeDetailed(bytes);
      process.stdout.write(label + render(term, bytes, format, width) + '\n');
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      failures++;
      if (format === 'json' || format === 'json-typed') {
        process.stdout.write(JSON.stringify({ error: `${path}: ${error.message}`, offset: error.offset }) + '\n');
      } else {
        if (ONE_LINE.has(format)) process.stdout.write('\n'); // keep line N = file N
        process.stderr.write(`redis-print: ${path}: ${oneLine(error)}\n`);
      }
    }
  }
  return failures > 0 ? 1 : 0;
}

function render(term: Term, bytes: Uint8Array, format: Format, width: number): string {
  switch (format) {
    case 'elixir':
      return renderElixir(term, { width, structs: PHOENIX_STRUCTS });
    case 'inspect':
      return inspect(term, { structs: PHOENIX_STRUCTS });
    case 'erlang':
      return renderErlang(term);
    case 'json':
      return stringifyJson(toPlainJson(term));
    case 'json-typed':
      return stringifyTypedJson(term); // keeps -0.0, and never recurses on deep terms
    case 'hex':
      return Buffer.from(bytes).toString('hex');
  }
}

async function sniff(path: string): Promise<boolean> {
  try {
    return await isCaptureFile(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
}

function cannotRead(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine(error);
  return new CliError(`cannot read ${path}: ${why}`, 2);
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return await readFile(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
}
