/**
 * What a long-running watcher must not accumulate or allocate, whatever arrives: atoms it saw
 * once, and terms a small payload declares to be huge.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { Atom } from '../../src/etf/term.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the atom table', () => {
  it('lets go of atoms nobody holds (a watcher sees endless distinct atoms), yet keeps identity', async () => {
    const held = Atom.of('held-by-the-test');
    const bytes = Buffer.from([131, 119, 24, ...Buffer.from('x'.repeat(24))]);
    const distinct = 200_000;
    gc();
    await turn();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < distinct; i++) {
      bytes.write(i.toString(36).padStart(8, '0'), 3 + 16);
      decode(bytes);
      // Each message arrives in its own event-loop turn in a watcher; WeakRefs are kept for a turn.
      if (i % 1000 === 0) await turn();
    }
    for (let k = 0; k < 3; k++) {
      await turn();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20)); // finalizers run after collection
    }
    const grown = process.memoryUsage().heapUsed - before;
    // 200 000 atoms of 24 characters held strongly take > 60 MiB (measured); what is left is noise.
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    expect(Atom.of('held-by-the-test')).toBe(held);
    expect(decode(Buffer.from([131, 119, 16, ...Buffer.from('held-by-the-test')]))).toBe(held);
  });
});
