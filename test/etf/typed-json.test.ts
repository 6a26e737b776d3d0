import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { TypedJsonError, fromTypedJson, parseTypedJson } from '../../src/etf/render/typed-json-read.js';
import { stringifyTypedJson, toTypedJson } from '../../src/etf/render/typed-json.js';
import {
  Atom,
  BitBinary,
  ErlFloat,
  ErlMap,
  ExportFun,
  Fun,
  ImproperList,
  Pid,
  Port,
  Ref,
  Tuple,
  termEquals,
  type Term,
} from '../../src/etf/term.js';
import { termArbitrary } from './render-term-arbitrary.js';
import { runs } from '../support/runs.js';

const a = Atom.of;

function expectSame(back: Term, term: Term): void {
  if (!termEquals(back, term)) throw new Error(`read back as ${inspect(back)}, expected ${inspect(term)}`);
}

describe('toTypedJson: the documented shape of every kind', () => {
  it('scalars', () => {
    expect(toTypedJson(a('ok'))).toEqual({ atom: 'ok' });
    expect(toTypedJson(42)).toEqual({ int: 42 });
    expect(toTypedJson(123456789012345678901n)).toEqual({ int: '123456789012345678901' });
    expect(toTypedJson(-(2n ** 53n))).toEqual({ int: '-9007199254740992' });
    expect(toTypedJson(5n)).toEqual({ int: 5 });
    expect(toTypedJson(new ErlFloat(1.5))).toEqual({ float: 1.5 });
    expect(Object.is((toTypedJson(new ErlFloat(-0)) as { float: number }).float, -0)).toBe(true);
    expect(toTypedJson(new TextEncoder().encode('héllo'))).toEqual({ bin: 'héllo' });
    expect(toTypedJson(Uint8Array.of(0, 255))).toEqual({ bin64: 'AP8=' });
    expect(toTypedJson(new BitBinary(Uint8Array.of(85, 28 << 3), 5))).toEqual({ bits: 'VeA=', bits_in_last: 5 });
  });

  it('containers', () => {
    expect(toTypedJson([104, 105])).toEqual({ list: [{ int: 104 }, { int: 105 }] });
    expect(toTypedJson(new ImproperList([1], a('t')))).toEqual({ list: [{ int: 1 }], tail: { atom: 't' } });
    expect(toTypedJson(new Tuple([]))).toEqual({ tuple: [] });
    expect(
      toTypedJson(
        ErlMap.fromPairs([
          [a('b'), 1],
          [a('a'), 2],
        ]),
      ),
    ).toEqual({
      map: [
        [{ atom: 'b' }, { int: 1 }],
        [{ atom: 'a' }, { int: 2 }],
      ],
    });
  });

  it('pids, ports, references and funs, with the encoding kept when not the default', () => {
    const node = a('a@host');
    expect(toTypedJson(new Pid(node, 398, 0, 1795363008))).toEqual({
      pid: { node: 'a@host', id: 398, serial: 0, creation: 1795363008 },
    });
    expect(toTypedJson(new Pid(node, 1, 2, 3, true))).toEqual({
      pid: { node: 'a@host', id: 1, serial: 2, creation: 3, format: 'old' },
    });
    expect(toTypedJson(new Port(node, 2n ** 60n, 7, 'v4'))).toEqual({
      port: { node: 'a@host', id: String(2n ** 60n), creation: 7, format: 'v4' },
    });
    expect(toTypedJson(new Ref(node, 9, [1, 2, 3]))).toEqual({ ref: { node: 'a@host', creation: 9, ids: [1, 2, 3] } });
    expect(toTypedJson(new ExportFun(a('Elixir.Enum'), a('map'), 2))).toEqual({
      export: { module: 'Elixir.Enum', function: 'map', arity: 2 },
    });
    const fun = new Fun(1, new Uint8Array(16).fill(171), 3, a('m'), 4, 5n ** 30n, new Pid(node, 1, 0, 0), [a('x')]);
    expect(toTypedJson(fun)).toEqual({
      fun: {
        module: 'm',
        arity: 1,
        index: 3,
        uniq: 'ab'.repeat(16),
        old_index: 4,
        old_uniq: String(5n ** 30n),
        pid: { node: 'a@host', id: 1, serial: 0, creation: 0 },
        free_vars: [{ atom: 'x' }],
      },
    });
  });
});

