/**
 * validateForPublish: every rule, each with a payload a real node would mishandle, and the
 * captured real traffic — which must all pass.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/etf/encode.js';
import { Atom, ErlFloat, Tuple, atoms, type Term } from '../../src/etf/term.js';
import { broadcastStruct, buildV1, buildV3 } from '../../src/phoenix/build.js';
import type { EnvelopeShape } from '../../src/phoenix/classified.js';
import { receiversOf, type Receivers } from '../../src/phoenix/receivers.js';
import { validateForPublish } from '../../src/phoenix/validate.js';

const V3 = 'phx:Elixir.Chat.PubSub.Adapter';
const V1 = 'phx:Elixir.Chat.PubSub';
const pubsub = Atom.of('Elixir.Phoenix.PubSub');
const channelServer = Atom.of('Elixir.Phoenix.Channel.Server');
const text = (s: string) => new TextEncoder().encode(s);
const etf = (t: Term) => new Uint8Array(encode(t, { minorVersion: 1 }));
const message = broadcastStruct('room:1', 'new_msg', text('hi'));
const v3 = (over: Partial<Parameters<typeof buildV3>[0]> = {}) =>
  etf(
    buildV3({
      mode: 'except',
      node: Atom.of('redis-print@box'),
      topic: 'room:1',
      message,
      dispatcher: channelServer,
      ...over,
    }),
  );
const v1 = (shape: 5 | 6 | 7, over: Partial<Parameters<typeof buildV1>[0]> = {}) =>
  etf(buildV1({ shape, fastlane: channelServer, topic: 'room:1', message, ...over }));
/** A v3 / v1 7-tuple with one element replaced by an arbitrary term. */
const v3With = (index: number, value: Term) => {
  const e = buildV3({
    mode: 'only',
    node: Atom.of('a@h'),
    topic: 'room:1',
    message,
    dispatcher: pubsub,
  }).elements.slice();
  e[index] = value;
  return etf(new Tuple(e));
};
const v1With = (index: number, value: Term) => {
  const e = buildV1({ shape: 7, fastlane: atoms.nil, topic: 'room:1', message }).elements.slice();
  e[index] = value;
  return etf(new Tuple(e));
};

/** Receivers on `channel` as traffic showed them: `heard(V1, 'v1/pool')`. */
function heard(channel: string, ...shapes: EnvelopeShape[]): { receivers: Receivers } {
  const counts = Object.fromEntries(shapes.map((s) => [s, 2]));
  return { receivers: receiversOf(channel, { channel, shapes: counts, source: 'in 2 s of listening' }) };
}

function problemsOf(payload: Uint8Array, channel: string, target?: Parameters<typeof validateForPublish>[2]): string[] {
  const result = validateForPublish(payload, channel, target);
  return result.ok ? [] : result.problems;
}

describe('validateForPublish accepts', () => {
  it('every captured real message on its own channel', () => {
    const dir = new URL('../../fixtures/phoenix/', import.meta.url);
    let count = 0;
    for (const version of readdirSync(dir)) {
      const manifest = JSON.parse(readFileSync(new URL(`${version}/manifest.json`, dir), 'utf8')) as {
        files: Array<{ file: string; channel: string }>;
      };
      for (const { file, channel } of manifest.files) {
        const result = validateForPublish(new Uint8Array(readFileSync(new URL(`${version}/${file}`, dir))), channel);
        expect({ file, problems: result.ok ? [] : result.problems }).toEqual({ file, problems: [] });
        count++;
      }
    }
    expect(count).toBeGreaterThan(150);
  });

  it('what build makes for each generation, and returns the classification', () => {
    const result = validateForPublish(v3(), V3);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.classified).toMatchObject({ kind: 'broadcast', envelope: { shape: 'v3' } });
    expect(problemsOf(v3({ mode: 'only', node: text('web1'), dispatcher: pubsub }), V3)).toEqual([]);
    expect(problemsOf(v1(7), V1)).toEqual([]);
    expect(problemsOf(v1(7, { fastlane: atoms.nil, poolSize: 8 }), V1)).toEqual([]);
  });

  it('the older v1 shapes only when traffic on the channel shows nodes that speak them', () => {
    expect(problemsOf(v1(6), V1, heard(V1, 'v1/pool'))).toEqual([]);
    expect(problemsOf(v1(5), V1, heard(V1, 'v1/legacy'))).toEqual([]);
    expect(problemsOf(v1(5, { nodeRef: 3 }), V1, heard(V1, 'v1/legacy'))).toEqual([]);
  });

  it('compressed payloads', () => {
    const term = buildV3({
      mode: 'except',
      node: Atom.of('x@y'),
      topic: 'room:1',
      message: text('a'.repeat(500)),
      dispatcher: pubsub,
    });
    const compressed = new Uint8Array(encode(term, { compressed: 6 }));
    expect(compressed[1]).toBe(80);
    expect(problemsOf(compressed, V3)).toEqual([]);
  });
});

