/**
 * Publishing a copy of a received message (`P`): the form's fields prefilled from the message,
 * and the preview built by the same plan builder `redis-print publish` uses (src/phoenix), so the
 * form shows exactly the term that would go out and refuses what publish refuses. Sending itself
 * goes through a `PublishSink` the CLI hands over: the UI talks to no Redis of its own.
 */
import { parseElixir } from '../etf/parse/parser.js';
import type { Term } from '../etf/term.js';
import type { WatchedMessage } from '../output/watched-message.js';
import { draftFromMessage } from '../phoenix/publish-draft.js';
import { describePlan, planPublish, type PublishDraft } from '../phoenix/publish-plan.js';
import { fullMessage } from './compact-message.js';
import { termLine } from '../output/term-text.js';

/** Where the form publishes: a Publisher on the watched Redis, wrapped by the CLI. */
export interface PublishSink {
  /** Redacted target, for the confirmation question. */
  readonly target: string;
  /** True when the target is not on this machine (the question says so). */
  readonly remote: boolean;
  /** PUBLISH; resolves to the number of receivers Redis reports. */
  publish(channel: string, bytes: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/** The editable parts of a message to publish. */
export interface PublishFields {
  channel: string;
  topic: string;
  /** The Broadcast event; undefined when the message is not a Broadcast (then `payload` is the whole message). */
  event: string | undefined;
  /** Elixir syntax. */
  payload: string;
}

/** A checked plan: the exact term and bytes that Enter would send, or why it cannot be sent. */
export interface PublishPreview {
  ok: boolean;
  /** One line: envelope, channel, size (or what is wrong). */
  headline: string;
  /** The exact term, pretty Elixir ('' when there is none). */
  elixir: string;
  problems: readonly string[];
  /** What goes out when sent; never rebuilt in between, so what was shown is what is sent. */
  channel: string;
  bytes: Uint8Array;
}

export interface PublishStart {
  /** Envelope settings copied from the message (generation, dispatcher, v1 shape, :only target). */
  base: PublishDraft;
  fields: PublishFields;
}

/** The form's starting point for a received message, or why it cannot be resent. */
export function publishStart(message: WatchedMessage): PublishStart | { error: string } {
  const base = draftFromMessage(message.raw.channel, fullMessage(message).classified);
  if (base === undefined) return { error: 'it is not a Phoenix.PubSub adapter envelope with a topic' };
  const m = base.message;
  if (m.kind === 'etf') return { error: 'it carries no term to edit' };
  const text = (t: Term): string => termLine(t);
  const fields: PublishFields =
    m.kind === 'broadcast'
      ? { channel: base.channel, topic: m.topic, event: m.event, payload: text(m.payload) }
      : { channel: base.channel, topic: m.topic, event: undefined, payload: text(m.message) };
  return { base, fields };
}

export function previewPublish(
  start: PublishDraft,
  fields: PublishFields,
  options: { width: number; hostname: string },
): PublishPreview {
  const refused = (headline: string, problems: string[]): PublishPreview => ({
    ok: false,
    headline,
    elixir: '',
    problems,
    channel: fields.channel,
    bytes: new Uint8Array(0),
  });
  if (fields.channel.trim() === '') return refused('no channel', ['the channel is empty']);
  let term: Term;
  try {
    term = parseElixir(fields.payload);
  } catch (error) {
    return refused(`the ${fields.event === undefined ? 'message' : 'payload'} is not an Elixir term`, [
      errorText(error),
    ]);
  }
  const draft: PublishDraft = {
    ...start,
    channel: fields.channel,
    hostname: options.hostname,
    message:
      fields.event === undefined
        ? { kind: 'bare', topic: fields.topic, message: term }
        : { kind: 'broadcast', topic: fields.topic, event: fields.event, payload: term },
  };
  try {
    const plan = planPublish(draft);
    const description = describePlan(plan, { width: Math.max(40, options.width - 4) });
    const v = plan.validation;
    return {
      ok: v.ok,
      headline: description.headline,
      elixir: description.elixir,
      problems: v.ok ? [] : v.problems,
      channel: plan.channel,
      bytes: plan.bytes,
    };
  } catch (error) {
    return refused('cannot build this message', [errorText(error)]);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
