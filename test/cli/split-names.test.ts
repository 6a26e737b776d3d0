/**
 * split's file names (src/cli/capture/fixture-names.ts) are built from capture content that
 * anyone able to publish controls: whatever the text, the name is a plain file name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureFileName, indexWidth, MAX_NAME_PART, sanitizeNamePart } from '../../src/cli/capture/fixture-names.js';
import { runs } from '../support/runs.js';

const SAFE = /^[A-Za-z0-9._-]*$/;

describe('fixture file names', () => {
  it('names a message by record number, topic and event', () => {
    expect(
      fixtureFileName({
        index: 7,
        width: 4,
        topic: 'room:lobby',
        event: 'new_msg',
        fallback: 'broadcast',
        extension: 'etf',
      }),
    ).toBe('0007-room_lobby-new_msg.etf');
    expect(fixtureFileName({ index: 12345, width: 5, topic: 'rooms:ü€', fallback: 'term', extension: 'etf' })).toBe(
      '12345-rooms.etf',
    );
    expect(fixtureFileName({ index: 3, width: 4, fallback: 'raw', extension: 'bin' })).toBe('0003-raw.bin');
    expect(
      fixtureFileName({ index: 3, width: 4, topic: '../..', event: '/', fallback: 'json', extension: 'json' }),
    ).toBe('0003-json.json');
  });

  it('pads record numbers so that names sort in record order', () => {
    expect(indexWidth(0)).toBe(4);
    expect(indexWidth(9999)).toBe(4);
    expect(indexWidth(10_000)).toBe(5);
    expect(indexWidth(2_000_000)).toBe(7);
  });

  it('reduces any text to [A-Za-z0-9._-] without "..", bounded, not starting or ending in punctuation', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(fc.constantFrom('..', '/', '\\', '\u0000', '.', '-', '_', 'a', 'é', '\u202e', ' '), { maxLength: 200 })
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const part = sanitizeNamePart(t);
        expect(part).toMatch(SAFE);
        expect(part).not.toContain('..');
        expect(part.length).toBeLessThanOrEqual(MAX_NAME_PART);
        expect(part).not.toMatch(/^[._-]|[._-]$/);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('always gives one plain file name of bounded length', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000_000 }),
        fc.option(fc.string({ unit: 'binary', maxLength: 3000 }), { nil: undefined }),
        fc.option(fc.string({ unit: 'binary', maxLength: 3000 }), { nil: undefined }),
        fc.string({ maxLength: 20 }),
        (index, topic, event, fallback) => {
          const name = fixtureFileName({
            index: index + 1,
            width: indexWidth(index + 1),
            topic,
            event,
            fallback,
            extension: 'etf',
          });
          expect(name).toMatch(/^\d+(-[A-Za-z0-9._-]+)*\.etf$/);
          expect(name).not.toContain('..');
          expect(name.length).toBeLessThanOrEqual(120);
        },
      ),
      { numRuns: runs(2000) },
    );
  });
});
