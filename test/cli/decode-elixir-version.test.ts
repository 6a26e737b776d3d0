/**
 * `decode` prints Elixir's own inspect forms (a DateTime as ~U[…]) in both its Elixir formats,
 * and `--elixir` chooses whose charlists: 1.14's 'abc' by default, 1.15's ~c"abc" on request.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import { runCli } from './run-cli.js';

const a = Atom.of;
const utc = ErlMap.fromPairs(
  Object.entries({
    __struct__: a('Elixir.DateTime'),
    year: 2026,
    month: 12,
    day: 1,
    hour: 10,
    minute: 20,
    second: 30,
    microsecond: new Tuple([123_456, 6]),
    time_zone: Buffer.from('Etc/UTC'),
    zone_abbr: Buffer.from('UTC'),
    utc_offset: 0,
    std_offset: 0,
    calendar: a('Elixir.Calendar.ISO'),
  }).map(([k, v]): [Term, Term] => [a(k), v]),
);
const term = new Tuple([utc, [97, 98, 99]]);
const input = encode(term);

describe('decode --format inspect|elixir and --elixir', () => {
  it("prints Elixir 1.14's inspect by default, in both formats", async () => {
    for (const format of ['inspect', 'elixir']) {
      const r = await runCli(['decode', '--format', format, '-'], { input });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`{~U[2026-12-01 10:20:30.123456Z], 'abc'}\n`);
    }
  });

  it('--elixir 1.15 writes ~c"abc"; an unknown version is a usage error', async () => {
    const r = await runCli(['decode', '--elixir', '1.15', '--format', 'inspect', '-'], { input });
    expect(r.stdout).toBe(`{~U[2026-12-01 10:20:30.123456Z], ~c"abc"}\n`);
    const bad = await runCli(['decode', '--elixir', '2.0', '-'], { input });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--elixir must be one of 1\.14, 1\.15, got "2\.0"/);
  });
});