describe('fromTypedJson inverts toTypedJson', () => {
  it('for random terms of every kind, through JSON text (seeded)', () => {
    fc.assert(
      fc.property(termArbitrary({ opaque: true }), (term) => {
        expectSame(fromTypedJson(toTypedJson(term)), term);
        const text = stringifyTypedJson(term);
        const back = parseTypedJson(text);
        expectSame(back, term);
        // termEquals ignores the encoding variants (PID_EXT vs NEW_PID_EXT…); the text does not.
        expect(stringifyTypedJson(back)).toBe(text);
      }),
      { seed: 2024, numRuns: runs(2000) },
    );
  });

  it('keeps -0.0 through JSON text', () => {
    const text = stringifyTypedJson(new ErlFloat(-0));
    expect(text).toBe('{"float":-0}');
    expect(Object.is((parseTypedJson(text) as ErlFloat).value, -0)).toBe(true);
  });

  it('for every captured payload', () => {
    const root = new URL('../../fixtures/phoenix/', import.meta.url);
    let count = 0;
    for (const dir of readdirSync(root)) {
      for (const file of readdirSync(new URL(`${dir}/`, root)).filter((f) => f.endsWith('.etf'))) {
        const term = decode(new Uint8Array(readFileSync(new URL(`${dir}/${file}`, root))));
        expectSame(parseTypedJson(stringifyTypedJson(term)), term);
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  it('for a term nested 100 000 deep (iterative both ways)', () => {
    let term: Term = a('bottom');
    for (let i = 0; i < 100_000; i++) term = i % 2 === 0 ? [term] : new Tuple([term]);
    const text = stringifyTypedJson(term);
    expect(text.length).toBeGreaterThan(1_000_000);
    let back = parseTypedJson(text);
    for (let i = 99_999; i >= 0; i--) back = i % 2 === 0 ? (back as Term[])[0]! : (back as Tuple).elements[0]!;
    expect(back).toBe(a('bottom'));
  });
});

describe('fromTypedJson errors say where', () => {
  const cases: Array<[unknown, string]> = [
    [
      { tuple: [{ int: 1 }, { nope: 1 }] },
      'expected one of the keys atom, int, float, bin, bin64, bits, list, tuple, map, pid, port, ref, export, fun at $.tuple[1]',
    ],
    [{ map: [[{ atom: 'a' }]] }, 'expected a [key, value] pair at $.map[0]'],
    [
      { map: [[{ atom: 'a' }, { int: 1.5 }]] },
      'expected a safe integer (write larger ones as a decimal string) at $.map[0][1].int',
    ],
    [{ int: '12x' }, 'expected an integer (a number, or a decimal string) at $.int'],
    [{ bin64: 'not base64!' }, 'expected base64 at $.bin64'],
    [{ bits: 'Vf8=', bits_in_last: 5 }, 'the unused low bits of the last byte must be zero at $.bits'],
    [{ list: [], tail: { atom: 'x' } }, 'an improper list needs at least one element at $.list'],
    [{ atom: 'a', int: 1 }, 'unexpected key "int" next to "atom" at $'],
    [{ pid: { node: 'a@h', id: -1, serial: 0, creation: 0 } }, 'expected an integer in 0..4294967295 at $.pid.id'],
    [{ ref: { node: 'a@h', creation: 0, ids: [] } }, 'expected 1 to 5 ids at $.ref.ids'],
    [{ list: [{ tuple: [{ float: 'x' }] }] }, 'expected a finite number at $.list[0].tuple[0].float'],
    ['ok', 'expected an object such as {"atom": …} at $'],
  ];
  for (const [json, message] of cases) {
    it(message, () => {
      let error: unknown;
      try {
        fromTypedJson(json);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TypedJsonError);
      expect((error as Error).message).toBe(message);
    });
  }
});
