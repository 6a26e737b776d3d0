/**
 * The presence view on traffic of real Phoenix.Tracker nodes (fixtures/tracker/, see its
 * manifest): what it shows must be what the nodes themselves reported through handle_diff/2.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/phoenix/classify.js';
import { PresenceWatch, type PresenceEvent } from '../../src/phoenix/presence/presence-watch.js';
import { trackerCapture, trackerTimeline } from './tracker-captures.js';

async function replay(
  name: string,
  watch = new PresenceWatch(),
): Promise<{ watch: PresenceWatch; events: PresenceEvent[] }> {
  const events: PresenceEvent[] = [];
  for (const m of await trackerCapture(name)) events.push(...watch.observe(classify(m.payload), m.receivedAt));
  return { watch, events };
}

const changes = (events: PresenceEvent[]): string[] =>
  events.flatMap((e) =>
    e.type === 'join' || e.type === 'leave' ? [`${e.type} ${e.presence.topic} ${e.presence.key}`] : [],
  );

function byKey(lines: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of lines) {
    const [type, topic, key] = line.split(' ') as [string, string, string];
    (out[`${topic} ${key}`] ??= []).push(type);
  }
  return out;
}

describe('presence on real tracker traffic: three nodes', () => {
  it('sees the joins and leaves node a reported, in its order for each key', async () => {
    const { events } = await replay('three-nodes.capture');
    // a's own diff log, minus what it hid when c went down: a tracker drops a down replica's
    // presences from its lists (a leave in its diff); the watcher keeps them, marked hidden.
    const reported = trackerTimeline('three-nodes.capture')
      .filter((t) => t.node === 'a@127.0.0.1' && t.what.startsWith('diff '))
      .map((t) => t.what.split(' ').slice(1, 4).join(' '))
      .filter((line) => line !== 'leave room:lobby grace');
    // One heartbeat carries every change of its 1.5 s tick, so changes of different keys made in
    // one tick (a kills alice's process, then tracks dave) arrive together: order per key.
    expect(byKey(changes(events))).toEqual(byKey(reported));
    expect(changes(events)).toHaveLength(13);
  });

  it('ends with dave on a, grace (c) hidden as c is down, b gone by graceful_permdown', async () => {
    const { watch, events } = await replay('three-nodes.capture');
    const shown = watch
      .presences()
      .map((p) => `${p.topic} ${p.key} ${p.replica.name} ${p.hidden ? 'hidden' : 'shown'}`);
    expect(shown).toEqual([
      'room:lobby dave a@127.0.0.1 shown',
      'room:lobby grace c@127.0.0.1 hidden',
      'room:lobby grace c@127.0.0.1 hidden',
    ]);
    expect(watch.presences().map((p) => (p.meta as { size: number }).size)).toEqual([3, 3, 3]);
    const lives = events.flatMap((e) =>
      e.type === 'replica-down' || e.type === 'replica-gone'
        ? [`${e.type} ${e.replica.ref.name} ${e.replica.reason}`]
        : [],
    );
    expect(lives[0]).toMatch(/^replica-down c@127\.0\.0\.1 silent for \d+ s$/);
    expect(lives[1]).toBe('replica-gone b@127.0.0.1 graceful_permdown');
    const statuses = watch.replicas().map((r) => `${r.ref.name} ${r.status} ${r.complete ? 'complete' : 'partial'}`);
    // b's shard restarts after graceful_permdown (a new vsn) and beats once before the node exits.
    expect(statuses).toEqual([
      'a@127.0.0.1 up complete',
      'b@127.0.0.1 gone complete',
      'b@127.0.0.1 up complete',
      'c@127.0.0.1 down complete',
    ]);
    expect(watch.complete()).toBe(true);
    expect(watch.unreadable).toBe(0);
  });

  it('--topic keeps other topics out of the report, not out of the merge', async () => {
    const { watch, events } = await replay(
      'three-nodes.capture',
      new PresenceWatch({ topicFilter: (t) => t === 'room:other' }),
    );
    expect(changes(events)).toEqual(['join room:other frank', 'leave room:other frank']);
    expect(watch.presences()).toEqual([]);
  });

  it('a watcher that starts late is partial until a transfer shows a replica whole', async () => {
    const all = await trackerCapture('three-nodes.capture');
    const watch = new PresenceWatch();
    // From the first delta of a's second heartbeat on: a's first state was missed.
    const late = all.slice(all.findIndex((m) => classify(m.payload).tracker?.type === 'transfer_req'));
    const first = watch.observe(classify(late[0]!.payload), late[0]!.receivedAt);
    expect(first.some((e) => e.type === 'replica-up')).toBe(true);
    expect(watch.replicas().every((r) => !r.complete)).toBe(true);
    for (const m of late.slice(1)) watch.observe(classify(m.payload), m.receivedAt);
    expect(
      watch
        .replicas()
        .filter((r) => r.status !== 'gone')
        .every((r) => r.complete),
    ).toBe(true);
  });
});

describe('presence on real tracker traffic: two nodes sharing one node name', () => {
  it('keeps both web@127.0.0.1 replicas and their presences (a tracker would flap between them)', async () => {
    const { watch } = await replay('duplicate-node-name.capture');
    expect(watch.presences().map((p) => `${p.key} ${p.replica.name}`)).toEqual([
      'user-x@127.0.0.1 web@127.0.0.1',
      'user-y@127.0.0.1 web@127.0.0.1',
      'user-z@127.0.0.1 z@127.0.0.1',
    ]);
    const web = watch.replicas().filter((r) => r.ref.name === 'web@127.0.0.1');
    expect(web.map((r) => r.status)).toEqual(['up', 'up']);
    // z's own log shows the flapping the nodes lived through.
    const zFlaps = trackerTimeline('duplicate-node-name.capture').filter(
      (t) => t.node === 'z@127.0.0.1' && t.what.startsWith('diff leave'),
    );
    expect(zFlaps.length).toBeGreaterThan(3);
  });
});
