import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { inspect } from '../../src/etf/render/inspect.js';
import { ErlMap, Tuple, type Term } from '../../src/etf/term.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';

const fixturesRoot = new URL('../../fixtures/phoenix/', import.meta.url);

interface ManifestEntry {
  file: string;
  inspect: string;
}

const sets = readdirSync(fixturesRoot).map((dir) => {
  const base = new URL(`${dir}/`, fixturesRoot);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', base), 'utf8')) as { files: ManifestEntry[] };
  return { dir, base, entries: manifest.files };
});

/**
 * Elixir prints a remote pid/ref with the node's index in the inspecting VM's table
 * (`#PID<20153.398.0>`); we print the node name there (`#PID<a@127.0.0.1.398.0>`). Compare with
 * that one field blanked: keep the trailing numbers (2 for a pid, 1 for a port, the 3 id words of
 * an OTP 23+ reference) and replace what comes before them.
 */
const TRAILING_FIELDS: Record<string, number> = { PID: 2, Port: 1, Reference: 3 };

function normaliseNodes(text: string): string {
  return text.replace(/#(PID|Reference|Port)<([^>]*)>/g, (_m, kind: string, inner: string) => {
    const numbers = inner.split('.').slice(-TRAILING_FIELDS[kind]!);
    return `#${kind}<N.${numbers.join('.')}>`;
  });
}

describe('inspect reproduces what Elixir 1.14 printed for every captured payload', () => {
  for (const { dir, base, entries } of sets) {
    it(`${dir}: all ${entries.length} manifest entries`, () => {
      expect(entries.length).toBeGreaterThan(70);
      let withNodes = 0;
      for (const entry of entries) {
        const term = decode(new Uint8Array(readFileSync(new URL(entry.file, base))));
        const ours = inspect(term, { structs: PHOENIX_STRUCTS });
        if (/#(PID|Reference|Port)</.test(entry.inspect)) {
          withNodes++;
          expect(normaliseNodes(ours), entry.file).toBe(normaliseNodes(entry.inspect));
          expect(ours, entry.file).not.toBe(entry.inspect); // we really print the node name
        } else {
          expect(ours, entry.file).toBe(entry.inspect);
        }
      }
      expect(withNodes).toBeGreaterThan(0);
    });
  }
});

function findForty(term: Term): ErlMap {
  // {3, :except, node, topic, %Broadcast{payload: forty}, dispatcher} or the v1 7-tuple.
  const envelope = term as Tuple;
  const broadcast = envelope.elements[envelope.length === 6 ? 4 : 6] as ErlMap;
  const payload = [...broadcast.keys.entries()].find(([, k]) => String(k) === 'payload')!;
  return broadcast.values[payload[0]] as ErlMap;
}

describe('the 40-key map (a HAMT on the sending VM)', () => {
  it('is printed by Elixir in the order its pairs came on the wire', () => {
    for (const { base, entries } of sets) {
      const entry = entries.find((e) => e.file.includes('forty-key-map'))!;
      const forty = findForty(decode(new Uint8Array(readFileSync(new URL(entry.file, base)))));
      expect(forty.size).toBe(40);
      const wireKeys = forty.keys.map((k) => new TextDecoder().decode(k as Uint8Array));
      const printedKeys = [...entry.inspect.matchAll(/"(key_\d\d)" =>/g)].map((m) => m[1]);
      expect(printedKeys).toEqual(wireKeys);
      // ...and that order is not sorted, so this really tests wire order.
      expect(wireKeys).not.toEqual([...wireKeys].sort());
    }
  });
});
