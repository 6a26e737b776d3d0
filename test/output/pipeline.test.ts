/**
 * MessagePipeline: what classify cannot know alone — the channel a payload came on, and the node
 * names earlier messages told — reaches every message, its counters and its filter.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, specFromFlags } from '../../src/output/filter.js';
import { MessagePipeline } from '../../src/output/pipeline.js';
import { nodeOf } from '../../src/phoenix/classify.js';
import { erlBinaries } from '../phoenix/erl-binaries.js';

const REF = 'list_to_binary(lists:seq(1, 24))';
const bin = await erlBinaries({
  named: `term_to_binary({1, ${REF}, 'Elixir.Phoenix.Channel.Server', 1, none, <<"phx_presence:x">>, {pub, graceful_permdown, {'c@host', 1}}})`,
  anonymous: `term_to_binary({1, ${REF}, 'Elixir.Phoenix.Channel.Server', 1, none, <<"rooms:1">>, hello})`,
});
const raw = (payload: Uint8Array, channel = 'phx:Elixir.Chat.PubSub') => ({
  receivedAt: 0,
  channel,
  pattern: 'phx:*',
  payload,
});

describe('MessagePipeline', () => {
  it('shows a 2.x node under the name its tracker gossip told, in nodeOf and in --node', () => {
    const filtered = new MessagePipeline({ filter: compileFilter(specFromFlags({ node: ['c@host'] })).filter });
    const pipeline = new MessagePipeline();
    const first = pipeline.accept(raw(bin.anonymous))!;
    expect(nodeOf(first.classified)).toBe('01020304');
    expect(filtered.accept(raw(bin.anonymous))).toBeUndefined();

    pipeline.accept(raw(bin.named));
    filtered.accept(raw(bin.named));
    const later = pipeline.accept(raw(bin.anonymous))!;
    expect(nodeOf(later.classified)).toBe('c@host');
    expect(later.classified.envelope?.node).toBe('01020304');
    expect(filtered.accept(raw(bin.anonymous))).toBeDefined();
  });

  it('counts a 131 payload that fails on an adapter channel as undecodable, not msgpack', () => {
    const pipeline = new MessagePipeline();
    const m = pipeline.accept(raw(Buffer.from('836c7fffffff6a', 'hex')))!;
    expect(m.classified.kind).toBe('raw');
    expect(m.classified.error?.offset).toBe(1);
    expect(pipeline.counters.undecodable).toBe(1);
    const elsewhere = pipeline.accept(raw(Buffer.from('836c7fffffff6a', 'hex'), 'events'))!;
    expect(elsewhere.classified.kind).toBe('msgpack');
  });
});
