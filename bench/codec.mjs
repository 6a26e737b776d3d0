// Codec throughput: our decode/encode (built, from dist/) against erlang_js, erlpack and Erlang's own
// binary_to_term/term_to_binary, on Phoenix broadcasts of three sizes and a compressed one.
//
// The corpus is built by erl at bench time (v3 adapter envelopes carrying a %Phoenix.Socket.Broadcast{},
// OTP 25 default encoding, which erlpack can read), and Erlang's own rates are measured in the same
// escript on the same bytes. Every library decodes the same bytes; each encoder re-encodes what its
// own decoder produced. Rates are calls per CPU second of the measuring process (Node: this one,
// GC threads included; Erlang: the whole VM), best of three rounds interleaved across contenders:
// on a shared machine, CPU time is far steadier than wall time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { decode } = await import('../dist/etf/decode.js');
const { encode } = await import('../dist/etf/encode.js');
const { Atom, ErlFloat, ErlMap, Tuple } = await import('../dist/etf/term.js');
const { Erlang } = require('erlang_js');
const erlpack = require('erlpack');
const baseline = process.env.CODEC_BASELINE ? (await import(process.env.CODEC_BASELINE)).decode : undefined;

// CODEC_ROUND_MS / CODEC_ROUNDS shorten a run on a busy machine; CODEC_OPS=decode skips encoding.
const ROUND_MS = Number(process.env.CODEC_ROUND_MS ?? 700);
const ROUNDS = Number(process.env.CODEC_ROUNDS ?? 3);
const OPS = (process.env.CODEC_OPS ?? 'decode,encode').split(',');
/** Above this size only ours and Erlang are timed (the JS libraries are not the point there). */
const JS_LIBS_MAX_BYTES = 1 << 20;

// The escript builds the corpus, prints it, then times one round of binary_to_term or
// term_to_binary on request, so that Erlang's rounds interleave with ours under the same load.
const ERLANG_SCRIPT = String.raw`
-mode(compile).
main(_) ->
    ok = io:setopts(standard_io, [binary]),
    Encoded = [{small, term_to_binary(small())}, {medium, term_to_binary(medium())},
               {large, term_to_binary(large())}, {'4 MB', term_to_binary(big(16000))},
               {'16 MB', term_to_binary(big(64000))},
               {'small (zlib 6)', term_to_binary(medium(), [{compressed, 6}])},
               {'broadcast (zlib 6)', term_to_binary(small(), [{compressed, 6}])},
               {'large (zlib 6)', term_to_binary(large(), [compressed])},
               {'tracker gossip', term_to_binary(tracker(40))}],
    [io:format("corpus ~s ~s~n", [Name, binary:encode_hex(Bin)]) || {Name, Bin} <- Encoded],
    io:format("ready~n"),
    serve(list_to_tuple(Encoded)).

serve(Corpus) ->
    case io:get_line(standard_io, "") of
        eof -> ok;
        Line ->
            [I, Op] = string:lexemes(string:trim(Line), " "),
            {_, Bin} = element(binary_to_integer(I) + 1, Corpus),
            F = case Op of
                <<"decode">> -> fun() -> binary_to_term(Bin) end;
                <<"encode">> ->
                    T = binary_to_term(Bin),
                    Opts = case Bin of <<131, 80, _/binary>> -> [compressed]; _ -> [] end,
                    fun() -> term_to_binary(T, Opts) end
            end,
            F(),
            io:format("~p~n", [round_rate(F)]),
            serve(Corpus)
    end.

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
big(N) -> broadcast(<<"room:lobby">>, <<"history">>, #{<<"messages">> => [message(I) || I <- lists:seq(1, N)]}).

%% A Phoenix.Tracker delta heartbeat of N presences, as 3.x nodes gossip it (wire-format.md §6.2).
tracker(N) ->
    R = {'web1@10.0.0.5', 1796405007982337},
    Dot = fun(I) -> {R, I} end,
    Values = maps:from_list([{Dot(I), {self(), <<"room:", (integer_to_binary(I rem 7))/binary>>,
                                       <<"user", (integer_to_binary(I))/binary>>,
                                       #{phx_ref => base64:encode(<<I:64>>), online_at => 1700000000 + I}}}
                             || I <- lists:seq(1, N)]),
    Cloud = #{'__struct__' => 'Elixir.MapSet', version => 2, map => maps:from_list([{Dot(I), []} || I <- lists:seq(1, N)])},
    State = #{'__struct__' => 'Elixir.Phoenix.Tracker.State', replica => R, context => #{}, clouds => #{R => Cloud},
              values => Values, pids => nil, mode => delta, delta => unset, replicas => #{},
              range => {#{R => 0}, #{R => N}}},
    {3, except, 'web1@10.0.0.5', <<"phx_presence:Elixir.Chat.Presence_shard0">>,
     {pub, heartbeat, R, State, {R, #{R => N}}}, 'Elixir.Phoenix.PubSub'}.

%% Calls per CPU second over one round of about ?ROUND_MS ms of the VM's CPU time (all threads;
%% schedulers do not busy-wait, see the %%! line).
round_rate(F) ->
    {Start, _} = statistics(runtime),
    {N, Elapsed} = loop(F, Start, 0),
    N * 1000 / Elapsed.
loop(F, Start, N) ->
    [F() || _ <- lists:seq(1, 20)],
    {Now, _} = statistics(runtime),
    case Now - Start >= ?ROUND_MS of
        true -> {N + 20, Now - Start};
        false -> loop(F, Start, N + 20)
    end.
`;

