import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { renderErlang } from '../../src/etf/render/erlang.js';
import { stringifyTypedJson } from '../../src/etf/render/typed-json.js';
import { Atom, ErlMap, ExportFun, Pid, Ref, Tuple, type Term } from '../../src/etf/term.js';
import { erlEval } from '../helpers/erl.js';
import { runs } from '../support/runs.js';
import { TRICKY_ATOM_NAMES, termArbitrary } from './render-term-arbitrary.js';

const a = Atom.of;

/**
 * Sends each term to erl, which answers with its own term_to_binary (so that map pairs come in
 * the order erl prints them) and `io_lib:format("~0tp", [T])`. We decode the former and render it.
 */
async function compareWithErl(terms: readonly Term[]): Promise<Array<{ erl: string; ours: string }>> {
  const results = await erlEval(
    terms.map((t) => ({
      expr: 'T = binary_to_term(Bin), [term_to_binary(T), unicode:characters_to_binary(io_lib:format("~0tp", [T]))]',
      bins: [encode(t)],
    })),
  );
  return results.map((r, i) => {
    if (!r.ok) throw new Error(`erl refused term ${i}: ${r.error}`);
    const [bytes, text] = r.values as [Buffer, Buffer];
    return { erl: text.toString('utf8'), ours: renderErlang(decode(new Uint8Array(bytes)), { pretty: false }) };
  });
}

describe('renderErlang one-line output equals erl ~0tp', () => {
  it('for hand-picked terms: strings, binaries, quoting, escapes, bitstrings, floats', async () => {
    const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
    const terms: Term[] = [
      ErlMap.fromPairs([
        [bin('a'), 1],
        [a('b'), [1, 2]],
      ]),
      [104, 105],
      [20320, 22909],
      [104, 10, 9, 34, 92],
      bin('héllo'),
      bin('你好'),
      Uint8Array.of(99, 97, 102, 233),
      Uint8Array.of(0, 255, 128),
      bin('say "hi"\\\n'),
      new Uint8Array(0),
      ...TRICKY_ATOM_NAMES.filter((n) => !n.startsWith('\ufeff')).map(a),
      a('maybe'),
      a('else'),
      a('receive'),
      a('\u0085'),
      a('\u007f'),
      new Tuple([]),
      new ErlMap([], []),
      [],
      new ExportFun(a('Elixir.Enum'), a('map'), 2),
      new ExportFun(a('lists'), a('reverse'), 1),
    ];
    const results = await compareWithErl(terms);
    for (const { erl, ours } of results) expect(ours).toBe(erl);
  });

  it('for random terms (seeded)', async () => {
    // Terms with an atom starting with U+FEFF are left out: the decoder currently drops a leading
    // U+FEFF from atom names (its TextDecoder strips it as a byte-order mark), so erl's bytes
    // would not come back as the same term. Reported; see typed-json/parse tests for such atoms.
    const wanted = runs(1500);
    const terms = fc
      .sample(termArbitrary(), { seed: 7, numRuns: runs(1600) })
      .filter((t) => !stringifyTypedJson(t).includes('{"atom":"\ufeff'))
      .slice(0, wanted);
    const results = await compareWithErl(terms);
    const mismatches = results.filter((r) => r.ours !== r.erl);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(results.length).toBe(wanted);
  });
});

describe('renderErlang on the captured payloads', () => {
  it('equals erl ~0tp for every fixture, with node indexes blanked in pids and references', async () => {
    const root = new URL('../../fixtures/phoenix/', import.meta.url);
    const files = readdirSync(root).flatMap((dir) =>
      readdirSync(new URL(`${dir}/`, root))
        .filter((f) => f.endsWith('.etf'))
        .map((f) => new Uint8Array(readFileSync(new URL(`${dir}/${f}`, root)))),
    );
    const results = await erlEval(
      files.map((bytes) => ({
        expr: 'unicode:characters_to_binary(io_lib:format("~0tp", [binary_to_term(Bin)]))',
        bins: [bytes],
      })),
    );
    // erl: <20153.398.0> and #Ref<20153.1.2.3>; ours: <a@127.0.0.1.398.0> and #Ref<a@127.0.0.1.1.2.3>.
    const blank = (text: string): string =>
      text.replace(/<([^<>]*)\.(\d+)\.(\d+)>/g, '<N.$2.$3>').replace(/#Ref<[^>]*?((?:\.\d+){3})>/g, '#Ref<N$1>');
    expect(files.length).toBeGreaterThan(150);
    files.forEach((bytes, i) => {
      const r = results[i]!;
      if (!r.ok) throw new Error(r.error);
      expect(blank(renderErlang(decode(bytes), { pretty: false }))).toBe(blank(r.values[0]!.toString('utf8')));
    });
  });
});

describe('renderErlang: what erl cannot show the same way', () => {
  it('prints node names where erl prints a local node index', () => {
    const node = a('a@127.0.0.1');
    expect(
      renderErlang(new Tuple([new Pid(node, 398, 0, 1), new Ref(node, 1, [201943, 2885943297, 3615496611])]), {
        pretty: false,
      }),
    ).toBe('{<a@127.0.0.1.398.0>,#Ref<a@127.0.0.1.3615496611.2885943297.201943>}');
  });

  it('breaks long terms over lines at the given width', () => {
    const term = ErlMap.fromPairs([
      [a('list'), Array.from({ length: 30 }, (_, i) => i * 1000)],
      [a('ok'), a('done')],
    ]);
    const text = renderErlang(term, { width: 40 });
    expect(text).toBe(
      [
        '#{',
        '  list => [0,1000,2000,3000,4000,5000,',
        '    6000,7000,8000,9000,10000,11000,',
        '    12000,13000,14000,15000,16000,17000,',
        '    18000,19000,20000,21000,22000,23000,',
        '    24000,25000,26000,27000,28000,',
        '    29000],',
        '  ok => done',
        '}',
      ].join('\n'),
    );
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
  });
});
