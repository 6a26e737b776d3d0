/**
 * Real adapter payloads captured from Elixir 1.14 / OTP 25 nodes (phoenix_pubsub_redis 3.1.0 and
 * 2.1.8). Each manifest carries the term as Elixir saw it (`term_json`), which we compare with our
 * decoding, and the payloads are OTP 25 `term_to_binary` output, which `minorVersion: 1` must
 * re-create byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeDetailed } from '../../src/etf/decode.js';
import { encode } from '../../src/etf/encode.js';
import { Atom, BitBinary, ErlFloat, ErlMap, ImproperList, Pid, Ref, Tuple, type Term } from '../../src/etf/term.js';

const root = new URL('../../fixtures/phoenix/', import.meta.url);

interface ManifestEntry {
  file: string;
  compression_level: number;
  wire_compressed: boolean;
  term_json: unknown;
}

const sets = readdirSync(root).map((dir) => {
  const manifest = JSON.parse(readFileSync(new URL(`${dir}/manifest.json`, root), 'utf8')) as {
    files: ManifestEntry[];
  };
  return {
    dir,
    entries: manifest.files.map((entry) => ({ ...entry, bytes: readFileSync(new URL(`${dir}/${entry.file}`, root)) })),
  };
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Our Term in the manifest's JSON mapping; map pairs sorted by key so that order does not matter. */
function manifestJson(t: Term): unknown {
  if (typeof t === 'number') return t;
  if (typeof t === 'bigint') return Number.isSafeInteger(Number(t)) ? Number(t) : { bigint: t.toString() };
  if (t instanceof ErlFloat) return t.value;
  if (t instanceof Atom) return { atom: t.name };
  if (t instanceof Uint8Array) {
    try {
      return utf8.decode(t);
    } catch {
      return { binary_base64: Buffer.from(t).toString('base64') };
    }
  }
  if (t instanceof BitBinary) {
    return { bits: (t.bytes.length - 1) * 8 + t.bitsInLast, bitstring_base64: Buffer.from(t.bytes).toString('base64') };
  }
  if (Array.isArray(t)) return t.map(manifestJson);
  if (t instanceof ImproperList) return { improper_list: t.elements.map(manifestJson), tail: manifestJson(t.tail) };
  if (t instanceof Tuple) return { tuple: t.elements.map(manifestJson) };
  if (t instanceof ErlMap)
    return { map: sortPairs(t.keys.map((k, i) => [manifestJson(k), manifestJson(t.values[i]!)])) };
  if (t instanceof Pid) return { pid: { node: t.node.name, id: t.id, serial: t.serial, creation: t.creation } };
  if (t instanceof Ref) return { ref: { node: t.node.name, creation: t.creation, ids: t.ids } };
  throw new Error(`no manifest mapping for ${String(t)}`);
}

function sortPairs(pairs: unknown[][]): unknown[][] {
  return [...pairs].sort((a, b) => (JSON.stringify(a[0]) < JSON.stringify(b[0]) ? -1 : 1));
}

/** The manifest's own JSON with its map pairs sorted the same way. */
function normalised(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(normalised);
  if (json !== null && typeof json === 'object') {
    const entries = Object.entries(json).map(([k, v]) => [k, normalised(v)] as const);
    const record = Object.fromEntries(entries) as Record<string, unknown>;
    if ('map' in record) record.map = sortPairs(record.map as unknown[][]);
    return record;
  }
  return json;
}

describe.each(sets)('fixtures of $dir', ({ entries }) => {
  it('has payloads to check', () => {
    expect(entries.length).toBeGreaterThan(30);
  });

  it('decodes every payload to the term Elixir printed', () => {
    for (const entry of entries) {
      const result = decodeDetailed(entry.bytes);
      expect(result.compressed, entry.file).toBe(entry.wire_compressed);
      expect(result.trailing, entry.file).toBe(0);
      expect(manifestJson(result.term), entry.file).toEqual(normalised(entry.term_json));
    }
  });

  it('re-encodes every payload byte for byte with minorVersion 1 (OTP 25)', () => {
    for (const entry of entries) {
      const result = decodeDetailed(entry.bytes);
      const plain = result.inflated ? Buffer.concat([Buffer.from([131]), result.inflated]) : entry.bytes;
      expect(Buffer.from(encode(result.term, { minorVersion: 1 })).equals(plain), entry.file).toBe(true);
    }
  });

  it('re-compresses at the captured level to the same content and the same choice', () => {
    for (const entry of entries.filter((e) => e.compression_level > 0)) {
      const { term } = decodeDetailed(entry.bytes);
      const ours = Buffer.from(encode(term, { minorVersion: 1, compressed: entry.compression_level }));
      expect(ours[1] === 80, entry.file).toBe(entry.wire_compressed);
      if (entry.wire_compressed) {
        expect(inflateSync(ours.subarray(6)).equals(inflateSync(entry.bytes.subarray(6))), entry.file).toBe(true);
      } else {
        expect(ours.equals(entry.bytes), entry.file).toBe(true);
      }
    }
  });
});
