/**
 * A tiny runner for the real `erl` (OTP 25 on this machine): one VM start per batch, so a test
 * file pays the ~0.3 s boot once. Expressions are Erlang source.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';

function runErl(code: string): string {
  return execFileSync('erl', ['-noshell', '-eval', `${code}, halt().`], {
    encoding: 'utf8',
    timeout: 30_000,
    cwd: tmpdir(),
    env: { ...process.env, ERL_CRASH_DUMP_SECONDS: '0' }, // a failed expression must not leave a dump behind
  });
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * Evaluates each Erlang expression (which must produce a binary, e.g. `term_to_binary({1, 2})`)
 * and returns the binaries under the same names.
 */
export function erlBinaries<K extends string>(exprs: Record<K, string>): Record<K, Uint8Array> {
  const names = Object.keys(exprs) as K[];
  const body = names
    .map((name) => `io:format("~s ~s~n", ["${name}", binary:encode_hex(begin ${exprs[name]} end)])`)
    .join(', ');
  const out = runErl(body);
  const result = {} as Record<K, Uint8Array>;
  for (const line of out.trim().split('\n')) {
    const [name, hexText] = line.split(' ') as [K, string];
    result[name] = new Uint8Array(Buffer.from(hexText ?? '', 'hex'));
  }
  for (const name of names) if (result[name] === undefined) throw new Error(`erl gave nothing for ${name}: ${out}`);
  return result;
}

/**
 * For each case, whether `binary_to_term(bytes) =:= expected` in Erlang (exact equality, so 1 and
 * 1.0 differ and map pairs compare as sets), plus how Erlang prints the decoded term.
 */
export function erlDecodesTo(cases: Array<{ bytes: Uint8Array; expected: string }>): Array<{ equal: boolean; printed: string }> {
  const body = cases
    .map(
      (c) =>
        // A fun per case, so that each has its own variable T.
        `(fun() -> T = binary_to_term(binary:decode_hex(<<"${hex(c.bytes)}">>)), ` +
        `io:format("~s ~w~n", [T =:= (${c.expected}), T]) end)()`,
    )
    .join(', ');
  const out = runErl(body);
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const space = line.indexOf(' ');
      return { equal: line.slice(0, space) === 'true', printed: line.slice(space + 1) };
    });
}
