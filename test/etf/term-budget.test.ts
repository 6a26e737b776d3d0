/**
 * The fast path takes inputs of any length, so it must refuse a container that declares more
 * elements than the term budget (maxTerms) has left before allocating it, as the precise reader
 * does: otherwise a 65 KB compressed payload inflating to a 64 MiB list of [] allocates a 64M-slot
 * array (and fills it) before anything gives up.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode, DEFAULT_MAX_TERMS } from '../../src/etf/decode.js';
import { FastReader, GIVE_UP } from '../../src/etf/fast-reader.js';
import { encode } from '../../src/etf/encode.js';
import { ErlMap } from '../../src/etf/term.js';
import { classify, DEFAULT_MAX_TERMS_SHOWN } from '../../src/phoenix/classify.js';

const MiB = 1024 * 1024;

/** `131 80 <size> <zlib>` around the given term body. */
function compressed(body: Buffer): Buffer {
  const head = Buffer.from([131, 80, 0, 0, 0, 0]);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, deflateSync(body, { level: 9 })]);
}

/** Term bodies (no 131) of `size` bytes that declare more terms than the default budget. */
function hostileBodies(size: number): Record<string, Buffer> {
  // One list of size − 6 `[]`.
  const flat = Buffer.alloc(size, 106);
  flat[0] = 108;
  flat.writeUInt32BE(size - 6, 1);
  // A list of 16 lists, each of a sixteenth of the `[]`s.
  const nested = Buffer.alloc(size, 106);
  const inner = Math.floor(size / 16) - 6;
  nested[0] = 108;
  nested.writeUInt32BE(16, 1);
  for (let i = 0; i < 16; i++) {
    const at = 5 + i * (inner + 6);
    nested[at] = 108;
    nested.writeUInt32BE(inner, at + 1);
  }
  // A tuple and a map of `[]`s.
  const tuple = Buffer.alloc(size, 106);
  tuple[0] = 105;
  tuple.writeUInt32BE(size - 5, 1);
  const map = Buffer.alloc(size, 106);
  map[0] = 116;
  map.writeUInt32BE(Math.floor((size - 5) / 2), 1);
  return { flat, nested, tuple, map };
}

describe('the fast path and the term budget', () => {
  it('refuses a container declaring more elements than the terms left, at its header', () => {
    const reader = new FastReader();
    for (const [name, body] of Object.entries(hostileBodies(8 * MiB))) {
      let thrown: unknown;
      try {
        reader.read(body, 0, 10_000, 1_000_000);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, name).toBe(GIVE_UP);
      // Refused at a container's header, none of whose elements was built: the outer one, or
      // (nested) the second inner list of half a million, when only 475 000 terms are left.
      const refusedAt = name === 'nested' ? 5 + (8 * MiB) / 16 : 0;
      expect(reader.position, name).toBeGreaterThanOrEqual(refusedAt);
      expect(reader.position, name).toBeLessThanOrEqual(refusedAt + 5); // its header, no element
    }
    // Within the budget the same shapes decode.
    const small = hostileBodies(1000);
    expect(reader.read(small.flat, 0, 10_000, 995)).toHaveLength(994);
    expect(() => reader.read(small.flat, 0, 10_000, 994)).toThrow();
  });

  it('gives the precise reader’s error for 64 MiB of [] from 65 KB, whatever the shape', () => {
    for (const [name, body] of Object.entries(hostileBodies(64 * MiB))) {
      const payload = compressed(body);
      expect(payload.length, name).toBeLessThan(100_000);
      expect(() => decode(payload), name).toThrow(
        /more than maxTerms 4000000 terms \(raise the maxTerms option to allow it\) at byte [05] of the inflated term/,
      );
      expect(() => decode(payload, { maxTerms: 500_000 }), name).toThrow(/more than maxTerms 500000 terms/);
    }
    expect(DEFAULT_MAX_TERMS).toBe(4_000_000);
  });

  it('lets watch (maxTerms 500 000) decode payloads longer than that on the fast path', () => {
    // Only the fast path shares one key array between maps of the same keys (the precise reader
    // builds each): two maps with one `keys` object tell which reader decoded the payload.
    const row = (i: number): ErlMap =>
      ErlMap.fromPairs([
        [Buffer.from('id'), i],
        [Buffer.from('body'), Buffer.from(`message ${i} `.repeat(4))],
      ]);
    const payload = Buffer.from(encode(Array.from({ length: 20_000 }, (_, i) => row(i))));
    expect(payload.length).toBeGreaterThan(2 * DEFAULT_MAX_TERMS_SHOWN);
    const rows = classify(payload).term as ErlMap[];
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]!.keys).toBe(rows[19_998]!.keys);
    expect(Buffer.from(rows[19_999]!.values[1] as Uint8Array).toString()).toBe('message 19999 '.repeat(4));
  });

  it('keeps a process decoding one under 384 MB of peak RSS (built code, child process)', () => {
    // The built decoder in a fresh process, so that the peak RSS is this decode's alone. Measured:
    // 240 MB (Node, the 64 MiB body, the inflated 64 MiB and zlib's chunks of it); without the
    // up-front refusal the 64M-slot array and its elements took it to 650 MB.
    const decodeJs = fileURLToPath(new URL('../../dist/etf/decode.js', import.meta.url));
    const script = `
      const { decode } = await import(${JSON.stringify(decodeJs)});
      const { deflateSync } = await import('node:zlib');
      const size = 64 * 1024 * 1024;
      const flat = Buffer.alloc(size, 106);
      flat[0] = 108;
      flat.writeUInt32BE(size - 6, 1);
      const head = Buffer.from([131, 80, 0, 0, 0, 0]);
      head.writeUInt32BE(size, 2);
      const payload = Buffer.concat([head, deflateSync(flat, { level: 1 })]);
      let error = '';
      try { decode(payload); } catch (e) { error = e.message; }
      // VmHWM: this process's own peak (getrusage's maxrss keeps the forking parent's across exec).
      const { readFileSync } = await import('node:fs');
      const hwm = /VmHWM:\\s*(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
      console.log(JSON.stringify({ error, maxRSS: Number(hwm[1]) * 1024 }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    const { error, maxRSS } = JSON.parse(out) as { error: string; maxRSS: number };
    expect(error).toMatch(/more than maxTerms 4000000 terms/);
    expect(maxRSS).toBeLessThan(384 * MiB);
  });
});
