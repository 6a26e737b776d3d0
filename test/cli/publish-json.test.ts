/**
 * JSON payloads arrive exactly as written. Seen: `{"big":12345678901234567890,"one":1.0,"neg":-0.0}`
 * reached a real node as 12345678901234567168, 1 (an integer) and 0, and the preview showed yet
 * another value. Checked here by the JSON→term conversion itself, and end to end: publish through
 * a real redis-server, then real Erlang's binary_to_term of the received bytes; the preview printed
 * must be the Elixir rendering of exactly those bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/etf/decode.js';
import { MAX_JSON_DEPTH, parseJsonTerm } from '../../src/etf/parse/json.js';
import { renderElixir } from '../../src/etf/render/elixir.js';
import { ErlFloat, ErlMap, type Term } from '../../src/etf/term.js';
import { PHOENIX_STRUCTS } from '../../src/phoenix/structs.js';
import { erlEval } from '../helpers/erl.js';
import { rawSubscriber, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';
import { runCli } from './run-cli.js';

const text = (s: string) => new TextEncoder().encode(s);
const value = (json: string, key: string): Term => (parseJsonTerm(json) as ErlMap).get(text(key))!;

describe('parseJsonTerm: numbers as written', () => {
  it('integers of any size stay exact integers; -0 is the integer 0', () => {
    expect(value('{"big":12345678901234567890}', 'big')).toBe(12345678901234567890n);
    expect(value('{"n":-98765432109876543210987654321}', 'n')).toBe(-98765432109876543210987654321n);
    expect(value('{"s":9007199254740991}', 's')).toBe(9007199254740991);
    expect(value('{"z":-0}', 'z')).toBe(0);
    expect(Object.is(value('{"z":-0}', 'z'), 0)).toBe(true);
  });

  it('a fraction or an exponent makes a float: 1.0, 1e3, -0.0 (negative zero)', () => {
    expect(value('{"one":1.0}', 'one')).toEqual(new ErlFloat(1));
    expect(value('{"e":1e3}', 'e')).toEqual(new ErlFloat(1000));
    expect(value('{"e":2E-2}', 'e')).toEqual(new ErlFloat(0.02));
    const neg = value('{"neg":-0.0}', 'neg') as ErlFloat;
    expect(neg).toBeInstanceOf(ErlFloat);
    expect(Object.is(neg.value, -0)).toBe(true);
  });

  it('refuses what has no term, with the byte where it is', () => {
    expect(() => parseJsonTerm('{"a":1,"a":2}')).toThrow(/Duplicate key 'a' encountered at byte 8/);
    expect(value('{"a":1,"a":1}', 'a')).toBe(1); // the same value twice is one key
    expect(() => parseJsonTerm('{"x":1e400}')).toThrow(/1e400 is beyond the range of a float/);
    expect(() => parseJsonTerm('"\\ud800"')).toThrow(/lone UTF-16 surrogate/);
    expect(parseJsonTerm('"\\ud83d\\ude00"')).toEqual(text('😀'));
    expect(() => parseJsonTerm('{"é": [1,}')).toThrow(/at byte 10/);
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(() => parseJsonTerm(deep)).toThrow(`nested more than ${MAX_JSON_DEPTH} arrays/objects deep at byte 1000`);
    expect(() => parseJsonTerm('["[[[[' + ']'.repeat(3) + '"]')).not.toThrow(); // brackets in strings do not count
  });
});

describe('through a real redis-server to real Erlang', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ name: 'publish-json' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('{"big":12345678901234567890,"one":1.0,"neg":-0.0} arrives as 12345678901234567890, 1.0, -0.0', async () => {
    const channel = 'phx:Elixir.Json.PubSub.Adapter';
    const node = await rawSubscriber(server, { channels: [channel] });
    try {
      const json = '{"big":12345678901234567890,"one":1.0,"neg":-0.0,"zero":-0,"e":1e3}';
      const r = await runCli([
        ...['publish', '--url', server.url, '--channel', channel],
        ...['--topic', 'j', '--event', 'e', '--payload', json],
      ]);
      expect(r.code, r.stderr).toBe(0);
      await waitUntil(() => node.messages.length === 1, 'the message');
      const bytes = node.messages[0]!.payload;

      const [verdict] = await erlEval([
        {
          expr:
            `{3, except, _, <<"j">>, #{payload := P}, _} = binary_to_term(Bin), ` +
            `#{<<"big">> := Big, <<"one">> := One, <<"neg">> := Neg, <<"zero">> := Zero, <<"e">> := E} = P, ` +
            `<<NegBits:64>> = <<Neg/float>>, ` +
            `iolist_to_binary(io_lib:format("~p ~p ~p ~p ~p ~p ~p ~p", ` +
            `[Big, is_integer(Big), One, is_float(One), NegBits =:= 16#8000000000000000, Zero, is_integer(Zero), E]))`,
          bins: [bytes],
        },
      ]);
      expect(verdict).toEqual({
        ok: true,
        values: [Buffer.from('12345678901234567890 true 1.0 true true 0 true 1.0e3')],
      });

      // The preview is exactly what a node decodes from the bytes sent.
      const sent = decode(bytes);
      expect(r.stdout.trimEnd()).toBe(renderElixir(sent, { width: 100, structs: PHOENIX_STRUCTS }));
      expect(r.stdout).toMatch(/"big" => 12345678901234567890/);
      expect(r.stdout).toMatch(/"one" => 1\.0/);
      expect(r.stdout).toMatch(/"neg" => -0\.0/);
      expect(r.stdout).toMatch(/"zero" => 0/);
      expect(r.stdout).toMatch(/"e" => 1000\.0/); // as Elixir 1.14 inspects 1.0e3
    } finally {
      node.close();
    }
  });
});
