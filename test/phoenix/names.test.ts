/** Label text for atoms, node names and node refs. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Atom, ErlMap, Pid, Tuple } from '../../src/etf/term.js';
import { elixirAtomText, labelText, nodeText, shortNodeRef, termKindText } from '../../src/phoenix/names.js';

/**
 * Every atom in a manifest's term_json that inspect prints as an atom: struct field names are
 * left out (inspect shows `%S{field: …}`, and a MapSet's fields not at all).
 */
function atomsIn(json: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(json)) for (const x of json) atomsIn(x, out);
  else if (typeof json === 'object' && json !== null) {
    if ('atom' in json && typeof json.atom === 'string') out.add(json.atom);
    else if ('map' in json && Array.isArray(json.map)) {
      const pairs = json.map as Array<[unknown, unknown]>;
      const isStruct = pairs.some(
        ([k]) => typeof k === 'object' && k !== null && 'atom' in k && k.atom === '__struct__',
      );
      for (const [k, v] of pairs) {
        if (!isStruct) atomsIn(k, out);
        atomsIn(v, out);
      }
    } else if (!('pid' in json) && !('ref' in json)) for (const v of Object.values(json)) atomsIn(v, out);
  }
  return out;
}

describe('elixirAtomText', () => {
  it('spells every atom of the captures as the real Elixir inspect printed it', () => {
    const dir = new URL('../../fixtures/phoenix/', import.meta.url);
    let checked = 0;
    for (const version of readdirSync(dir)) {
      const manifest = JSON.parse(readFileSync(new URL(`${version}/manifest.json`, dir), 'utf8')) as {
        files: Array<{ inspect: string; term_json: unknown }>;
      };
      for (const { inspect, term_json } of manifest.files) {
        for (const name of atomsIn(term_json, new Set())) {
          // Map keys print as `key:` in keyword style; every other atom as elixirAtomText says.
          const text = elixirAtomText(Atom.of(name));
          const asKey = text.startsWith(':') ? `${text.slice(1)}:` : undefined;
          expect(inspect.includes(text) || (asKey !== undefined && inspect.includes(asKey))).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('covers aliases, nil/true/false, plain and quoted atoms', () => {
    expect(elixirAtomText(Atom.of('Elixir.Phoenix.Channel.Server'))).toBe('Phoenix.Channel.Server');
    expect(elixirAtomText(Atom.of('nil'))).toBe('nil');
    expect(elixirAtomText(Atom.of('true'))).toBe('true');
    expect(elixirAtomText(Atom.of('ets'))).toBe(':ets');
    expect(elixirAtomText(Atom.of('valid?'))).toBe(':valid?');
    expect(elixirAtomText(Atom.of('a@127.0.0.1'))).toBe(':"a@127.0.0.1"');
    expect(elixirAtomText(Atom.of('Elixir.lower'))).toBe(':"Elixir.lower"');
    expect(elixirAtomText(Atom.of('say "hi"'))).toBe(':"say \\"hi\\""');
  });
});

describe('node names and refs', () => {
  it('reads a node name from an atom or a binary, the same text either way', () => {
    expect(nodeText(Atom.of('web1@10.0.0.5'))).toBe('web1@10.0.0.5');
    expect(nodeText(new TextEncoder().encode('web1@10.0.0.5'))).toBe('web1@10.0.0.5');
    expect(nodeText(42)).toBe('42');
    expect(nodeText(new Tuple([]))).toBe('{}');
  });

  it('shows a node ref by its first four bytes, or the integer of adapter 0.1', () => {
    expect(shortNodeRef(Uint8Array.from({ length: 24 }, (_, i) => 0xa0 + i))).toBe('a0a1a2a3');
    expect(shortNodeRef(Uint8Array.of(0x0f))).toBe('0f');
    expect(shortNodeRef(new Uint8Array(0))).toBe('<<>>');
    expect(shortNodeRef(12)).toBe('12');
    expect(shortNodeRef(2n ** 64n)).toBe('18446744073709551616');
  });

  it('labels other terms briefly, without walking into them', () => {
    expect(labelText(Uint8Array.of(0x72, 0xff))).toBe('r\ufffd');
    expect(termKindText(new ErlMap([], []))).toBe('%{}');
    expect(termKindText([1, 2])).toBe('[…]');
    expect(termKindText(new Pid(Atom.of('a@h'), 1, 0, 0))).toBe('#PID<a@h>');
  });
});
