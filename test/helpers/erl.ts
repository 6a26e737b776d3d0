/**
 * Real Erlang as the test oracle — one `escript` process per batch, not per term (startup costs
 * about a second; a batch of thousands of terms costs little more).
 *
 * The primitive is `erlEval`: every request is an Erlang expression (source text, as in the shell,
 * without the final dot), evaluated with `erl_eval` with these variables bound:
 *   Bin   — the request's first binary (when it has any)
 *   Bins  — all of the request's binaries, as a list
 *   Describe — fun(Term) -> binary(): a canonical text of any term, value by value (format in
 *              erl-describe.ts, whose describeTerm writes the same text for our decoded Term)
 * The expression must return a binary or a list of binaries; the result is those bytes. An
 * exception (or another kind of result) comes back as `{ ok: false, error }` for that request
 * only — the rest of the batch still runs.
 *
 * Helpers built on it, for the common questions:
 *   erlEncode(['{ok, <<"x">>}'], '[compressed]')      → term_to_binary(Term, Opts) bytes
 *   erlEncodeVariants(sources, [opts, opts…])         → several encodings of one evaluation each
 *                                                      (for make_ref(), self() and the like)
 *   erlAccepts(bins)                                  → does binary_to_term/1 accept each?
 *   erlSameTerm(as, bs)                               → binary_to_term(a) =:= binary_to_term(b)
 *   erlDecodeCheck(bins, sources)                     → binary_to_term(bin) =:= (Source)
 *   erlRoundTrip(bins, opts)                          → term_to_binary(binary_to_term(Bin), Opts)
 *
 * Requests and replies travel as hex on stdin/stdout, so any source text and any bytes are safe.
 * Example:
 *   const [bytes] = await erlEncode(['#{a => 1}'], '[{minor_version, 2}]');
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childOutput } from './child-output.js';

export type ErlResult = { ok: true; values: Buffer[] } | { ok: false; error: string };

export interface ErlRequest {
  expr: string;
  bins?: readonly Uint8Array[];
}

const SCRIPT = String.raw`
-mode(compile).
main(_) ->
    ok = io:setopts(standard_io, [binary]),
    loop().

loop() ->
    case io:get_line(standard_io, "") of
        eof -> ok;
        Line ->
            [ExprHex | BinHexes] = binary:split(string:trim(Line), <<" ">>, [global, trim_all]),
            Reply = run(unhex(ExprHex), [unhex(H) || H <- BinHexes]),
            ok = file:write(standard_io, [Reply, $\n]),
            loop()
    end.

%% Every hex field starts with "x" so that an empty binary is still a field.
unhex(<<"x", Hex/binary>>) -> binary:decode_hex(Hex).
hex(Bin) -> [$x, binary:encode_hex(Bin)].

run(Src, Bins) ->
    try
        {ok, Tokens, _} = erl_scan:string(unicode:characters_to_list(Src) ++ "."),
        {ok, Exprs} = erl_parse:parse_exprs(Tokens),
        B0 = erl_eval:add_binding('Bins', Bins, erl_eval:new_bindings()),
        B1 = case Bins of [First | _] -> erl_eval:add_binding('Bin', First, B0); [] -> B0 end,
        B2 = erl_eval:add_binding('Describe', fun describe/1, B1),
        {value, Value, _} = erl_eval:exprs(Exprs, B2),
        case Value of
            V when is_binary(V) -> ["ok ", hex(V)];
            L when is_list(L) ->
                true = lists:all(fun erlang:is_binary/1, L),
                ["ok" | [[" ", hex(V)] || V <- L]]
        end
    catch Class:Reason ->
        ["error ", hex(iolist_to_binary(io_lib:format("~0p:~0p", [Class, Reason])))]
    end.

%% Canonical description of a term; see erl-describe.ts for the format.
describe(T) -> iolist_to_binary(desc(T)).

desc(T) when is_integer(T) -> ["i:", integer_to_binary(T)];
desc(T) when is_float(T) -> ["f:", binary:encode_hex(<<T:64/float>>)];
desc(T) when is_atom(T) -> ["a:", binary:encode_hex(atom_to_binary(T, utf8))];
desc(T) when is_binary(T) -> ["b:", binary:encode_hex(T)];
desc(T) when is_bitstring(T) ->
    Bits = bit_size(T) rem 8,
    ["s:", integer_to_binary(Bits), ":", binary:encode_hex(<<T/bitstring, 0:(8 - Bits)>>)];
desc([]) -> "[]";
desc([H | Tl]) -> ["[", desc(H) | desc_tail(Tl)];
desc(T) when is_tuple(T) -> ["{", lists:join(",", [desc(E) || E <- tuple_to_list(T)]), "}"];
desc(T) when is_map(T) ->
    Pairs = lists:sort([iolist_to_binary([desc(K), "=>", desc(V)]) || {K, V} <- maps:to_list(T)]),
    ["#{", lists:join(",", Pairs), "}"];
desc(T) when is_pid(T) ->
    <<131, 88, R/binary>> = term_to_binary(T, [{minor_version, 2}]),
    {N, <<Id:32, Ser:32, Cre:32>>} = node_atom(R),
    ["p:", N, ":", integer_to_binary(Id), ":", integer_to_binary(Ser), ":", integer_to_binary(Cre)];
desc(T) when is_port(T) ->
    {N, Id, Cre} = case term_to_binary(T, [{minor_version, 2}]) of
        <<131, 89, R/binary>> -> {N0, <<I:32, C:32>>} = node_atom(R), {N0, I, C};
        <<131, 120, R/binary>> -> {N0, <<I:64, C:32>>} = node_atom(R), {N0, I, C}
    end,
    ["o:", N, ":", integer_to_binary(Id), ":", integer_to_binary(Cre)];
desc(T) when is_reference(T) ->
    <<131, 90, Len:16, R/binary>> = term_to_binary(T, [{minor_version, 2}]),
    {N, <<Cre:32, Ids:(Len * 4)/binary>>} = node_atom(R),
    ["r:", N, ":", integer_to_binary(Cre), ":", lists:join(".", [integer_to_binary(W) || <<W:32>> <= Ids])];
desc(T) when is_function(T) ->
    I = fun(K) -> element(2, erlang:fun_info(T, K)) end,
    case I(type) of
        external ->
            ["e:", binary:encode_hex(atom_to_binary(I(module), utf8)), ":",
             binary:encode_hex(atom_to_binary(I(name), utf8)), ":", integer_to_binary(I(arity))];
        local ->
            ["l:", integer_to_binary(I(arity)), ":", binary:encode_hex(I(new_uniq)), ":",
             integer_to_binary(I(new_index)), ":", binary:encode_hex(atom_to_binary(I(module), utf8)), ":",
             integer_to_binary(I(index)), ":", integer_to_binary(I(uniq)), ":", desc(I(pid)), ":", desc(I(env))]
    end.

desc_tail([]) -> ["]"];
desc_tail([H | Tl]) -> [",", desc(H) | desc_tail(Tl)];
desc_tail(Other) -> ["|", desc(Other), "]"].

node_atom(<<119, L, N:L/binary, R/binary>>) -> {binary:encode_hex(N), R};
node_atom(<<118, L:16, N:L/binary, R/binary>>) -> {binary:encode_hex(N), R}.
`;

let scriptPath: string | undefined;

function script(): string {
  if (scriptPath === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'etf-oracle-'));
    scriptPath = join(dir, 'oracle.escript');
    writeFileSync(scriptPath, '#!/usr/bin/env escript\n' + SCRIPT);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scriptPath;
}

const hex = (b: Uint8Array | string): string => 'x' + Buffer.from(b).toString('hex');

/** Evaluates every request in one Erlang process; see the top of this file. */
export async function erlEval(requests: ReadonlyArray<string | ErlRequest>): Promise<ErlResult[]> {
  if (requests.length === 0) return [];
  const input = requests
    .map((r) => {
      const req = typeof r === 'string' ? { expr: r } : r;
      return [hex(req.expr), ...(req.bins ?? []).map(hex)].join(' ') + '\n';
    })
    .join('');
  const output = await childOutput('escript', [script()], input);
  const lines = output.split('\n').filter((l) => l.length > 0);
  if (lines.length !== requests.length) {
    throw new Error(`erl answered ${lines.length} of ${requests.length} requests`);
  }
  return lines.map((line): ErlResult => {
    const [status, ...fields] = line.split(' ');
    const values = fields.map((f) => Buffer.from(f.slice(1), 'hex'));
    if (status === 'ok') return { ok: true, values };
    return { ok: false, error: values[0]!.toString('utf8') };
  });
}

