import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  specFromFlags,
  type FilterSpec,
  type MessageFilter,
  type SearchText,
} from '../../src/output/filter.js';
import { parseFilterQuery } from '../../src/output/filter-query.js';
import { defaultSearchText, memoizeSearchText } from '../../src/output/search-text.js';
import type { WatchedMessage } from '../../src/output/watched-message.js';
import { bytesMessage, fixtureMessages, manifestNode, type FixtureMessage } from './filter-fixture-messages.js';

const fixtures = fixtureMessages();

function query(text: string, searchText?: SearchText): MessageFilter {
  const { spec, problems } = parseFilterQuery(text);
  expect(problems).toEqual([]);
  const compiled = compileFilter(spec, searchText === undefined ? {} : { searchText });
  expect(compiled.problems).toEqual([]);
  return compiled.filter;
}

function files(filter: MessageFilter, set: readonly FixtureMessage[] = fixtures): string[] {
  return set.filter((f) => filter.matches(f.message)).map((f) => `${f.entry.adapter}/${f.entry.file}`);
}

function filesWhere(pred: (f: FixtureMessage) => boolean): string[] {
  return fixtures.filter(pred).map((f) => `${f.entry.adapter}/${f.entry.file}`);
}

describe('filters over the captured adapter payloads', () => {
  it('has fixtures of both generations to work on', () => {
    expect(fixtures.length).toBeGreaterThan(100);
    expect(new Set(fixtures.map((f) => f.message.classified.envelope?.generation))).toEqual(new Set([1, 3]));
  });

  it('matches topics by glob, as the manifest names them', () => {
    const lobby = files(query('topic:rooms:lobby'));
    expect(lobby).toEqual(filesWhere((f) => f.entry.topic === 'rooms:lobby'));
    expect(lobby.length).toBeGreaterThan(20);
    expect(files(query('topic:rooms:*'))).toEqual(filesWhere((f) => f.entry.topic.startsWith('rooms:')));
    expect(files(query('topic:phx_presence:*'))).toEqual(filesWhere((f) => f.entry.topic.startsWith('phx_presence:')));
    expect(files(query('topic:Rooms:*'))).toEqual([]);
  });

  it('matches the node: v3 node name, v1 sender pid node', () => {
    // Tracker gossip also names its replica's node: checked separately below.
    const plain = fixtures.filter((f) => f.message.classified.kind !== 'tracker');
    for (const node of ['a@127.0.0.1', 'b@127.0.0.1', 'nobody@127.0.0.1']) {
      const expected = plain
        .filter((f) => manifestNode(f.entry) === node)
        .map((f) => `${f.entry.adapter}/${f.entry.file}`);
      const got = files(query(`node:${node}`), plain);
      expect(got).toEqual(expected);
      expect(got.length).toBeGreaterThan(0);
    }
    expect(files(query('node:?@127.0.0.1'))).toEqual(
      files(query('node:a@127.0.0.1 node:b@127.0.0.1 node:c@127.0.0.1')),
    );
  });

  it('matches both ends of a v3 :only Tracker message: the target in the envelope, the sending replica', () => {
    const ack = fixtures.find(
      (f) => f.entry.adapter.endsWith('3.1.0') && f.entry.file === '072-z6-tracker-transfer_ack.etf',
    )!;
    expect(ack.entry.envelope.mode).toEqual({ atom: 'only' });
    const target = manifestNode(ack.entry)!;
    const sender = ack.message.classified.tracker!.replica;
    expect(sender).not.toBe(target);
    expect(ack.entry.inspect).toContain(`{:"${sender}"`);
    expect(query(`node:${target}`).matches(ack.message)).toBe(true);
    expect(query(`node:${sender}`).matches(ack.message)).toBe(true);
    expect(query('node:nobody@*').matches(ack.message)).toBe(false);
  });

  it('matches the v1 node ref and, for v1 Tracker gossip without a from pid, the replica', () => {
    const ack = fixtures.find((f) => f.entry.file === '032-fl-tracker-transfer_ack.etf')!;
    expect(ack.entry.envelope.from_pid).toEqual({ atom: 'none' });
    const replica = ack.message.classified.tracker!.replica;
    expect(ack.entry.inspect).toContain(`{:"${replica}"`);
    expect(query(`node:${replica}`).matches(ack.message)).toBe(true);
    const ref = ack.message.classified.envelope!.node;
    expect(ref).toMatch(/^[0-9a-f]{8}$/);
    expect(query(`node:${ref}`).matches(ack.message)).toBe(true);
    expect(query(`node:${ref.slice(0, 4)}*`).matches(ack.message)).toBe(true);
  });

  it('matches events and kinds; kind is case-insensitive', () => {
    expect(files(query('event:new:msg'))).toEqual(filesWhere((f) => f.entry.inspect.includes('event: "new:msg"')));
    const tracker = filesWhere((f) => f.entry.topic.startsWith('phx_presence:'));
    expect(files(query('kind:tracker'))).toEqual(tracker);
    expect(files(query('kind:TRACKER'))).toEqual(tracker);
    expect(files(query('-kind:tracker'))).toEqual(filesWhere((f) => !f.entry.topic.startsWith('phx_presence:')));
    expect(files(query('kind:term'))).toEqual(filesWhere((f) => f.entry.label.startsWith('raw-')));
  });

  it('matches the channel', () => {
    expect(files(query('channel:*.Adapter'))).toEqual(filesWhere((f) => f.entry.adapter.endsWith('3.1.0')));
  });

  it('searches the rendered message text as inspect shows it, smart-case', () => {
    // Words that occur only inside the application message, never in the envelope fields.
    const words = [
      'hello',
      'Endpoint',
      'endpoint',
      'HELLO via',
      'ünï',
      'custom_event',
      'plain map',
      'row 999',
      '1.0e300',
      'Tracker.State',
      ':ping',
    ];
    for (const word of words) {
      const exact = word !== word.toLowerCase();
      const expected = filesWhere((f) =>
        exact ? f.entry.inspect.includes(word) : f.entry.inspect.toLowerCase().includes(word),
      );
      expect(files(query(`"${word}"`)), word).toEqual(expected);
      if (word !== 'HELLO via') expect(expected.length, word).toBeGreaterThan(0);
    }
    // Lower-case text ignores case; text with a capital is exact.
    expect(files(query('"hello via endpoint"')).length).toBeGreaterThan(0);
    expect(files(query('"Hello via Endpoint"'))).toEqual([]);
  });

  it('ANDs clauses and ORs values within a clause', () => {
    const both = files(query('topic:rooms:lobby event:floats'));
    expect(both).toEqual(filesWhere((f) => f.entry.label === 'floats'));
    const either = files(query('event:floats event:ints'));
    expect(either).toEqual(filesWhere((f) => f.entry.label === 'floats' || f.entry.label === 'integers'));
    expect(files(query('hello u1 -direct'))).toEqual(
      filesWhere((f) => f.entry.inspect.includes('hello') && !f.entry.inspect.includes('direct')),
    );
  });

  it('does the same from CLI flags: repeats OR, different flags AND', () => {
    const spec = specFromFlags({
      event: ['floats', 'ints'],
      topic: ['rooms:*'],
      grep: ['3.14159', '9007199254740993'],
    });
    const { filter, problems } = compileFilter(spec);
    expect(problems).toEqual([]);
    expect(files(filter)).toEqual(filesWhere((f) => f.entry.label === 'floats' || f.entry.label === 'integers'));
    const narrowed = compileFilter({ clauses: [...spec.clauses, ...parseFilterQuery('-ints').spec.clauses] }).filter;
    expect(files(narrowed)).toEqual(filesWhere((f) => f.entry.label === 'floats'));
  });

  it('lets everything through when empty', () => {
    const { filter } = compileFilter({ clauses: [] });
    expect(filter.empty).toBe(true);
    expect(files(filter)).toHaveLength(fixtures.length);
  });
});

