/**
 * The payload of a `presence_diff` broadcast (Phoenix 1.2–1.4 put it on Redis, wire-format.md
 * §6.3): `%{joins: %{key => %{metas: [meta, …]}}, leaves: %{…}}`, with atom or string keys
 * depending on who built it.
 */
import { Atom, ErlMap, type Term } from '../../etf/term.js';
import { labelText } from '../names.js';

export interface PresenceDiff {
  joins: Array<{ key: string; metas: Term[] }>;
  leaves: Array<{ key: string; metas: Term[] }>;
}

export function readPresenceDiff(payload: Term): PresenceDiff | undefined {
  if (!(payload instanceof ErlMap)) return undefined;
  const joins = side(field(payload, 'joins'));
  const leaves = side(field(payload, 'leaves'));
  if (joins === undefined || leaves === undefined) return undefined;
  return { joins, leaves };
}

function side(term: Term | undefined): PresenceDiff['joins'] | undefined {
  if (!(term instanceof ErlMap)) return undefined;
  const out: PresenceDiff['joins'] = [];
  for (let i = 0; i < term.size; i++) {
    const entry = term.values[i];
    const metas = entry instanceof ErlMap ? field(entry, 'metas') : undefined;
    out.push({ key: labelText(term.keys[i]!), metas: Array.isArray(metas) ? metas : [] });
  }
  return out;
}

function field(map: ErlMap, name: string): Term | undefined {
  return map.get(Atom.of(name)) ?? map.get(new TextEncoder().encode(name));
}
