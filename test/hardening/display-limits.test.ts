/**
 * Every renderer bounds what it writes, whatever lengths the sender chose: a binary is cut at the
 * display limit with its size, and once about 16 Mi characters are written containers say how
 * many items they left out. (A 65 KB payload inflating to one 64 MiB binary took a watcher to
 * 3.1 GB and a V8 fatal error before.)
 */
import { describe, expect, it } from 'vitest';
import { DISPLAY_LIMITS, SYNTAX_BINARY_BYTES } from '../../src/etf/render/display-limits.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import { renderErlang } from '../../src/etf/render/erlang.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { stringifyJson } from '../../src/etf/render/json-text.js';
import { toPlainJson } from '../../src/etf/render/plain-json.js';
import { fromTypedJson } from '../../src/etf/render/typed-json-read.js';
import { stringifyTypedJson } from '../../src/etf/render/typed-json.js';
import { ErlMap, Tuple, type Term } from '../../src/etf/term.js';

const MiB = 1024 * 1024;
const zeros = new Uint8Array(64 * MiB);
const text = new Uint8Array(64 * MiB).fill(97);

const renderers: Array<[string, (t: Term) => string]> = [
  ['elixir', (t) => renderElixir(t)],
  ['elixir one line', (t) => renderElixir(t, { pretty: false })],
  ['inspect', (t) => inspect(t)],
  ['erlang', (t) => renderErlang(t)],
  ['plain json', (t) => stringifyJson(toPlainJson(t))],
  ['typed json', (t) => stringifyTypedJson(t)],
];

// The budget is checked per item, so one item past it may still be written: bound with room.
const OUTPUT_BOUND = DISPLAY_LIMITS.chars + 8 * DISPLAY_LIMITS.binaryBytes;

describe('a 64 MiB binary', () => {
  it.each(renderers)('%s shows its first bytes and its size', (_name, render) => {
    for (const bytes of [zeros, text]) {
      const out = render(bytes);
      expect(out.length).toBeLessThan(8 * MiB);
      expect(out).toContain(String(bytes.length));
    }
  });

  it('is written in the documented forms', () => {
    expect(renderElixir(zeros, { pretty: false })).toMatch(/^<<0, 0, .*, 0, …>> \(67108864 bytes\)$/);
    expect(renderElixir(text, { pretty: false })).toMatch(/^"a{1048576}…" \(67108864 bytes\)$/);
    expect(renderElixir(zeros, { pretty: false }).split(', ')).toHaveLength(SYNTAX_BINARY_BYTES + 1);
    expect(JSON.parse(stringifyTypedJson(text))).toEqual({ bin: 'a'.repeat(MiB), truncated: true, size: 64 * MiB });
    const notText = new Uint8Array(2 * MiB + 1);
    notText[0] = 255;
    const typed = JSON.parse(stringifyTypedJson(notText)) as { bin64: string };
    expect(typed).toMatchObject({ truncated: true, size: 2 * MiB + 1 });
    expect(Buffer.from(typed.bin64, 'base64')).toHaveLength(MiB);
    expect(JSON.parse(stringifyJson(toPlainJson(text)))).toEqual({
      truncated: true,
      size: 64 * MiB,
      text: 'a'.repeat(MiB),
    });
  });

  it('cut for display cannot be encoded back as if it were whole', () => {
    expect(() => fromTypedJson(JSON.parse(stringifyTypedJson(text)))).toThrow(/cut short for display/);
  });

  it('a text binary cut inside a multi-byte character ends before that character', () => {
    const euros = Buffer.from('€'.repeat(MiB)); // 3 bytes each: 1 MiB is not a character boundary
    const shown = (JSON.parse(stringifyTypedJson(euros)) as { bin: string }).bin;
    expect(shown).toBe('€'.repeat(Math.floor(MiB / 3)));
  });
});

describe('many binaries, many long atoms: the character budget', () => {
  // 64 text binaries of 1 MiB: each is under the binary limit, together 64 Mi characters.
  const many: Term[] = Array.from({ length: 64 }, () => text.subarray(0, MiB));
  const terms: Array<[string, Term]> = [
    ['a list', many],
    ['a tuple', new Tuple(many)],
    [
      'a map',
      new ErlMap(
        many.map((_, i) => i),
        many,
      ),
    ],
  ];
  for (const [what, term] of terms) {
    it.each(renderers)(`${what}: %s stops and says how many items it left out`, (_name, render) => {
      const out = render(term);
      expect(out.length).toBeLessThan(OUTPUT_BOUND);
      expect(out).toMatch(/…\(\d+ more\)|"more":\d+|"truncated":true,"size":64/);
    });
  }

  it('typed JSON cut by the budget stays valid JSON and names the full size', () => {
    const json = JSON.parse(stringifyTypedJson(many)) as { list: unknown[]; truncated: boolean; size: number };
    expect(json.truncated).toBe(true);
    expect(json.size).toBe(64);
    expect(json.list.length).toBeLessThan(64);
    // The same from the iterative writer (a term nested deeper than the recursive one goes).
    let deep: Term = many;
    for (let i = 0; i < 300; i++) deep = [deep];
    const text = stringifyTypedJson(deep);
    expect(text.length).toBeLessThan(OUTPUT_BOUND);
    expect(text).toContain('],"truncated":true,"size":64}');
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });
});
