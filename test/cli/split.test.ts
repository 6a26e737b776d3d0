/**
 * `redis-print split FILE -o DIR`: one file per payload, bytes untouched, that decode reads back
 * as the original; and content chosen by whoever could publish to the recorded Redis (topics,
 * events, channels with `../`, `/`, NUL, thousands of characters) cannot put a file anywhere
 * but DIR, nor write through a symlink or over an existing file.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/index.js';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap } from '../../src/etf/term.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { makeTempDir, removeDir } from '../helpers/child-reaper.js';
import { fixtureCapturePath, fixturePayloads } from './record-helpers.js';
import { runInProcess as runCli } from './in-process.js';

const SAFE_NAME = /^\d{4}(-[A-Za-z0-9._-]+)*\.(etf|json|msgpack|bin)$/;

let dir: string;
beforeAll(() => {
  dir = makeTempDir('split');
});
afterAll(() => {
  if (dir) removeDir(dir);
});

describe('split', () => {
  it.each(['phoenix_pubsub_redis-3.1.0', 'phoenix_pubsub_redis-2.1.8'] as const)(
    'writes each payload of the %s capture to its own file, which decode reads back as the original',
    async (adapter) => {
      const fixtures = fixturePayloads(adapter);
      const out = join(dir, adapter);
      const result = await runCli(['split', fileURLToPath(fixtureCapturePath(adapter)), '-o', out]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(new RegExp(`# wrote ${fixtures.length} of ${fixtures.length} payloads`));
      const names = readdirSync(out).sort();
      expect(names).toHaveLength(fixtures.length);
      // Every printed line names a file that exists, in record order.
      expect(
        result.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.split('\t')[0]),
      ).toEqual(names.map((n) => join(out, n)));
      names.forEach((name, i) => {
        expect(name).toMatch(SAFE_NAME);
        expect(name.startsWith(String(i + 1).padStart(4, '0') + '-')).toBe(true);
        expect(readFileSync(join(out, name)).equals(fixtures[i]!.payload), `${name} vs ${fixtures[i]!.file}`).toBe(
          true,
        );
      });
      // A Broadcast is named by its topic and event.
      expect(names.some((n) => /^\d{4}-rooms_lobby-new_msg\.etf$/.test(n))).toBe(true);

      // decode reads the files back: one inspect line per file, equal to decoding the originals.
      const files = names.map((n) => join(out, n));
      const fromSplit = await runCli(['decode', '--format', 'inspect', ...files]);
      const originals = fixtures.map((f) =>
        fileURLToPath(new URL(`../../fixtures/phoenix/${adapter}/${f.file}`, import.meta.url)),
      );
      const fromOriginals = await runCli(['decode', '--format', 'inspect', ...originals]);
      expect(fromSplit.code).toBe(0);
      expect(fromSplit.stdout.split('\n')).toHaveLength(fixtures.length + 1);
      expect(fromSplit.stdout).toBe(fromOriginals.stdout);
    },
  );

  it('keeps hostile names inside DIR: only [A-Za-z0-9._-], no "..", bounded length', async () => {
    const base = join(dir, 'hostile');
    mkdirSync(base);
    const capture = join(base, 'hostile.capture');
    const hostile = [
      '../../../../../../tmp/escaped',
      '/etc/passwd',
      'a\u0000b/../c',
      '..',
      '.',
      '',
      '.hidden',
      '\\..\\..\\windows',
      'ü€/:*?"<>|',
      'x'.repeat(5000),
      `${'../'.repeat(300)}deep`,
    ];
    const writer = await CaptureWriter.open(capture, {
      tool: { name: 'test', version: '0' },
      target: 'redis://127.0.0.1:1',
    });
    let records = 0;
    for (const [i, text] of hostile.entries()) {
      const payload = encode(
        buildV3({
          mode: 'except',
          node: Atom.of('a@h'),
          topic: text,
          message: broadcastStruct(text, hostile[hostile.length - 1 - i]!, new ErlMap([], [])),
          dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
        }),
      );
      writer.write({ receivedAt: 1_700_000_000_000 + i, channel: `phx:${text}`, pattern: text, payload });
      // Non-ETF payloads on hostile channels too: their names come from the kind.
      writer.write({ receivedAt: 1_700_000_000_000 + i, channel: text, pattern: null, payload: Buffer.from(text) });
      records += 2;
    }
    await writer.close();

    const out = join(base, 'out');
    const result = await runCli(['split', capture, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(base).sort()).toEqual(['hostile.capture', 'out']);
    const names = readdirSync(out);
    expect(names).toHaveLength(records);
    for (const name of names) {
      expect(name).toMatch(SAFE_NAME);
      expect(name).not.toMatch(/\.\./);
      expect(name.length).toBeLessThanOrEqual(120);
      expect(lstatSync(join(out, name)).isFile()).toBe(true);
    }
    // Nothing appeared where the traversals pointed.
    expect(existsSync(resolve(out, hostile[0]!))).toBe(false);
    expect(existsSync(resolve(out, hostile[hostile.length - 1]!))).toBe(false);
  });

  it('never writes through a planted symlink, nor over an existing file', async () => {
    const base = join(dir, 'planted');
    const out = join(base, 'out');
    mkdirSync(out, { recursive: true });
    const victim = join(base, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    const fixtures = fixturePayloads('phoenix_pubsub_redis-3.1.0');
    // Record 3 of the capture is a Broadcast on rooms:lobby, event new_msg.
    symlinkSync(victim, join(out, '0003-rooms_lobby-new_msg.etf'));
    const result = await runCli(['split', fileURLToPath(fixtureCapturePath('phoenix_pubsub_redis-3.1.0')), '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /cannot write .*0003-rooms_lobby-new_msg\.etf: already exists \(split never overwrites/,
    );
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(out, '0003-rooms_lobby-new_msg.etf')).isSymbolicLink()).toBe(true);
    // The two records before it were written; nothing after.
    expect(readdirSync(out).sort()).toHaveLength(3);
    expect(readFileSync(join(out, readdirSync(out).sort()[0]!)).equals(fixtures[0]!.payload)).toBe(true);
  });

  it('refuses a file that is not a capture, writing nothing', async () => {
    const out = join(dir, 'not-a-capture');
    const etf = fileURLToPath(
      new URL('../../fixtures/phoenix/phoenix_pubsub_redis-3.1.0/003-z0-broadcast-hello.etf', import.meta.url),
    );
    const result = await runCli(['split', etf, '-o', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a redis-print capture/);
    expect(() => readdirSync(out)).toThrow();
  });

  it('writes only what the filters pass, keeping the record numbers', async () => {
    const out = join(dir, 'filtered');
    const fixtures = fixturePayloads('phoenix_pubsub_redis-3.1.0');
    const result = await runCli([
      'split',
      fileURLToPath(fixtureCapturePath('phoenix_pubsub_redis-3.1.0')),
      '-o',
      out,
      '--event',
      'new:msg',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const names = readdirSync(out).sort();
    const expected = fixtures.flatMap((f, i) => (/event: "new:msg"/.test(f.inspect) ? [i] : []));
    expect(names.length).toBeGreaterThan(0);
    expect(names.map((n) => Number(n.slice(0, 4)) - 1)).toEqual(expected);
  });
});