function only(result: ErlResult, what: string): Buffer {
  if (!result.ok) throw new Error(`${what}: ${result.error}`);
  return result.values[0]!;
}

/** `term_to_binary(Source, Opts)` for each source; `opts` is an Erlang list literal. */
export async function erlEncode(sources: readonly string[], opts = '[]'): Promise<Buffer[]> {
  const results = await erlEval(sources.map((s) => `term_to_binary(begin ${s} end, ${opts})`));
  return results.map((r, i) => only(r, `erlEncode(${sources[i]})`));
}

/**
 * Each source evaluated once and encoded with each option list: result[i][j] is source i with
 * optionLists[j]. Use it for terms that differ per evaluation (make_ref(), self(), ports).
 */
export async function erlEncodeVariants(
  sources: readonly string[],
  optionLists: readonly string[],
): Promise<Buffer[][]> {
  const results = await erlEval(
    sources.map(
      (s) => `begin T__ = begin ${s} end, [term_to_binary(T__, O__) || O__ <- [${optionLists.join(', ')}]] end`,
    ),
  );
  return results.map((r, i) => {
    if (!r.ok) throw new Error(`erlEncodeVariants(${sources[i]}): ${r.error}`);
    return r.values;
  });
}

/** Whether `binary_to_term/1` accepts each input. */
export async function erlAccepts(bins: readonly Uint8Array[]): Promise<boolean[]> {
  const results = await erlEval(bins.map((b) => ({ expr: 'begin _ = binary_to_term(Bin), <<>> end', bins: [b] })));
  return results.map((r) => r.ok);
}

