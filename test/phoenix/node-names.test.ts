/**
 * NodeNameResolver: a 2.x node's short ref gets the Erlang node name one of its messages told,
 * on every later message of that ref; bounded memory.
 */
import { describe, expect, it } from 'vitest';
import type { Classified, Envelope } from '../../src/phoenix/classified.js';
import { nodeOf } from '../../src/phoenix/classify.js';
import { NodeNameResolver } from '../../src/phoenix/node-names.js';

function v1(ref: string, extra: Partial<Envelope> = {}, tracker?: string): Classified {
  const envelope: Envelope = {
    generation: 1,
    shape: 'v1/fastlane',
    mode: 'all',
    node: ref,
    topic: 't',
    dispatcher: null,
    compressed: false,
    ...extra,
  };
  const c: Classified = { kind: 'term', bytes: 1, envelope };
  if (tracker !== undefined) c.tracker = { type: 'heartbeat', replica: tracker, vsn: '1', empty: true };
  return c;
}

describe('NodeNameResolver', () => {
  it('names a ref after a from pid or a tracker replica told it, and not before', () => {
    const r = new NodeNameResolver();
    const before = v1('0a0b0c0d');
    r.resolve(before);
    expect(nodeOf(before)).toBe('0a0b0c0d');

    r.resolve(v1('0a0b0c0d', {}, 'c@host')); // tracker gossip of that node
    const after = v1('0a0b0c0d');
    r.resolve(after);
    expect(after.envelope?.nodeName).toBe('c@host');
    expect(after.envelope?.node).toBe('0a0b0c0d'); // the ref stays
    expect(nodeOf(after)).toBe('c@host');

    r.resolve(v1('11111111', { fromNode: 'd@host' }));
    const other = v1('11111111');
    r.resolve(other);
    expect(nodeOf(other)).toBe('d@host');
    const unknown = v1('22222222');
    r.resolve(unknown);
    expect(nodeOf(unknown)).toBe('22222222');
  });

  it('leaves v3 envelopes alone (they carry the name) and keeps at most `capacity` refs', () => {
    const r = new NodeNameResolver(3);
    const v3: Classified = {
      kind: 'term',
      bytes: 1,
      envelope: {
        generation: 3,
        shape: 'v3',
        mode: 'except',
        node: 'a@h',
        topic: 't',
        dispatcher: null,
        compressed: false,
      },
    };
    r.resolve(v3);
    expect(v3.envelope?.nodeName).toBeUndefined();
    for (let i = 0; i < 10; i++) r.resolve(v1(`ref${i}`, { fromNode: `n${i}@h` }));
    expect(r.size).toBe(3);
    const oldest = v1('ref0');
    r.resolve(oldest);
    expect(oldest.envelope?.nodeName).toBeUndefined();
    const newest = v1('ref9');
    r.resolve(newest);
    expect(newest.envelope?.nodeName).toBe('n9@h');
  });
});