describe('validateForPublish refuses', () => {
  it('bytes that are not ETF: every node crashes in binary_to_term', () => {
    const good = v3();
    const brokenZlib = new Uint8Array(
      encode(
        buildV3({
          mode: 'except',
          node: Atom.of('x@y'),
          topic: 't',
          message: text('a'.repeat(500)),
          dispatcher: pubsub,
        }),
        { compressed: 6 },
      ),
    );
    brokenZlib[12] ^= 0x55;
    const cases = [
      text('hello'),
      text('{"event":"x"}'),
      encodeMsgpack([1, 2]),
      good.subarray(0, good.length - 3),
      brokenZlib,
      new Uint8Array(0),
    ];
    for (const payload of cases) {
      for (const channel of [V3, V1]) {
        const problems = problemsOf(payload, channel);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/not (valid )?Erlang External Term Format|not Erlang External Term Format/);
        expect(problems[0]).toMatch(/crashes its Redis process \(ArgumentError from binary_to_term\)/);
      }
    }
    expect(problemsOf(text('{"a":1}'), V3)[0]).toMatch(/is json, not Erlang/);
    expect(problemsOf(good.subarray(0, 20), V3)[0]).toMatch(/not valid Erlang External Term Format \(.+at byte \d+/);
  });

  it('a term that is no envelope: ignored by 3.x, MatchError on 2.1.x', () => {
    const bare = etf(message);
    expect(problemsOf(bare, V3)).toEqual([
      expect.stringMatching(/not an adapter envelope .*: a 3\.x node ignores it silently/),
    ]);
    expect(problemsOf(bare, V1)).toEqual([
      expect.stringMatching(/2\.1\.2–2\.1\.8 node matches only 7-tuples and crashes .*MatchError/),
    ]);
    // {3, :everyone, …} is no v3 envelope either.
    const badMode = etf(new Tuple([3, Atom.of('everyone'), Atom.of('a@h'), text('t'), atoms.nil, pubsub]));
    expect(problemsOf(badMode, V3)[0]).toMatch(/ignores it silently/);
  });

  it('the other generation’s envelope', () => {
    expect(problemsOf(v1(7), V3)).toEqual([
      expect.stringMatching(
        /v1\/fastlane envelope .* but the nodes on phx:Elixir\.Chat\.PubSub\.Adapter speak v3 .*by the channel name: ….Adapter is adapter 3\.x\): a 3\.x node ignores it silently/,
      ),
    ]);
    expect(problemsOf(v3(), V1)).toEqual([
      expect.stringMatching(/v3 envelope .* speak v1\/fastlane .*crashes its Redis process with MatchError/),
    ]);
    // Traffic beats the name: v3 heard on a channel without .Adapter, v1 heard on one with it.
    expect(problemsOf(v3(), V1, heard(V1, 'v3'))).toEqual([]);
    expect(problemsOf(v3(), V3, heard(V3, 'v1/fastlane'))).toEqual([
      expect.stringMatching(/speak v1\/fastlane .*heard 2 v1\/fastlane envelopes on phx:Elixir\.Chat\.PubSub\.Adapter/),
    ]);
    expect(problemsOf(v3(), V1, heard(V1, 'v1/pool'))).toEqual([
      expect.stringMatching(/takes the node name for pool_size and crashes/),
    ]);
  });

  it('the 6- and 5-tuples on a v1 channel no traffic confirms, saying why', () => {
    const six = problemsOf(v1(6), V1);
    expect(six).toEqual([
      expect.stringMatching(
        /v1\/pool envelope .*2\.1\.2–2\.1\.8 node crashes .*MatchError .*only 7-tuples.*no traffic on phx:Elixir\.Chat\.PubSub shows adapter 2\.0\.0–2\.1\.1 nodes.*--force/,
      ),
    ]);
    expect(problemsOf(v1(5), V1)).toEqual([
      expect.stringMatching(/v1\/legacy envelope .*MatchError.*adapter 0\.x–1\.0/),
    ]);
    // Receivers heard speaking the 5-tuple are held to it.
    expect(problemsOf(v1(7), V1, heard(V1, 'v1/legacy'))).toEqual([
      expect.stringMatching(/0\.x–1\.0 node crashes .*only 5-tuples/),
    ]);
  });

  it('a channel where mixed releases talk: the payload must suit every one', () => {
    expect(problemsOf(v1(7), V1, heard(V1, 'v1/fastlane', 'v1/pool'))).toEqual([
      expect.stringMatching(/v1\/fastlane envelope .*speak v1\/pool .*2\.0\.0–2\.1\.1 node crashes/),
    ]);
    expect(problemsOf(v1(6), V1, heard(V1, 'v1/fastlane', 'v1/pool'))).toEqual([
      expect.stringMatching(/v1\/pool envelope .*speak v1\/fastlane .*2\.1\.2–2\.1\.8 node crashes/),
    ]);
  });

  it('v3: a node that is neither atom nor binary', () => {
    expect(problemsOf(v3With(2, 42), V3)).toEqual([
      expect.stringMatching(
        /node element is the integer 42, not an atom or a binary: .*:except reaches every node and :only reaches none/,
      ),
    ]);
  });

  it('v3: a topic that is not a binary (FunctionClauseError)', () => {
    expect(problemsOf(v3With(3, [114, 111]), V3)).toEqual([
      expect.stringMatching(/topic is a list, not a binary: a 3\.x node crashes .*FunctionClauseError/),
    ]);
  });

  it('v3: a dispatcher that is not an atom, or not a known safe module', () => {
    expect(problemsOf(v3With(5, text('Phoenix.PubSub')), V3)).toEqual([
      expect.stringMatching(/dispatcher is a binary, not a module atom: .*FunctionClauseError/),
    ]);
    for (const [atom, shown] of [
      ['Elixir.MyApp.Evil', 'MyApp.Evil'],
      ['nil', 'nil'],
      ['Elixir.Phoenix.Channel', 'Phoenix.Channel'],
    ]) {
      expect(problemsOf(v3With(5, Atom.of(atom!)), V3)).toEqual([
        expect.stringMatching(
          new RegExp(`dispatcher ${shown} is neither .*calls ${shown}\\.dispatch/3 .*UndefinedFunctionError`),
        ),
      ]);
    }
  });

  it('v1: a fastlane other than Phoenix.Channel.Server or nil', () => {
    for (const [atom, shown] of [
      ['Elixir.Phoenix.PubSub', 'Phoenix.PubSub'],
      ['erlang', ':erlang'],
    ]) {
      expect(problemsOf(v1With(2, Atom.of(atom!)), V1)).toEqual([
        expect.stringMatching(
          new RegExp(
            `fastlane ${shown} is neither .*calls ${shown}\\.fastlane/3 on every message .*UndefinedFunctionError`,
          ),
        ),
      ]);
    }
  });

  it('v1: a pool_size that is not a sane positive integer', () => {
    expect(problemsOf(v1With(3, new ErlFloat(1)), V1)).toEqual([
      expect.stringMatching(/pool_size is the float 1, not an integer: .*crashes/),
    ]);
    expect(problemsOf(v1With(3, Atom.of('one')), V1)).toEqual([
      expect.stringMatching(/pool_size is the atom :one, not an integer/),
    ]);
    expect(problemsOf(v1With(3, 0), V1)).toEqual([expect.stringMatching(/pool_size 0 is not positive/)]);
    expect(problemsOf(v1With(3, -2), V1)).toEqual([expect.stringMatching(/pool_size -2 is not positive/)]);
    expect(problemsOf(v1With(3, 5000), V1)).toEqual([
      expect.stringMatching(/pool_size 5000 is above 1024: .*one task per shard/),
    ]);
    expect(problemsOf(v1With(3, 2n ** 70n), V1)).toEqual([expect.stringMatching(/is above 1024/)]);
    expect(problemsOf(v1(6, { poolSize: 0 }), V1, heard(V1, 'v1/pool'))).toEqual([
      expect.stringMatching(/2\.0\.0–2\.1\.1 node walks shards/),
    ]);
  });

  it('v1: a topic that is not a binary', () => {
    expect(problemsOf(v1With(5, Atom.of('room')), V1)).toEqual([
      expect.stringMatching(/topic is the atom :room, not a binary: .*delivers it to nobody/),
    ]);
  });

  it('reports every problem of one envelope at once', () => {
    const e = buildV1({ shape: 7, fastlane: pubsub, poolSize: 0, topic: 'room:1', message }).elements.slice();
    e[5] = 7;
    expect(problemsOf(etf(new Tuple(e)), V1)).toHaveLength(3);
  });
});