/** `binary_to_term(A) =:= binary_to_term(B)` for each pair (false when either is refused). */
export async function erlSameTerm(as: readonly Uint8Array[], bs: readonly Uint8Array[]): Promise<boolean[]> {
  const expr = '[atom_to_binary(binary_to_term(hd(Bins)) =:= binary_to_term(lists:last(Bins)))]';
  const results = await erlEval(as.map((a, i) => ({ expr, bins: [a, bs[i]!] })));
  return results.map((r) => r.ok && r.values[0]!.toString() === 'true');
}

/** `binary_to_term(Bin) =:= (Source)` for each pair (false when the binary is refused). */
export async function erlDecodeCheck(
  bins: readonly Uint8Array[],
  expectedSources: readonly string[],
): Promise<boolean[]> {
  const results = await erlEval(
    bins.map((b, i) => ({
      expr: `atom_to_binary(binary_to_term(Bin) =:= begin ${expectedSources[i]} end)`,
      bins: [b],
    })),
  );
  return results.map((r) => r.ok && r.values[0]!.toString() === 'true');
}

/** `term_to_binary(binary_to_term(Bin), Opts)` for each input. */
export async function erlRoundTrip(bins: readonly Uint8Array[], opts = '[]'): Promise<Buffer[]> {
  const results = await erlEval(bins.map((b) => ({ expr: `term_to_binary(binary_to_term(Bin), ${opts})`, bins: [b] })));
  return results.map((r, i) => only(r, `erlRoundTrip(#${i})`));
}
