/**
 * `redis-print decode [--format F] FILE... | -` — decode raw .etf files (or stdin) offline; a
 * capture file is printed message by message as `watch` would print it.
 */
import { readFile } from 'node:fs/promises';
import { decodeDetailed } from '../../etf/decode.js';
import { DecodeError } from '../../etf/errors.js';
import { renderErlang } from '../../etf/render/erlang.js';
import { toPlainJson } from '../../etf/render/plain-json.js';
import { stringifyJson } from '../../etf/render/json-text.js';
import { stringifyTypedJson } from '../../etf/render/typed-json.js';
import type { Term } from '../../etf/term.js';
import type { RawMessage } from '../../model/raw-message.js';
import { MessagePipeline } from '../../output/pipeline.js';
import { applyRenderFlags, intFlag, parseCommandArgs } from '../args.js';
import { isCaptureFile, looksLikeCapture, printCapture } from '../capture-print.js';
import { CliError, oneLine, UsageError } from '../errors.js';
import { DECODE_FORMATS, decodeFlags } from '../command-defs.js';
import { filterFromFlags } from '../filters.js';
import type { CliIo } from '../io.js';
import { lineOutputFrom } from '../line-output.js';
import { termInspect, termPretty } from '../../output/term-text.js';
import { jsonForTerminal, syntaxForTerminal } from '../../text/terminal-safe.js';

type Format = (typeof DECODE_FORMATS)[number];
/** Formats that print exactly one line per input, so several files line up with their output. */
const ONE_LINE: ReadonlySet<Format> = new Set(['inspect', 'json', 'json-typed']);

const options = decodeFlags;

export async function decodeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('decode', argv, options);
  const format = formatFrom(values.format, values.json === true);
  if (positionals.length === 0) throw new UsageError('decode needs a FILE (or - for stdin)', 'decode');
  applyRenderFlags(values);
  const width = values.width ? intFlag('width', values.width, 100) : (io.stdout.columns ?? 100);
  // The filter flags select .etf files (by what they hold) as they select a capture's messages.
  const filter = filterFromFlags(values);
  const lines = lineOutputFrom({ ...values, json: format === 'json' }, io);

  let failures = 0;
  for (const path of positionals) {
    if (closed(io)) break; // the reader went away (| head): nobody to decode for
    if (path !== '-' && (await sniff(path))) {
      if (format !== 'elixir' && format !== 'json') {
        throw new UsageError(
          `${path} is a capture: it prints as lines (default) or NDJSON (--json); --format ${format} is for .etf files`,
          'decode',
        );
      }
      failures += await printCapture(path, { filter, lines }, io);
      continue;
    }
    const bytes = await readInput(path, io);
    if (looksLikeCapture(bytes)) {
      throw new UsageError('a capture file must be given by name, not on stdin', 'decode');
    }
    if (!filter.empty && !new MessagePipeline({ filter }).accept(asMessage(bytes))) continue;
    const label = positionals.length > 1 && !ONE_LINE.has(format) ? `# ${path}\n` : '';
    try {
      if (format === 'hex') {
        // The file's own bytes, which may be any size: written in slices, never as one string.
        decodeDetailed(bytes);
        io.stdout.write(label);
        for (let at = 0; at < bytes.length; at += HEX_SLICE)
          io.stdout.write(Buffer.from(bytes.subarray(at, at + HEX_SLICE)).toString('hex'));
        io.stdout.write('\n');
        continue;
      }
      const { term } = decodeDetailed(bytes);
      const text = render(term, format, width);
      const safe = format === 'json' || format === 'json-typed' ? jsonForTerminal(text) : syntaxForTerminal(text);
      io.stdout.write(label + safe + '\n');
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      failures++;
      if (format === 'json' || format === 'json-typed') {
        io.stdout.write(
          jsonForTerminal(JSON.stringify({ error: `${path}: ${error.message}`, offset: error.offset })) + '\n',
        );
      } else {
        if (ONE_LINE.has(format)) io.stdout.write('\n'); // keep line N = file N
        io.stderr.write(`redis-print: ${path}: ${oneLine(error)}\n`);
      }
    }
  }
  return failures > 0 ? 1 : 0;
}

const HEX_SLICE = 64 * 1024;

/** `--json` is `--format json`; both given must agree. */
function formatFrom(flag: string | undefined, json: boolean): Format {
  if (flag !== undefined && !(DECODE_FORMATS as readonly string[]).includes(flag)) {
    throw new UsageError(`--format must be one of ${DECODE_FORMATS.join(', ')}, got "${flag}"`, 'decode');
  }
  const format = (flag ?? (json ? 'json' : 'elixir')) as Format;
  if (json && format !== 'json') throw new UsageError(`--json and --format ${format} disagree: give one`, 'decode');
  return format;
}

/** An .etf file as a message from nowhere, for the filters (which never look at the channel unless asked). */
function asMessage(payload: Uint8Array): RawMessage {
  return { receivedAt: 0, channel: '', pattern: null, payload };
}

function closed(io: CliIo): boolean {
  return io.stdout.destroyed || io.stdout.writableEnded;
}

/** `term` in a text format; every renderer bounds its output (etf/render/display-limits.ts). */
function render(term: Term, format: Exclude<Format, 'hex'>, width: number): string {
  switch (format) {
    case 'elixir':
      return termPretty(term, width);
    case 'inspect':
      return termInspect(term);
    case 'erlang':
      return renderErlang(term);
    case 'json':
      return stringifyJson(toPlainJson(term));
    case 'json-typed':
      return stringifyTypedJson(term); // keeps -0.0, and never recurses on deep terms
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

async function readInput(path: string, io: CliIo): Promise<Uint8Array> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return await readFile(path);
  } catch (error) {
    throw cannotRead(path, error);
  }
}
