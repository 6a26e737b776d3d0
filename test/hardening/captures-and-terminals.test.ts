/**
 * Captures are files anyone may hand over: records whose time is no time, headers written by
 * another tool with their keys in another order, and channel names and payloads made to drive a
 * terminal. Every command that reads a capture (decode, view, split, replay's plan) reports a
 * bad record and goes on, agrees on what a capture is, and prints nothing from it raw.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { encode as msgpack } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap } from '../../src/etf/term.js';
import { MATCH_ALL } from '../../src/output/filter.js';
import { broadcastStruct, buildV3 } from '../../src/phoenix/build.js';
import { planReplay } from '../../src/cli/capture/replay-plan.js';
import { ChannelMap } from '../../src/cli/capture/channel-map.js';
import { makeTempDir } from '../capture/helpers.js';
import { runCli } from '../cli/run-cli.js';

// C0 controls other than the newline and tab the output itself uses, DEL, C1 (U+009B is an
// 8-bit CSI), the separators and the bidi controls.
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const HOSTILE = 'x\u001b[2J\u009b31m\u202eevil\u2028\u0007';

const header = (order: 'format-first' | 'format-last'): Record<string, unknown> => {
  const fields = { version: 1, tool: { name: 'other-tool', version: '9' }, started_at: '2026-01-01T00:00:00Z' };
  return order === 'format-first'
    ? { format: 'redis-print-capture', ...fields, target: 'x', patterns: ['phx:*'], channels: [] }
    : { ...fields, target: 'x', patterns: ['phx:*'], channels: [], format: 'redis-print-capture' };
};

const broadcast = (topic: string, body: string): Uint8Array =>
  encode(
    buildV3({
      mode: 'except',
      node: Atom.of('a@h'),
      topic,
      message: broadcastStruct(topic, 'new:msg', ErlMap.fromPairs([[Buffer.from('body'), Buffer.from(body)]])),
      dispatcher: Atom.of('Elixir.Phoenix.Channel.Server'),
    }),
  );

const CHANNEL = 'phx:Elixir.Chat.PubSub.Adapter';
const good = (i: number): unknown[] => [1_767_225_600_000 + i, CHANNEL, 'phx:*', broadcast(`rooms:${i}`, `hi ${i}`)];
const BAD_TIMES = [NaN, -5, 1e300, -1e300, Infinity];

const captureOf = (order: 'format-first' | 'format-last', records: unknown[][]): Buffer =>
  Buffer.concat([msgpack(header(order)), ...records.map((r) => msgpack(r))]);

let tmp: Awaited<ReturnType<typeof makeTempDir>>;
let badTimes: string;
let reordered: string;
let hostile: string;

beforeAll(async () => {
  tmp = await makeTempDir();
  // good, bad, good, bad, … : record numbers 1, 3, 5, 7, 9, 11 are good.
  const records: unknown[][] = [good(1)];
  BAD_TIMES.forEach((t, i) => records.push([t, CHANNEL, 'phx:*', broadcast('rooms:bad', 'x')], good(i + 2)));
  badTimes = join(tmp.dir, 'bad-times.capture');
  await writeFile(badTimes, captureOf('format-first', records));
  reordered = join(tmp.dir, 'reordered.capture');
  await writeFile(reordered, captureOf('format-last', [good(1), good(2)]));
  hostile = join(tmp.dir, 'hostile.capture');
  await writeFile(
    hostile,
    captureOf('format-first', [
      [1_767_225_600_000, `phx:${HOSTILE}`, 'phx:*', broadcast(`rooms:${HOSTILE}`, HOSTILE)],
      [1_767_225_600_001, CHANNEL, null, Buffer.from(`{"t":"${HOSTILE}"}`)],
      [1_767_225_600_002, CHANNEL, null, Buffer.from(HOSTILE)],
    ]),
  );
});
afterAll(async () => {
  await tmp?.remove();
});

describe('records whose receive time is no time (NaN, negative, ±1e300, Infinity)', () => {
  test('decode --json and decode (lines) print every other record and report each bad one by number', async () => {
    for (const flags of [['--json'], []]) {
      const r = await runCli(['decode', ...flags, badTimes]);
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(6);
      if (flags.length > 0) expect(lines.map((l) => (JSON.parse(l) as { topic: string }).topic)).toHaveLength(6);
      for (const n of [2, 4, 6, 8, 10])
        expect(r.stderr).toMatch(new RegExp(`record ${n} at byte \\d+: its receive time .* is not a time.*; skipped`));
      expect(r.stderr).not.toMatch(/internal error|Invalid time value/);
    }
  });

  test('view (not on a terminal) does the same', async () => {
    const r = await runCli(['view', badTimes]);
    expect(r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toHaveLength(6);
    expect(r.stderr).toMatch(/record 10 at byte \d+: its receive time Infinity/);
  });

  test('split writes every other record, numbered as in the file, and reports the bad ones', async () => {
    const out = join(tmp.dir, 'split-bad');
    const r = await runCli(['split', badTimes, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/record 2 at byte \d+: its receive time NaN/);
    const files = (await readdir(out)).sort();
    expect(files.map((f) => Number(f.split('-')[0]))).toEqual([1, 3, 5, 7, 9, 11]);
  });

  test("replay's plan skips them (never sent) and lists them", async () => {
    const plan = await planReplay(badTimes, { filter: MATCH_ALL, channels: ChannelMap.parse([]) });
    expect(plan.records).toBe(11);
    expect(plan.selectedCount).toBe(6);
    expect(plan.skippedByFilter).toBe(0);
    expect(plan.badRecords).toHaveLength(5);
    expect(plan.isSelected(1)).toBe(false);
    expect(plan.isSelected(2)).toBe(true);
  });
});

describe('one rule for what a capture is', () => {
  test('a header with `format` last is a capture for decode, view and split alike', async () => {
    const decoded = await runCli(['decode', '--json', reordered]);
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout.split('\n').filter((l) => l !== '')).toHaveLength(2);
    const viewed = await runCli(['view', reordered]);
    expect(viewed.code, viewed.stderr).toBe(0);
    const split = await runCli(['split', reordered, '-o', join(tmp.dir, 'split-reordered')]);
    expect(split.code, split.stderr).toBe(0);
    expect(split.stderr).toMatch(/# wrote 2 of 2 payloads/);
  });
});

describe('nothing from a capture reaches the terminal raw', () => {
  test('decode (every capture form), view and split', async () => {
    const runs = [
      ['decode', hostile],
      ['decode', '--json', hostile],
      ['decode', '--full', hostile],
      ['view', hostile],
      ['split', hostile, '-o', join(tmp.dir, 'split-hostile')],
    ];
    for (const args of runs) {
      const r = await runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(r.stdout, `${args.join(' ')} stdout`).not.toMatch(RAW_UNSAFE);
      expect(r.stderr, `${args.join(' ')} stderr`).not.toMatch(RAW_UNSAFE);
    }
  });

  test('decode of the split-out payload in every format', async () => {
    const dir = join(tmp.dir, 'split-hostile');
    const etf = (await readdir(dir)).find((f) => f.endsWith('.etf'))!;
    for (const format of ['elixir', 'inspect', 'erlang', 'json', 'json-typed', 'hex']) {
      const r = await runCli(['decode', '--format', format, join(dir, etf)]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stdout, format).not.toMatch(RAW_UNSAFE);
    }
    // Still the same text once read back: the escapes mean the same characters.
    const json = await runCli(['decode', '--format', 'json', join(dir, etf)]);
    expect(json.stdout).toContain('\\u009b');
    expect((JSON.parse(json.stdout) as unknown[])[3]).toBe(`rooms:${HOSTILE}`);
  });

  test('error messages quoting hostile atoms', async () => {
    // A map whose key is an atom full of controls, cut short after it: the error names the key.
    const name = Buffer.from(HOSTILE, 'utf8');
    const bytes = Buffer.from([131, 116, 0, 0, 0, 1, 118, 0, name.length, ...name, 109, 0, 0, 0, 9, 1]);
    const file = join(tmp.dir, 'hostile-key.etf');
    await writeFile(file, bytes);
    for (const format of ['elixir', 'json']) {
      const r = await runCli(['decode', '--format', format, file]);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/map value/);
      expect(r.stdout + r.stderr, format).not.toMatch(RAW_UNSAFE);
    }
  });
});