/** The Erlang side: the corpus, and `round(index, op)` timing one round of Erlang's own codec. */
async function startErlang() {
  const dir = mkdtempSync(join(tmpdir(), 'etf-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'codec.escript');
  const header = `#!/usr/bin/env escript\n%%! +sbwt none +sbwtdcpu none +sbwtdio none\n-define(ROUND_MS, ${ROUND_MS}).\n`;
  writeFileSync(script, header + ERLANG_SCRIPT);
  const child = spawn('escript', [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the Erlang side of the benchmark ended early (see its output above)');
    return value;
  };
  const corpus = [];
  for (let line = await next(); line !== 'ready'; line = await next()) {
    const [, ...rest] = line.split(' ');
    const hex = rest.pop();
    corpus.push({ name: rest.join(' '), bytes: Buffer.from(hex, 'hex') });
  }
  return {
    corpus,
    async round(index, op) {
      child.stdin.write(`${index} ${op}\n`);
      return Number(await next());
    },
    stop() {
      child.stdin.end();
    },
  };
}

/** Calls per CPU second of fn() over one round of about ROUND_MS of this process's CPU time. */
function round(fn) {
  let n = 0;
  let batch = 1;
  const start = process.cpuUsage();
  let elapsed = 0; // µs of CPU, GC threads included
  while (elapsed < ROUND_MS * 1e3) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    const used = process.cpuUsage(start);
    elapsed = used.user + used.system;
    if (elapsed < 10e3) batch *= 2;
  }
  return (n * 1e6) / elapsed;
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
  Erlang.term_to_binary(
    term,
    (err, bytes) => {
      if (err) throw err;
      out = bytes;
    },
    compressed ? 6 : false,
  );
  return out;
}

/**
 * The same data as a JSON document (maps as objects, binaries and atoms as strings, tuples as
 * arrays), for the reference row: V8's own JSON.parse building an object graph of the same shape
 * shows what any decoder in this VM pays for allocating it (and, for large terms, for the young
 * generation copying what survives).
 */
function asJson(term) {
  if (term instanceof Uint8Array) return Buffer.from(term.buffer, term.byteOffset, term.byteLength).toString('latin1');
  if (term instanceof Atom) return term.name;
  if (term instanceof ErlFloat) return term.value;
  if (typeof term === 'bigint') return String(term);
  if (term instanceof Tuple) return term.elements.map(asJson);
  if (Array.isArray(term)) return term.map(asJson);
  if (term instanceof ErlMap) {
    const out = {};
    term.keys.forEach((k, i) => (out[typeof k === 'number' ? k : String(asJson(k))] = asJson(term.values[i])));
    return out;
  }
  if (typeof term === 'number') return term;
  return String(term); // pids and the like: their text
}

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');

export async function run() {
  const erlang = await startErlang();
  const rows = [];
  for (const [index, { name, bytes }] of erlang.corpus.entries()) {
    const compressed = bytes[1] === 80;
    // Completeness check: our term re-encodes to exactly the input (bigints exact, binaries intact).
    const ours = decode(bytes);
    if (!compressed && !Buffer.from(encode(ours, { minorVersion: 1 })).equals(bytes))
      throw new Error(`${name}: round trip differs`);
    const attempt = (fn) => {
      try {
        return fn();
      } catch {
        return undefined; // a library that cannot read this class (erlpack: pids, refs) is n/a
      }
    };
    const json = JSON.stringify(asJson(ours));
    const small = bytes.length <= JS_LIBS_MAX_BYTES;
    const js = small ? attempt(() => erlangJsDecode(bytes)) : undefined;
    const pack = small ? attempt(() => erlpack.unpack(bytes)) : undefined;
    const contenders = {
      decode: {
        ours: () => decode(bytes),
        erlang_js: js !== undefined ? () => erlangJsDecode(bytes) : undefined,
        erlpack: pack !== undefined ? () => erlpack.unpack(bytes) : undefined,
        json_parse: () => JSON.parse(json),
        // CODEC_BASELINE=<a built decode.js>: an earlier build of ours, timed in the same rounds.
        ...(baseline ? { baseline: () => baseline(bytes) } : {}),
      },
      encode: {
        ours: () => encode(ours, { minorVersion: 1, compressed }),
        erlang_js: js !== undefined ? () => erlangJsEncode(js, compressed) : undefined,
        erlpack: compressed || pack === undefined ? undefined : () => erlpack.pack(pack), // erlpack cannot compress
      },
    };
    const row = { name, size: bytes.length, decode: {}, encode: {} };
    for (const op of OPS) {
      for (const fn of Object.values(contenders[op])) if (fn) for (let i = 0; i < 20; i++) fn(); // warm up
      // Rounds interleave (ours, erlang_js, erlpack, Erlang, ours, …); each keeps its best.
      for (let r = 0; r < ROUNDS; r++) {
        for (const [lib, fn] of Object.entries(contenders[op]))
          row[op][lib] = Math.max(row[op][lib] ?? 0, fn ? round(fn) : 0);
        row[op].erlang = Math.max(row[op].erlang ?? 0, await erlang.round(index, op));
      }
    }
    rows.push(row);
  }
  erlang.stop();
  for (const op of OPS) {
    console.log(
      `\n${op} (messages per CPU second, MB/s for ours; ratios: ours ÷ best of erlang_js/erlpack, ours ÷ Erlang)`,
    );
    const table = rows.map((r) => {
      const c = r[op];
      const bestJs = Math.max(c.erlang_js, c.erlpack);
      return {
        class: r.name,
        bytes: r.size,
        ours: fmt(c.ours),
        'ours MB/s': ((c.ours * r.size) / 1e6).toFixed(0),
        erlang_js: c.erlang_js > 0 ? fmt(c.erlang_js) : 'n/a',
        erlpack: c.erlpack > 0 ? fmt(c.erlpack) : 'n/a',
        Erlang: fmt(c.erlang),
        'vs best JS': ratio(c.ours, bestJs),
        'vs Erlang': ratio(c.ours, c.erlang),
        ...(c.json_parse ? { 'JSON.parse vs Erlang': ratio(c.json_parse, c.erlang) } : {}),
        ...(c.baseline ? { baseline: fmt(c.baseline), 'baseline vs Erlang': ratio(c.baseline, c.erlang) } : {}),
      };
    });
    console.table(table);
  }
  console.log('\nerlpack decodes atoms and binaries to JS strings and cannot write tuples/atoms back;');
  console.log('erlang_js compressed decode is timed with a synchronous inflate (its API is async).');
  if (OPS.includes('decode')) {
    console.log("JSON.parse vs Erlang: V8's own parser on the same data as JSON (no inflating), a reference for");
    console.log('what building this object graph costs in this VM; for terms larger than the young generation');
    console.log('(16 MB here) it falls off as ours does: the scavenger copies everything that is still being built.');
  }
}
