// Codec throughput: our decode/encode (built, from dist/) against erlang_js, erlpack and Erlang's own
// binary_to_term/term_to_binary, on Phoenix broadcasts of three sizes and a compressed one.
//
// The corpus is built by erl at bench time (v3 adapter envelopes carrying a %Phoenix.Socket.Broadcast{},
// OTP 25 default encoding, which erlpack can read), and Erlang's own rates are measured in the same
// escript on the same bytes. Every library decodes the same bytes; each encoder re-encodes what its
// own decoder produced. Rates are the best of three timed rounds (the machine is shared: compare
// within one run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { decode } = await import('../dist/etf/decode.js');
const { encode } = await import('../dist/etf/encode.js');
const { Erlang } = require('erlang_js');
const erlpack = require('erlpack');

const ROUND_MS = 700;
const ROUNDS = 3;

const CORPUS_SCRIPT = String.raw`
-mode(compile).
main(_) ->
    Classes = [{small, small()}, {medium, medium()}, {large, large()}],
    Encoded = [{Name, term_to_binary(T)} || {Name, T} <- Classes]
        ++ [{'large (zlib 6)', term_to_binary(large(), [compressed])}],
    [begin
         io:format("corpus ~s ~s~n", [Name, binary:encode_hex(Bin)]),
         T = binary_to_term(Bin),
         Opts = case Name of 'large (zlib 6)' -> [compressed]; _ -> [] end,
         io:format("erlang ~s ~p ~p~n", [Name, rate(fun() -> binary_to_term(Bin) end),
                                         rate(fun() -> term_to_binary(T, Opts) end)])
     end || {Name, Bin} <- Encoded],
    ok.

broadcast(Topic, Event, Payload) ->
    {3, except, 'web1@10.0.0.5', Topic,
     #{'__struct__' => 'Elixir.Phoenix.Socket.Broadcast', topic => Topic, event => Event, payload => Payload},
     'Elixir.Phoenix.Channel.Server'}.

message(I) ->
    #{<<"id">> => 1000000 + I,
      <<"body">> => <<"Hello there, this is message number ", (integer_to_binary(I))/binary>>,
      <<"user">> => #{<<"id">> => I rem 17, <<"name">> => <<"user-", (integer_to_binary(I rem 17))/binary>>,
                      <<"online">> => I rem 2 =:= 0},
      <<"inserted_at">> => 1700000000000000 + I,
      <<"score">> => I / 7,
      <<"tags">> => [<<"elixir">>, <<"phoenix">>],
      <<"reply_to">> => nil}.

small() ->
    broadcast(<<"room:lobby">>, <<"new_msg">>,
              #{<<"body">> => <<"hello world, how are you all doing today?">>, <<"user">> => <<"alice">>,
                <<"id">> => 12345, <<"at">> => 1700000000000000}).
medium() -> broadcast(<<"room:lobby">>, <<"history">>, #{<<"messages">> => [message(I) || I <- lists:seq(1, 8)]}).
large() -> broadcast(<<"room:lobby">>, <<"history">>, #{<<"messages">> => [message(I) || I <- lists:seq(1, 410)]}).

%% Calls per second: best of three rounds of about 0.7 s each.
rate(F) ->
    F(),
    lists:max([round_rate(F) || _ <- [1, 2, 3]]).
round_rate(F) ->
    Start = erlang:monotonic_time(microsecond),
    N = loop(F, Start, 0),
    N * 1000000 / (erlang:monotonic_time(microsecond) - Start).
loop(F, Start, N) ->
    [F() || _ <- lists:seq(1, 50)],
    case erlang:monotonic_time(microsecond) - Start > 700000 of
        true -> N + 50;
        false -> loop(F, Start, N + 50)
    end.
`;

