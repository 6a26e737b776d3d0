/**
 * Recognising the adapter's envelope tuple, for every released version (wire-format.md §2.3):
 *
 *   {3, :except | :only, node, topic, msg, dispatcher}        v3           adapter 3.x
 *   {1, ref, fastlane, pool_size, from, topic, msg}           v1/fastlane  adapter 2.1.2–2.1.8
 *   {1, ref, pool_size, from, topic, msg}                     v1/pool      adapter 2.0.0–2.1.1
 *   {1, ref, from, topic, msg}                                v1/legacy    adapter 0.x–1.0
 *
 * Deviations from the §2.3 table, on purpose: a v1/fastlane ref may be a binary of any length
 * (real adapters send 24 random bytes, but the hand-written publishers §5 describes send `<<>>`,
 * and receivers never look at the length), and its fastlane must be an atom — otherwise a 7-tuple
 * starting with 1 is too generic to call an envelope. Fields are not validated here: a tuple that
 * would crash a receiver is still shown as the envelope it tries to be (see validate.ts).
 */
import { Atom, Pid, Tuple, isBinary, isInteger, type Term } from '../etf/term.js';
import type { Envelope } from './classified.js';
import { modes } from './known-atoms.js';
import { elixirAtomText, labelText, nodeText, shortNodeRef } from './names.js';

export interface RecognizedEnvelope {
  envelope: Envelope;
  /** The topic and message elements as terms (the envelope holds their text only). */
  topicTerm: Term;
  message: Term;
}

/** The envelope `term` is, or undefined when it is no envelope any released adapter sends. */
export function recognizeEnvelope(term: Term, compressed: boolean): RecognizedEnvelope | undefined {
  if (!(term instanceof Tuple)) return undefined;
  const e = term.elements;
  const vsn = e[0];
  if (vsn === 3 && e.length === 6) return recognizeV3(e, compressed);
  if (vsn !== 1) return undefined;
  if (e.length === 7 && isBinary(e[1]!) && e[2] instanceof Atom) return recognizeV1Fastlane(e, compressed);
  if (e.length === 6 && isBinary(e[1]!) && isInteger(e[2]!)) return recognizeV1Pool(e, compressed);
  if (e.length === 5) return recognizeV1Legacy(e, compressed);
  return undefined;
}

function recognizeV3(e: Term[], compressed: boolean): RecognizedEnvelope | undefined {
  const [, mode, node, topic, message, dispatcher] = e as [Term, Term, Term, Term, Term, Term];
  if (mode !== modes.except && mode !== modes.only) return undefined;
  return {
    envelope: {
      generation: 3,
      shape: 'v3',
      mode: mode === modes.except ? 'except' : 'only',
      node: nodeText(node),
      topic: labelText(topic),
      dispatcher: labelText(dispatcher),
      compressed,
    },
    topicTerm: topic,
    message,
  };
}

function recognizeV1Fastlane(e: Term[], compressed: boolean): RecognizedEnvelope {
  const [, ref, fastlane, poolSize, from, topic, message] = e as [Term, Term, Atom, Term, Term, Term, Term];
  return v1(
    'v1/fastlane',
    { ref, from, topic, message, compressed },
    { dispatcher: elixirAtomText(fastlane), ...poolSizeField(poolSize) },
  );
}

function recognizeV1Pool(e: Term[], compressed: boolean): RecognizedEnvelope {
  const [, ref, poolSize, from, topic, message] = e as [Term, Term, Term, Term, Term, Term];
  return v1('v1/pool', { ref, from, topic, message, compressed }, { dispatcher: null, ...poolSizeField(poolSize) });
}

function recognizeV1Legacy(e: Term[], compressed: boolean): RecognizedEnvelope {
  const [, ref, from, topic, message] = e as [Term, Term, Term, Term, Term];
  return v1('v1/legacy', { ref, from, topic, message, compressed }, { dispatcher: null });
}

interface V1Common {
  ref: Term;
  from: Term;
  topic: Term;
  message: Term;
  compressed: boolean;
}

function v1(
  shape: Envelope['shape'],
  c: V1Common,
  extra: Pick<Envelope, 'dispatcher' | 'poolSize'>,
): RecognizedEnvelope {
  const envelope: Envelope = {
    generation: 1,
    shape,
    mode: 'all', // v1 carries no target: every node delivers, even a direct_broadcast (§2.2.1)
    node: shortNodeRef(c.ref),
    topic: labelText(c.topic),
    ...extra,
    compressed: c.compressed,
  };
  if (c.from instanceof Pid) envelope.fromNode = c.from.node.name;
  return { envelope, topicTerm: c.topic, message: c.message };
}

/** pool_size as a number when it is a sane one; a bigint or non-integer is left for validation. */
function poolSizeField(poolSize: Term): { poolSize?: number } {
  return typeof poolSize === 'number' ? { poolSize } : {};
}

/**
 * The envelope of a payload whose message (or what follows it) did not decode: `elements` are the
 * outer tuple's elements that did (decodeTuplePrefix). Every field before the message must be
 * there; a v3 dispatcher after a corrupt message is unknown (null).
 */
export function recognizePartialEnvelope(arity: number, elements: Term[], compressed: boolean): Envelope | undefined {
  const messageAt = elements[0] === 3 ? 4 : arity - 1;
  if (messageAt < 1 || elements.length < messageAt || elements.length >= arity) return undefined;
  const filled = elements.slice(0, messageAt);
  while (filled.length < arity) filled.push([]); // stand-ins for what did not decode
  const recognized = recognizeEnvelope(new Tuple(filled), compressed);
  if (recognized === undefined) return undefined;
  if (recognized.envelope.generation === 3) recognized.envelope.dispatcher = null;
  return recognized.envelope;
}

/** Short label of an envelope for lists: `v3 except`, `v3 only`, `v1/fastlane`, `v1/pool`, `v1/legacy`. */
export function describeEnvelope(env: Envelope): string {
  return env.generation === 3 ? `v3 ${env.mode}` : env.shape;
}
