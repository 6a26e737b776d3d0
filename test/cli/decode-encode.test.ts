import { readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { fromTypedJson } from '../../src/etf/render/typed-json-read.js';
import { termEquals } from '../../src/etf/term.js';
import { erlDecodeCheck, erlSameTerm } from '../helpers/erl.js';
import type { Manifest, ManifestEntry } from '../helpers/manifest.js';
import { runInProcess as runCli } from './in-process.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/phoenix/', import.meta.url));

function manifest(version: string): Array<ManifestEntry & { path: string }> {
  const dir = join(FIXTURES, version);
  const parsed = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  return parsed.files.map((f) => ({ ...f, path: join(dir, f.file) }));
}

/** Entries whose inspect text has no pid/ref/port/fun (those print with a VM-local node index). */
function plainEntries(version: string): Array<ManifestEntry & { path: string }> {
  return manifest(version).filter((e) => !/#PID<|#Reference<|#Port<|#Function</.test(e.inspect));
}

const versions = readdirSync(FIXTURES).filter((d) => d.startsWith('phoenix_pubsub_redis-'));
const scratch = mkdtempSync(join(tmpdir(), 'redis-print-decode-'));

describe('decode', () => {
  it.each(versions)(
    'prints one inspect line per file, in order, equal to what Elixir printed (%s)',
    async (version) => {
      // pids and refs print with a node index only the capturing VM knew (the etf inspect tests cover them).
      const entries = plainEntries(version);
      const result = await runCli(['decode', '--format', 'inspect', ...entries.map((e) => e.path)]);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n').slice(0, -1);
      expect(lines).toEqual(entries.map((e) => e.inspect));
    },
  );

  it('prints typed JSON that reads back to the same term, one line per file', async () => {
    const entries = manifest(versions[0]!).slice(0, 20);
    const result = await runCli(['decode', '--format', 'json-typed', ...entries.map((e) => e.path)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(entries.length);
    lines.forEach((line, i) => {
      const original = decode(readFileSync(entries[i]!.path));
      expect(termEquals(fromTypedJson(JSON.parse(line)), original)).toBe(true);
    });
  });

  it('gives a bad file an error line with its offset, goes on with the next file, and exits 1', async () => {
    const good = manifest(versions[0]!)[2]!;
    const bytes = readFileSync(good.path);
    const truncated = join(scratch, 'truncated.etf');
    writeFileSync(truncated, bytes.subarray(0, 40));
    const result = await runCli(['decode', '--format', 'json', truncated, good.path]);
    expect(result.code).toBe(1);
    const [first, second] = result.stdout.trim().split('\n');
    const error = JSON.parse(first!) as { error: string; offset: number };
    expect(error.error).toContain('truncated.etf');
    expect(error.offset).toBeGreaterThan(0);
    expect(error.offset).toBeLessThanOrEqual(40);
    expect(JSON.parse(second!)).toBeInstanceOf(Array); // the envelope tuple as a plain JSON array
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('keeps line N for file N in inspect mode when a file fails', async () => {
    const entries = plainEntries(versions[0]!).slice(2, 4);
    const garbage = join(scratch, 'garbage.etf');
    writeFileSync(garbage, Buffer.from('not erlang at all'));
    const result = await runCli(['decode', '--format', 'inspect', entries[0]!.path, garbage, entries[1]!.path]);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([entries[0]!.inspect, '', entries[1]!.inspect]);
    expect(result.stderr).toMatch(/garbage\.etf: .*byte 0/);
  });

  it('reads stdin with -', async () => {
    const entry = plainEntries(versions[0]!)[2]!;
    const result = await runCli(['decode', '--format', 'inspect', '-'], { input: readFileSync(entry.path) });
    expect(result.stdout.trim()).toBe(entry.inspect);
  });

  it('refuses unknown formats and missing files with one line and exit 2', async () => {
    const bad = await runCli(['decode', '--format', 'yaml', 'x.etf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['decode', join(scratch, 'nope.etf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('encode', () => {
  it('writes what Erlang reads back as the same term, from Elixir syntax', async () => {
    const out = join(scratch, 'from-elixir.etf');
    const text =
      '{3, :except, :"x@host", "rooms:lobby", %Phoenix.Socket.Broadcast{topic: "rooms:lobby", event: "e", payload: %{"n" => [1, 2.5, -7, 123456789012345678901234567890]}}, Phoenix.Channel.Server}';
    const result = await runCli(['encode', '--term', text, '-o', out]);
    expect(result.code).toBe(0);
    const erlang =
      '{3, except, \'x@host\', <<"rooms:lobby">>, #{\'__struct__\' => \'Elixir.Phoenix.Socket.Broadcast\', topic => <<"rooms:lobby">>, event => <<"e">>, payload => #{<<"n">> => [1, 2.5, -7, 123456789012345678901234567890]}}, \'Elixir.Phoenix.Channel.Server\'}';
    expect(await erlDecodeCheck([readFileSync(out)], [erlang])).toEqual([true]);
  });

  it('compresses when asked, and Erlang inflates it to the same term', async () => {
    const plain = join(scratch, 'plain.etf');
    const zipped = join(scratch, 'zipped.etf');
    const text = `%{"rows" => [${Array.from({ length: 50 }, (_, i) => `%{"id" => ${i}, "body" => "hello again"}`).join(', ')}]}`;
    expect((await runCli(['encode', '--term', text, '-o', plain])).code).toBe(0);
    expect((await runCli(['encode', '--compressed=9', '--term', text, '-o', zipped])).code).toBe(0);
    const z = readFileSync(zipped);
    expect([z[0], z[1]]).toEqual([131, 80]);
    expect(z.length).toBeLessThan(readFileSync(plain).length);
    expect(await erlSameTerm([z], [readFileSync(plain)])).toEqual([true]);
  });

  it.each(versions)(
    'by default, decode → encode gives every uncompressed OTP 25 fixture back byte for byte (%s)',
    async (version) => {
      // Compressed fixtures come back the same only with the same zlib level and library.
      const entries = manifest(version).filter((e) => !e.wire_compressed);
      expect(entries.length).toBeGreaterThan(10);
      for (const entry of entries) {
        const json = await runCli(['decode', '--format', 'json-typed', entry.path]);
        const result = await runCli(['encode', '--from', 'json-typed', '-'], { input: json.stdout });
        expect(result.code, `${entry.file}: ${result.stderr}`).toBe(0);
        expect(result.stdoutBytes.equals(readFileSync(entry.path)), entry.file).toBe(true);
      }
    },
  );

  it('writes UTF-8 atoms (OTP 26) only when asked with --minor-version 2', async () => {
    const one = await runCli(['encode', '--term', ':ok']);
    const two = await runCli(['encode', '--minor-version', '2', '--term', ':ok']);
    expect([...one.stdoutBytes]).toEqual([131, 100, 0, 2, 111, 107]); // ATOM_EXT, as OTP 25
    expect([...two.stdoutBytes]).toEqual([131, 119, 2, 111, 107]); // SMALL_ATOM_UTF8_EXT
  });

  it('never overwrites -o FILE silently: refused without a terminal unless --force or --yes', async () => {
    const out = join(scratch, 'exists.etf');
    writeFileSync(out, 'keep me');
    const refused = await runCli(['encode', '--term', '1', '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/exists\.etf already exists: add --force/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    for (const flag of ['--force', '--yes']) {
      writeFileSync(out, 'keep me');
      expect((await runCli(['encode', '--term', '1', '-o', out, flag])).code).toBe(0);
      expect([...readFileSync(out)]).toEqual([131, 97, 1]);
    }
  });

  it('asks before overwriting on a terminal, and keeps the file on no', async () => {
    const out = join(scratch, 'ask.etf');
    writeFileSync(out, 'keep me');
    const no = await runCli(['encode', '--term', '1', '-o', out], { input: 'n\n', tty: { columns: 80 } });
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/Overwrite\? \[y\/N\]/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const yes = await runCli(['encode', '--term', '1', '-o', out], { input: 'y\n', tty: { columns: 80 } });
    expect(yes.code).toBe(0);
    expect([...readFileSync(out)]).toEqual([131, 97, 1]);
  });

  it('points at the column of a syntax error', async () => {
    const result = await runCli(['encode', '--term', '%{"a" => 1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/1:\d+/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
