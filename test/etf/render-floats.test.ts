import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { elixirFloat, erlangShortFloat } from '../../src/etf/render/floats.js';

/** Small seeded PRNG (mulberry32) so that a failure names a reproducible input. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bitsOf(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** Floats chosen to sit on every switch point of the format, plus random bit patterns. */
function sampleFloats(): number[] {
  const out: number[] = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.3];
  for (let e = -30; e <= 30; e++) {
    for (const m of [1, 1.5, 1.25, 9.999, 123456789, 1234567891, 12345678912345678, 7, 99]) out.push(m * 10 ** e);
  }
  for (let k = 50; k <= 60; k++) for (const d of [-3, -1, 0, 1, 2, 3]) out.push(2 ** k + d * 2 ** (k - 52));
  const random = rng(20240614);
  const view = new DataView(new ArrayBuffer(8));
  while (out.length < 6000) {
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const f = view.getFloat64(0);
    if (Number.isFinite(f)) out.push(f);
    // Whole numbers and short decimals exercise the fixed-notation branches.
    out.push(Math.round(random() * 10 ** Math.floor(random() * 20)));
    out.push(Number((random() * 10 ** (Math.floor(random() * 16) - 8)).toPrecision(1 + Math.floor(random() * 16))));
  }
  return out.map((f, i) => (i % 2 === 0 ? f : -f)).filter(Number.isFinite);
}

/** Asks erl (the oracle) for float_to_list(F, [short]) of each float, passed as its 64 bits. */
function erlShort(values: number[]): string[] {
  const bits = values.map((v) => bitsOf(v).toString()).join(',');
  const program = `[begin <<F:64/float>> = <<I:64>>, io:format("~s~n", [float_to_list(F, [short])]) end || I <- [${bits}]], halt().`;
  return execFileSync('erl', ['-noshell', '-eval', program], { encoding: 'utf8', maxBuffer: 1 << 26 })
    .trim()
    .split('\n');
}

describe('erlangShortFloat (oracle: erl float_to_list(F, [short]))', () => {
  it('matches erl on switch points and 6000 sampled doubles', () => {
    const values = sampleFloats();
    const expected = erlShort(values);
    expect(expected.length).toBe(values.length);
    expect(values.length).toBeGreaterThanOrEqual(6000);
    const mismatches = values
      .map((v, i) => ({ v, ours: erlangShortFloat(v), erl: expected[i] }))
      .filter((r) => r.ours !== r.erl);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('elixirFloat (Elixir 1.14 Inspect.Float)', () => {
  it('prints whole numbers below 1.0e16 in full, everything else like fwrite_g', () => {
    expect(elixirFloat(1000)).toBe('1000.0');
    expect(elixirFloat(-1e15)).toBe('-1000000000000000.0');
    expect(elixirFloat(1e16)).toBe('1.0e16');
    expect(elixirFloat(-0)).toBe('-0.0');
    expect(elixirFloat(0.1)).toBe('0.1');
    expect(elixirFloat(5e-324)).toBe('5.0e-324');
    expect(elixirFloat(1e300)).toBe('1.0e300');
    expect(elixirFloat(1e-5)).toBe('1.0e-5');
  });
});
