import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, type Glob } from '../../src/output/glob.js';
import { runs } from '../support/runs.js';

function glob(pattern: string, ignoreCase = false): Glob {
  const r = compileGlob(pattern, { ignoreCase });
  if (!r.ok) throw new Error(`unexpected glob error: ${r.error.message}`);
  return r.glob;
}

describe('compileGlob', () => {
  it('matches the whole value, never a part of it', () => {
    const g = glob('rooms:lobby');
    expect(g.literal).toBe(true);
    expect(g.test('rooms:lobby')).toBe(true);
    expect(g.test('rooms:lobby2')).toBe(false);
    expect(g.test('xrooms:lobby')).toBe(false);
    expect(glob('lobby').test('rooms:lobby')).toBe(false);
  });

  it('lets * cross colons (topics are not paths) and match nothing', () => {
    const g = glob('rooms:*');
    expect(g.literal).toBe(false);
    expect(g.test('rooms:')).toBe(true);
    expect(g.test('rooms:lobby:sub')).toBe(true);
    expect(g.test('room:lobby')).toBe(false);
    expect(glob('*:lobby').test('a:b:lobby')).toBe(true);
    expect(glob('*').test('')).toBe(true);
    expect(glob('a*b*c').test('abc')).toBe(true);
    expect(glob('a*b*c').test('acb')).toBe(false);
  });

  it('takes ? as exactly one character, counting code points', () => {
    expect(glob('user:?').test('user:7')).toBe(true);
    expect(glob('user:?').test('user:')).toBe(false);
    expect(glob('user:?').test('user:42')).toBe(false);
    expect(glob('x?y').test('x🎉y')).toBe(true);
    expect(glob('x??y').test('x🎉y')).toBe(false);
  });

  it('supports classes, ranges and their negation', () => {
    expect(glob('shard[0-3]').test('shard2')).toBe(true);
    expect(glob('shard[0-3]').test('shard4')).toBe(false);
    expect(glob('[abc]@host').test('b@host')).toBe(true);
    expect(glob('[!abc]@host').test('b@host')).toBe(false);
    expect(glob('[^abc]@host').test('d@host')).toBe(true);
    // A ] right after [ is a member, as in shells.
    expect(glob('[]x]').test(']')).toBe(true);
    expect(glob('[a-]').test('-')).toBe(true);
    expect(glob('[ü-ü]').test('ü')).toBe(true);
  });

  it('escapes wildcards with a backslash', () => {
    const g = glob('a\\*b');
    expect(g.literal).toBe(true);
    expect(g.test('a*b')).toBe(true);
    expect(g.test('axb')).toBe(false);
    expect(glob('\\[x\\]').test('[x]')).toBe(true);
    expect(glob('[\\]]').test(']')).toBe(true);
  });

  it('is case-sensitive unless asked otherwise', () => {
    expect(glob('Rooms:*').test('rooms:1')).toBe(false);
    expect(glob('Rooms:*', true).test('rooms:1')).toBe(true);
    expect(glob('TRACKER', true).test('tracker')).toBe(true);
  });

  it('reports malformed patterns with their offset', () => {
    const unclosed = compileGlob('ab[cd');
    expect(unclosed).toEqual({ ok: false, error: { message: 'unclosed [ in pattern', offset: 2 } });
    const lone = compileGlob('abc\\');
    expect(lone.ok).toBe(false);
    if (!lone.ok) expect(lone.error.offset).toBe(3);
    const backwards = compileGlob('x[z-a]');
    expect(backwards.ok).toBe(false);
    if (!backwards.ok) expect(backwards.error).toEqual({ message: 'empty range z-a in [...]', offset: 1 });
  });

  it('answers hostile patterns without exponential backtracking', () => {
    const value = 'a'.repeat(20_000);
    expect(glob('*a*a*a*a*a*a*a*a*b').test(value)).toBe(false);
    expect(glob('*a*a*a*a*a*a*a*a*a').test(value)).toBe(true);
  });

  it('agrees with an equivalent regular expression on random patterns', () => {
    const patternChar = fc.constantFrom('a', 'b', ':', '*', '?', '[ab]', '[!a]');
    const valueChar = fc.constantFrom('a', 'b', 'c', ':');
    const toRegExp = (parts: string[]): RegExp =>
      new RegExp(
        '^' +
          parts
            .map((p) => (p === '*' ? '.*' : p === '?' ? '.' : p === '[ab]' ? '[ab]' : p === '[!a]' ? '[^a]' : p))
            .join('') +
          '$',
        's',
      );
    fc.assert(
      fc.property(fc.array(patternChar, { maxLength: 8 }), fc.array(valueChar, { maxLength: 10 }), (parts, chars) => {
        const value = chars.join('');
        expect(glob(parts.join('')).test(value)).toBe(toRegExp(parts).test(value));
      }),
      { numRuns: runs(2000) },
    );
  });
});
