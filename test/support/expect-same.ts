/**
 * `expect(actual).toEqual(expected)`, with node's deep strict equality tried first: vitest's
 * toEqual is slow on big values in tight loops (seconds for the fixture terms), and strict
 * equality implies toEqual. On a mismatch toEqual still runs, so the failure reads the same.
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';

export function expectSame(actual: unknown, expected: unknown, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, message).toEqual(expected);
}
