/**
 * The one Elixir rendering of a term that every surface shows: the payload column of the line
 * output and of the UI list, the labels of the UI's detail tree, `decode --format elixir` and
 * `--format inspect`, what `y` copies, what `--grep` searches, the publish preview.
 *
 * All three forms print the same document (etf/render/elixir-doc.ts), which is Elixir's own
 * `inspect/2` — Elixir 1.14's by default, or 1.15's charlists (`~c"abc"`) after
 * `setElixirVersion('1.15')` (the `--elixir 1.15` flag):
 *   termInspect  one line, exactly `inspect(term, limit: :infinity, printable_limit: :infinity)`
 *   termLine     the same line, with binaries beyond `maxBinaryLength` bytes cut for display
 *                (`"abc…" (102400 bytes)`); identical to termInspect when nothing is cut
 *   termPretty   the same document broken over lines to a width (as `IO.inspect` with
 *                `pretty: true` would); the same text as termInspect but for line breaks
 *                and indentation
 * Phoenix's structs are known (as on a Phoenix node), so `%Phoenix.Socket.Broadcast{…}` prints in
 * field order; structs of application modules the tool cannot know print as maps.
 */
import { renderElixir, writeElixirLine, type ElixirVersion } from '../etf/render/elixir.js';
import type { FlatSink } from '../etf/render/elixir-flat.js';
import { inspect } from '../etf/render/inspect.js';
import { structForm, type StructForm } from '../etf/render/stdlib-structs.js';
import type { ErlMap, Term } from '../etf/term.js';
import { PHOENIX_STRUCTS } from '../phoenix/structs.js';

export type { ElixirVersion } from '../etf/render/elixir.js';

let version: ElixirVersion = '1.14';

/** Whose inspect every surface follows from now on (the `--elixir` flag). */
export function setElixirVersion(v: ElixirVersion): void {
  version = v;
}

export function elixirVersion(): ElixirVersion {
  return version;
}

/** `inspect/2` on one line, nothing cut. */
export function termInspect(term: Term): string {
  return inspect(term, { structs: PHOENIX_STRUCTS, elixir: version });
}

/** One line, binaries longer than `maxBinaryLength` bytes cut (none when undefined). */
export function termLine(term: Term, maxBinaryLength?: number): string {
  // No spread of optional fields: this runs once per message, and an object spread costs more than the rest of the call's setup.
  return renderElixir(term, { pretty: false, structs: PHOENIX_STRUCTS, elixir: version, maxBinaryLength });
}

/**
 * termLine's text with nothing cut, written into `sink` where the one-line writer answers
 * (elixir-flat.ts: most messages); false when it gives up, having written part of it, which the
 * caller drops before taking termLine's way.
 */
export function writeTermLine(term: Term, sink: FlatSink): boolean {
  return writeElixirLine(term, { structs: PHOENIX_STRUCTS, elixir: version }, sink);
}

/** Broken over lines to `width` columns, nothing cut. */
export function termPretty(term: Term, width: number): string {
  return renderElixir(term, { width, structs: PHOENIX_STRUCTS, elixir: version });
}

/** How the rendering writes a map: `%Mod{…}`, a notation of its own, a MapSet, or a plain map. */
export function mapForm(map: ErlMap): StructForm | undefined {
  return structForm(map, PHOENIX_STRUCTS);
}