function erlang() {
  const dir = mkdtempSync(join(tmpdir(), 'etf-bench-'));
  const script = join(dir, 'corpus.escript');
  writeFileSync(script, '#!/usr/bin/env escript\n' + CORPUS_SCRIPT);
  const result = spawnSync('escript', [script], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`escript failed: ${result.stderr}`);
  const corpus = [];
  const rates = new Map();
  for (const line of result.stdout.trim().split('\n')) {
    const [kind, ...rest] = line.split(' ');
    if (kind === 'corpus') {
      const hex = rest.pop();
      corpus.push({ name: rest.join(' '), bytes: Buffer.from(hex, 'hex') });
    } else if (kind === 'erlang') {
      const encodeRate = Number(rest.pop());
      const decodeRate = Number(rest.pop());
      rates.set(rest.join(' '), { decode: decodeRate, encode: encodeRate });
    }
  }
  return { corpus, rates };
}

/** Calls per second of fn(): best of ROUNDS rounds of about ROUND_MS each. */
function rate(fn) {
  for (let i = 0; i < 20; i++) fn();
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    let batch = 1;
    while (elapsed < ROUND_MS * 1e6) {
      for (let i = 0; i < batch; i++) fn();
      n += batch;
      elapsed = Number(process.hrtime.bigint() - start);
      if (elapsed < 10e6) batch *= 2;
    }
    best = Math.max(best, (n * 1e9) / elapsed);
  }
  return best;
}

// erlang_js inflates compressed terms asynchronously through its public API; to time its decoder
// alone, compressed input is inflated synchronously and handed to its internal term decoder.
function erlangJsDecode(bytes) {
  if (bytes[1] === 80) return Erlang._binary_to_term(0, inflateSync(bytes.subarray(6)))[1];
  let out;
  Erlang.binary_to_term(bytes, (err, term) => {
    if (err) throw err;
    out = term;
  });
  return out;
}

function erlangJsEncode(term, compressed) {
  let out;
  Erlang.term_to_binary(term, (err, bytes) => {
    if (err) throw err;
    out = bytes;
  }, compressed ? 6 : false);
  return out;
}

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');

export async function run() {
  const { corpus, rates } = erlang();
  const rows = [];
  for (const { name, bytes } of corpus) {
    const compressed = bytes[1] === 80;
    // Completeness check: our term re-encodes to exactly the input (bigints exact, binaries intact).
    const ours = decode(bytes);
    if (!compressed && !encode(ours, { minorVersion: 1 }).equals(bytes)) throw new Error(`${name}: round trip differs`);
    const js = erlangJsDecode(bytes);
    const pack = erlpack.unpack(bytes);
    rows.push({
      name,
      size: bytes.length,
      decode: {
        ours: rate(() => decode(bytes)),
        erlang_js: rate(() => erlangJsDecode(bytes)),
        erlpack: rate(() => erlpack.unpack(bytes)),
        erlang: rates.get(name).decode,
      },
      encode: {
        ours: rate(() => encode(ours, { minorVersion: 1, compressed })),
        erlang_js: rate(() => erlangJsEncode(js, compressed)),
        erlpack: compressed ? 0 : rate(() => erlpack.pack(pack)), // erlpack cannot compress
        erlang: rates.get(name).encode,
      },
    });
  }
  for (const op of ['decode', 'encode']) {
    console.log(`\n${op} (messages/s, MB/s for ours; ratios: ours ÷ best of erlang_js/erlpack, ours ÷ Erlang)`);
    const table = rows.map((r) => {
      const c = r[op];
      const bestJs = Math.max(c.erlang_js, c.erlpack);
      return {
        class: r.name,
        bytes: r.size,
        ours: fmt(c.ours),
        'ours MB/s': ((c.ours * r.size) / 1e6).toFixed(0),
        erlang_js: fmt(c.erlang_js),
        erlpack: c.erlpack > 0 ? fmt(c.erlpack) : 'n/a',
        Erlang: fmt(c.erlang),
        'vs best JS': ratio(c.ours, bestJs),
        'vs Erlang': ratio(c.ours, c.erlang),
      };
    });
    console.table(table);
  }
  console.log('\nerlpack decodes atoms and binaries to JS strings and cannot write tuples/atoms back;');
  console.log('erlang_js compressed decode is timed with a synchronous inflate (its API is async).');
}
