/**
 * "Never crash a real node" (wire-format.md appendix): before anything is published, check it
 * against the generation the channel speaks. Real adapters crash their Redis process on bytes
 * that are not ETF, on any v1 tuple that is not exactly their shape, and on an unknown
 * dispatcher/fastlane; repeated crashes take the whole PubSub tree down and silently unsubscribe
 * every client. Each problem says what a receiving node would do with the payload.
 */
import { Atom, ErlFloat, ErlMap, ImproperList, Pid, Ref, Tuple, atoms, isInteger, type Term } from '../etf/term.js';
import type { Classified, EnvelopeShape } from './classified.js';
import { classify } from './classify.js';
import { modules } from './known-atoms.js';
import { elixirAtomText, termKindText } from './names.js';
import { receiversOf, SHAPE_RELEASES, type Receivers } from './receivers.js';

export interface PublishTarget {
  /**
   * What the channel's nodes speak (receivers.ts): from traffic heard on it when the caller
   * listened, else from the channel's name — `v3` on a `….Adapter` channel, otherwise the
   * 7-tuple of adapter 2.1.2–2.1.8, the only 2.x shape that does not crash the 2.1.x releases
   * everyone runs. An older v1 shape passes only when traffic shows receivers that speak it.
   */
  receivers?: Receivers;
}

export type Validation = { ok: true; classified: Classified } | { ok: false; problems: string[] };

/** Receivers' pool_size is their shard count, rarely above the CPU count; each shard costs a task per message. */
export const MAX_POOL_SIZE = 1024;

const receivers: Record<EnvelopeShape, string> = {
  v3: 'a 3.x node',
  'v1/fastlane': 'a 2.1.2–2.1.8 node',
  'v1/pool': 'a 2.0.0–2.1.1 node',
  'v1/legacy': 'a 0.x–1.0 node',
};

const shapes: Record<EnvelopeShape, string> = {
  v3: '{3, :except | :only, node, topic, message, dispatcher}',
  'v1/fastlane': '{1, node_ref, fastlane, pool_size, from, topic, message}',
  'v1/pool': '{1, node_ref, pool_size, from, topic, message}',
  'v1/legacy': '{1, node_ref, from, topic, message}',
};

const releases = SHAPE_RELEASES;

const arity: Record<EnvelopeShape, number> = { v3: 6, 'v1/fastlane': 7, 'v1/pool': 6, 'v1/legacy': 5 };

export function validateForPublish(payload: Uint8Array, channel: string, target: PublishTarget = {}): Validation {
  return validateClassified(classify(payload, {}, channel), channel, target);
}

/** The same rules on a payload already classified (cluster insight checks received traffic with them). */
export function validateClassified(classified: Classified, channel: string, target: PublishTarget = {}): Validation {
  const on = target.receivers ?? receiversOf(channel);
  const receiver = on.shapes.map((s) => receivers[s]).join(' and ');

  if (classified.term === undefined) {
    const what = classified.error
      ? `not valid Erlang External Term Format (${classified.error.message})`
      : `${classified.kind === 'raw' ? 'not' : classified.kind + ', not'} Erlang External Term Format`;
    return fail([
      `the payload is ${what}: ${receiver} crashes its Redis process (ArgumentError from binary_to_term) ` +
        'and loses the messages that arrive while it restarts',
    ]);
  }

  const env = classified.envelope;
  if (env === undefined) return fail(on.shapes.map((s) => notAnEnvelope(s)));
  // On a channel shared by several releases, the payload must suit every one of them.
  const mismatched = on.shapes.filter((s) => s !== env.shape);
  if (mismatched.length > 0) return fail(mismatched.map((s) => wrongShape(s, env.shape, on)));

  // The envelope is of the expected shape, so the term is that tuple.
  const elements = (classified.term as Tuple).elements;
  const problems = env.shape === 'v3' ? checkV3(elements) : checkV1(env.shape, elements);
  return problems.length === 0 ? { ok: true, classified } : fail(problems);
}

function fail(problems: string[]): Validation {
  return { ok: false, problems };
}

function notAnEnvelope(expected: EnvelopeShape): string {
  const consequence =
    expected === 'v3'
      ? 'a 3.x node ignores it silently (nothing is delivered)'
      : `${receivers[expected]} matches only ${arity[expected]}-tuples and crashes its Redis process with MatchError on anything else`;
  return `the term is not an adapter envelope ${shapes[expected]}: ${consequence}`;
}

