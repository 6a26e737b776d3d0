import { encode, ExtData } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidMsgpackByteError, msgpackValueEnd } from '../../src/capture/msgpack-extent.js';
import { runs } from '../support/runs.js';

const leaf = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 400 }), // str8 / str16
  fc.uint8Array({ maxLength: 300 }), // bin8 / bin16
  fc
    .integer({ min: -128, max: 127 })
    .chain((type) => fc.uint8Array({ maxLength: 20 }).map((d) => new ExtData(type, d))),
  fc.date({ noInvalidDate: true }), // the timestamp extension
);

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 20 }), // fixarray and array16
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 20 }), // fixmap and map16
  ),
})).value;

describe('msgpackValueEnd', () => {
  it('finds the exact end of any encoded value, wherever it starts and whatever follows', () => {
    fc.assert(
      fc.property(value, fc.uint8Array({ maxLength: 5 }), fc.uint8Array({ maxLength: 5 }), (v, before, after) => {
        const encoded = encode(v);
        const bytes = new Uint8Array([...before, ...encoded, ...after]);
        expect(msgpackValueEnd(bytes, before.length, bytes.length)).toBe(before.length + encoded.length);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('reports every cut-off prefix as incomplete, with a lower bound of the true end', () => {
    fc.assert(
      fc.property(value, fc.nat(), (v, seed) => {
        const encoded = encode(v);
        const cut = seed % encoded.length; // 0 … length-1 bytes present
        const end = msgpackValueEnd(encoded, 0, cut);
        expect(end).toBeGreaterThan(cut);
        expect(end).toBeLessThanOrEqual(encoded.length);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('handles the 32-bit length forms', () => {
    const bigBin = encode(new Uint8Array(70_000));
    expect(bigBin[0]).toBe(0xc6);
    expect(msgpackValueEnd(bigBin, 0, bigBin.length)).toBe(bigBin.length);
    const bigArray = encode(new Array(70_000).fill(1));
    expect(bigArray[0]).toBe(0xdd);
    expect(msgpackValueEnd(bigArray, 0, bigArray.length)).toBe(bigArray.length);
    const bigString = encode('x'.repeat(70_000));
    expect(bigString[0]).toBe(0xdb);
    expect(msgpackValueEnd(bigString, 0, bigString.length)).toBe(bigString.length);
  });

  it('reads declared lengths of 2^31 and more as positive, without allocating', () => {
    const bin = new Uint8Array([0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2]);
    expect(msgpackValueEnd(bin, 0, bin.length)).toBe(5 + 0xffffffff);
    const str = new Uint8Array([0xdb, 0x80, 0x00, 0x00, 0x00]);
    expect(msgpackValueEnd(str, 0, str.length)).toBe(5 + 0x80000000);
    // An array declaring 2^32−1 elements needs at least one byte per element.
    const array = new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(msgpackValueEnd(array, 0, array.length)).toBe(6 + 0xffffffff - 1);
    const map = new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff]);
    expect(msgpackValueEnd(map, 0, map.length)).toBe(5 + 2 * 0xffffffff);
  });

  it('counts a cut length field and each element still missing', () => {
    // bin16 whose length field lacks a byte: header of 3, body unknown.
    expect(msgpackValueEnd(new Uint8Array([0xc5, 0x01]), 0, 2)).toBe(3);
    // [uint16 cut, <missing>]: 1 (array) + 3 (uint16) + at least 1 for the second element.
    expect(msgpackValueEnd(new Uint8Array([0x92, 0xcd]), 0, 2)).toBe(5);
    // bin8 of 200 with 10 body bytes present: exactly 2 + 200.
    expect(msgpackValueEnd(new Uint8Array([0xc4, 200, ...new Uint8Array(10)]), 0, 12)).toBe(202);
  });

  it('rejects 0xc1 with its offset, also when nested', () => {
    const nested = new Uint8Array([0x00, 0x93, 0x01, 0x02, 0xc1]);
    expect(() => msgpackValueEnd(nested, 1, nested.length)).toThrow(InvalidMsgpackByteError);
    try {
      msgpackValueEnd(nested, 1, nested.length);
    } catch (err) {
      expect((err as InvalidMsgpackByteError).offset).toBe(4);
      expect((err as Error).message).toBe('0xc1 is not a MessagePack type byte');
    }
  });
});