describe('undecodable and non-ETF payloads', () => {
  const garbage = bytesMessage(1, new Uint8Array([131, 104, 3, 97]));
  const json = bytesMessage(2, '{"event":"ping","n":12345678901234567890}');
  const text = bytesMessage(3, 'just some text');

  it('names failed decodes kind:error, and they are raw too', () => {
    expect(garbage.classified.error).toBeDefined();
    expect(query('kind:error').matches(garbage)).toBe(true);
    expect(query('kind:raw').matches(garbage)).toBe(true);
    expect(query('kind:error').matches(text)).toBe(false);
    expect(query('kind:raw').matches(text)).toBe(true);
    expect(query('kind:json').matches(json)).toBe(true);
  });

  it('searches JSON as JSON and raw bytes as text', () => {
    expect(json.classified.kind).toBe('json');
    expect(query('"\\"event\\":\\"ping\\""').matches(json)).toBe(true);
    expect(query('"some text"').matches(text)).toBe(true);
    expect(defaultSearchText(text)).toBe('just some text');
  });

  it('has no topic, event or node to match, and negations of them pass', () => {
    expect(query('topic:*').matches(text)).toBe(false);
    expect(query('-topic:*').matches(text)).toBe(true);
    expect(query('-node:*').matches(garbage)).toBe(true);
  });
});