function wrongShape(expected: EnvelopeShape, actual: EnvelopeShape, on: Receivers): string {
  const head =
    `this is a ${actual} envelope ${shapes[actual]} (${releases[actual]}), but the nodes on ${on.channel} ` +
    `speak ${expected} ${shapes[expected]} (${releases[expected]}; ${on.evidence})`;
  if (expected === 'v3') return `${head}: a 3.x node ignores it silently (nothing is delivered)`;
  let consequence = `${receivers[expected]} crashes its Redis process with MatchError (it matches only ${arity[expected]}-tuples)`;
  if (expected === 'v1/pool' && actual === 'v3') {
    // Same arity: the 6-tuple match succeeds and the node name lands where pool_size should be.
    consequence = `${receivers[expected]} takes the node name for pool_size and crashes its Redis process`;
  }
  const hint =
    on.basis === 'name' && actual !== 'v3'
      ? `; no traffic on ${on.channel} shows ${releases[actual]} nodes: send a ${actual} envelope only while ` +
        'such nodes are heard on the channel (publish listens for --sniff first), or with --force if every ' +
        `receiver runs ${releases[actual]}`
      : '';
  return `${head}: ${consequence}${hint}`;
}

function checkV3(e: Term[]): string[] {
  const [, , node, topic, , dispatcher] = e as [Term, Term, Term, Term, Term, Term];
  const problems: string[] = [];
  if (!(node instanceof Atom) && !(node instanceof Uint8Array)) {
    problems.push(
      `the node element is ${describe(node)}, not an atom or a binary: it can never equal a receiver's node_name, ` +
        'so :except reaches every node and :only reaches none',
    );
  }
  if (!(topic instanceof Uint8Array)) {
    problems.push(
      `the topic is ${describe(topic)}, not a binary: a 3.x node crashes its Redis process ` +
        '(FunctionClauseError in Phoenix.PubSub.local_broadcast/4)',
    );
  }
  if (!(dispatcher instanceof Atom)) {
    problems.push(
      `the dispatcher is ${describe(dispatcher)}, not a module atom: a 3.x node crashes its Redis process ` +
        '(FunctionClauseError in Phoenix.PubSub.local_broadcast/4)',
    );
  } else if (dispatcher !== modules.pubsub && dispatcher !== modules.channelServer) {
    problems.push(
      `the dispatcher ${elixirAtomText(dispatcher)} is neither Phoenix.PubSub nor Phoenix.Channel.Server: a 3.x node ` +
        `calls ${elixirAtomText(dispatcher)}.dispatch/3 for every topic with local subscribers and crashes its Redis ` +
        'process (UndefinedFunctionError) when that function does not exist',
    );
  }
  return problems;
}

function checkV1(shape: EnvelopeShape, e: Term[]): string[] {
  const problems: string[] = [];
  const receiver = receivers[shape];
  if (shape === 'v1/fastlane') {
    const fastlane = e[2]!;
    if (fastlane !== modules.channelServer && fastlane !== atoms.nil) {
      problems.push(
        `the fastlane ${termKindText(fastlane)} is neither Phoenix.Channel.Server nor nil: ${receiver} calls ` +
          `${termKindText(fastlane)}.fastlane/3 on every message and crashes its Redis process ` +
          '(UndefinedFunctionError) when that function does not exist',
      );
    }
  }
  if (shape !== 'v1/legacy') {
    const poolSize = e[shape === 'v1/fastlane' ? 3 : 2]!;
    const problem = poolSizeProblem(poolSize, receiver);
    if (problem !== undefined) problems.push(problem);
  }
  const topic = e[e.length - 2]!;
  if (!(topic instanceof Uint8Array)) {
    problems.push(
      `the topic is ${describe(topic)}, not a binary: subscriptions are made on binary topics only, ` +
        `so ${receiver} delivers it to nobody`,
    );
  }
  return problems;
}

function poolSizeProblem(poolSize: Term, receiver: string): string | undefined {
  if (!isInteger(poolSize)) {
    return (
      `pool_size is ${describe(poolSize)}, not an integer: ${receiver} crashes its Redis process ` +
      'building the shard range 0..pool_size-1'
    );
  }
  if (poolSize < 1) {
    return (
      `pool_size ${poolSize} is not positive: ${receiver} walks shards 0..pool_size-1 with it, ` +
      'which only reaches shard 0 by accident of a descending range'
    );
  }
  if (poolSize > MAX_POOL_SIZE) {
    return (
      `pool_size ${poolSize} is above ${MAX_POOL_SIZE}: ${receiver} starts one task per shard for every message ` +
      "(real pool sizes are the receivers' shard count, normally 1)"
    );
  }
  return undefined;
}

/** "the integer 5", "a tuple", … for problem sentences. */
function describe(term: Term): string {
  if (isInteger(term)) return `the integer ${term}`;
  if (term instanceof Atom) return `the atom ${elixirAtomText(term)}`;
  if (term instanceof Uint8Array) return 'a binary';
  if (term instanceof ErlFloat) return `the float ${term.value}`;
  if (Array.isArray(term) || term instanceof ImproperList) return 'a list';
  if (term instanceof Tuple) return 'a tuple';
  if (term instanceof ErlMap) return 'a map';
  if (term instanceof Pid) return 'a pid';
  if (term instanceof Ref) return 'a reference';
  return termKindText(term);
}
