/**
 * Real Elixir as the test oracle for `inspect`: the ETF byte strings are written to a temporary
 * directory and ONE `elixir` process per batch prints, for each,
 * `inspect(:erlang.binary_to_term(bytes), limit: :infinity, printable_limit: :infinity)`
 * (startup costs about a second; a batch of a thousand terms costs little more).
 *
 * Each answer is a line `<index> <status> <hex of inspect> <hex of fallback>`, so any output —
 * newlines, quotes, invalid UTF-8 — comes back unambiguously. `fallback` is set only when the
 * real output holds an `#Inspect.Error<…>` (a struct implementation raised): it is the same
 * inspect with every raising struct printed as the plain map Elixir shows inside that error
 * ("while inspecting: …"), without the stack trace of the inspecting process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childOutput } from './child-output.js';

export interface ElixirInspect {
  /** What Elixir printed, or undefined when binary_to_term refused the bytes. */
  readonly inspect: string | undefined;
  /** With raising structs as plain maps (see the top of this file); only when `inspect` has an Inspect.Error. */
  readonly fallback: string | undefined;
  /** binary_to_term's error, when it refused. */
  readonly error: string | undefined;
}

const SCRIPT = String.raw`
[dir, count] = System.argv()

# Structs whose implementation raises come out as plain maps, as Elixir shows them inside
# #Inspect.Error<...>; everything else as Inspect prints it.
fallback_fun = fn
  %_{} = struct, opts ->
    try do
      Inspect.inspect(struct, opts)
    rescue
      _ -> Inspect.Map.inspect(struct, opts)
    end

  term, opts ->
    Inspect.inspect(term, opts)
end

for i <- 0..(String.to_integer(count) - 1) do
  bytes = File.read!(Path.join(dir, "#{i}.etf"))

  line =
    try do
      :erlang.binary_to_term(bytes)
    rescue
      e -> "error " <> Base.encode16(Exception.message(e)) <> " x"
    else
      term ->
        text = inspect(term, limit: :infinity, printable_limit: :infinity)

        fallback =
          if String.contains?(text, "#Inspect.Error<") do
            inspect(term, limit: :infinity, printable_limit: :infinity, inspect_fun: fallback_fun)
          else
            ""
          end

        "ok x" <> Base.encode16(text) <> " x" <> Base.encode16(fallback)
    end

  IO.write(["#{i} ", line, "\n"])
end
`;

let scriptPath: string | undefined;

function script(): string {
  if (scriptPath === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'elixir-oracle-'));
    scriptPath = join(dir, 'inspect_oracle.exs');
    writeFileSync(scriptPath, SCRIPT);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scriptPath;
}

/** Elixir 1.14's inspect of each byte string, in one `elixir` process. */
export async function elixirInspect(bins: readonly Uint8Array[]): Promise<ElixirInspect[]> {
  if (bins.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'elixir-inspect-'));
  try {
    bins.forEach((b, i) => writeFileSync(join(dir, `${i}.etf`), b));
    const output = await childOutput('elixir', [script(), dir, String(bins.length)]);
    const lines = output.split('\n').filter((l) => l.length > 0);
    if (lines.length !== bins.length) throw new Error(`elixir answered ${lines.length} of ${bins.length}`);
    return lines.map((line, i): ElixirInspect => {
      const [index, status, first, second] = line.split(' ');
      if (Number(index) !== i) throw new Error(`elixir answered #${index} in place of #${i}`);
      const text = (hex: string | undefined): string => Buffer.from((hex ?? 'x').slice(1), 'hex').toString('utf8');
      if (status === 'error') {
        return { inspect: undefined, fallback: undefined, error: Buffer.from(first!, 'hex').toString('utf8') };
      }
      const fallback = text(second);
      return { inspect: text(first), fallback: fallback === '' ? undefined : fallback, error: undefined };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Elixir prints a pid, port or reference with the index of its node in the inspecting VM's
 * table (`#PID<0.398.0>`, `#PID<20153.398.0>`); we print the node's name in that place
 * (`#PID<a@127.0.0.1.398.0>`). Both become `#PID<N.398.0>`: side 'elixir' for Elixir's text,
 * `{ names }` for ours, given the node names (as our renderer writes them) the term holds.
 */
export function normaliseNodes(text: string, side: 'elixir' | { names: readonly string[] }): string {
  if (side === 'elixir') return text.replace(/#(PID|Reference|Port)<\d+\./g, '#$1<N.');
  const names = [...side.names].sort((x, y) => y.length - x.length).map(escapeRegExp);
  if (names.length === 0) return text;
  return text.replace(new RegExp(`#(PID|Reference|Port)<(?:${names.join('|')})\\.`, 'g'), '#$1<N.');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