describe('compileFilter', () => {
  it('renders only when a text clause needs it, once per message, after the cheap fields', () => {
    const calls: number[] = [];
    const render: SearchText = (m: WatchedMessage) => {
      calls.push(m.seq);
      return defaultSearchText(m);
    };
    for (const f of fixtures) query('topic:rooms:* kind:broadcast', render).matches(f.message);
    expect(calls).toEqual([]);

    const filter = query('kind:tracker heartbeat -graceful "b@127.0.0.1"', render);
    expect(filter.needsText).toBe(true);
    const matched = fixtures.filter((f) => filter.matches(f.message));
    const trackers = fixtures.filter((f) => f.message.classified.kind === 'tracker');
    // Rendered once for each tracker message (the kind test ran first), never for the others.
    expect(calls).toEqual(trackers.map((f) => f.message.seq));
    expect(matched.length).toBeGreaterThan(0);
  });

  it('reports bad globs and unknown kinds, and leaves those values out', () => {
    const spec: FilterSpec = {
      clauses: [
        { field: 'topic', values: ['rooms:[lobby', 'rooms:other'], negate: false, offsets: [6, 20] },
        { field: 'kind', values: ['traker', 'pres*'], negate: false },
      ],
    };
    const { filter, problems } = compileFilter(spec);
    expect(problems).toEqual([
      { message: 'topic:rooms:[lobby: unclosed [ in pattern', offset: 6 },
      { message: expect.stringContaining('unknown kind "traker"') },
    ]);
    expect(filter.spec.clauses.map((c) => c.values)).toEqual([['rooms:other'], ['pres*']]);
    // What remains: topic rooms:other AND kind presence_diff — no fixture is both.
    expect(files(filter)).toEqual([]);
    const ok = compileFilter({ clauses: [spec.clauses[0]!] }).filter;
    expect(files(ok)).toEqual(filesWhere((f) => f.entry.topic === 'rooms:other'));
  });
});

describe('memoizeSearchText', () => {
  it('renders each message once across filters, except texts too long to keep', () => {
    const rendered: number[] = [];
    const memo = memoizeSearchText(
      (m) => {
        rendered.push(m.seq);
        return defaultSearchText(m);
      },
      { maxLength: 10_000 },
    );
    const large = fixtures.filter((f) => defaultSearchText(f.message).length > 10_000).map((f) => f.message.seq);
    expect(large.length).toBeGreaterThan(0);
    for (const q of ['hello', 'world', '"row 1"']) {
      const filter = query(q, memo);
      expect(files(filter)).toEqual(files(query(q)));
    }
    const small = fixtures.map((f) => f.message.seq).filter((s) => !large.includes(s));
    expect(rendered.filter((s) => small.includes(s))).toEqual(small);
    expect(rendered.filter((s) => large.includes(s))).toEqual([...large, ...large, ...large]);
  });
});
