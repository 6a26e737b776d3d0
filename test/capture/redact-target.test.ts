import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { decodeCaptureBytes, redactTarget } from '../../src/capture/index.js';

describe('redactTarget', () => {
  it.each([
    ['redis://127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
    ['redis://:secret@127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://alice:secret@cache:6380/2', 'rediss://cache:6380/2'],
    ['redis://secret@cache', 'redis://cache'],
    ['redis://:p@ss@cache:6379/1', 'redis://cache:6379/1'],
    ['redis://cache:6379?password=secret&db=1', 'redis://cache:6379?password=***&db=1'],
    ['REDIS://:secret@cache', 'REDIS://cache'],
    ['sentinel://:secret@s1:26379, redis://:other@h', 'sentinel://s1:26379, redis://h'],
    ['127.0.0.1:6379', '127.0.0.1:6379'],
  ])('%s → %s', (input, expected) => {
    expect(redactTarget(input)).toBe(expected);
  });

  it('also applies to headers read from captures written by other tools', () => {
    const bytes = encode({ format: 'redis-print-capture', version: 1, target: 'redis://:hunter2@h:6379' });
    const { segments } = decodeCaptureBytes(bytes);
    expect(segments[0]!.header.target).toBe('redis://h:6379');
  });
});
