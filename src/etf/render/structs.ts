/**
 * Structs as the renderers see them. The codec knows no application: callers pass a registry of
 * struct modules and their field order (Phoenix's live in src/phoenix/structs.ts). MapSet is
 * Elixir's standard library and is recognised here.
 */

import { Atom, ErlMap, atoms, type Term } from '../term.js';

/**
 * Struct module (the atom's text, e.g. `'Elixir.Phoenix.Socket.Broadcast'`) → its fields in
 * definition order, without `__struct__`. This is the order Elixir's `inspect` prints them in.
 */
export type StructRegistry = ReadonlyMap<string, readonly string[]>;

export const MAPSET_MODULE = 'Elixir.MapSet';

/** The struct's fields in registry order, when `map` has exactly those keys (plus `__struct__`). */
export function registeredFields(
  map: ErlMap,
  module: Atom,
  registry: StructRegistry | undefined,
): readonly string[] | undefined {
  const fields = registry?.get(module.name);
  if (fields === undefined || map.size !== fields.length + 1) return undefined;
  for (const key of map.keys) {
    if (!(key instanceof Atom)) return undefined;
    if (key !== atoms.struct && !fields.includes(key.name)) return undefined;
  }
  return fields;
}

/** Value of the atom key `name`, or undefined. */
export function fieldValue(map: ErlMap, name: string): Term | undefined {
  const key = Atom.of(name);
  const keys = map.keys;
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) return map.values[i];
  return undefined;
}

/**
 * The elements of a MapSet as Elixir 1.14 builds it (`%{__struct__: MapSet, map: %{e => []},
 * version: 2}`), in the inner map's order; undefined for any other shape. `loose` accepts what
 * Elixir's `Inspect.MapSet` accepts (any struct with a `map` map), for `inspect` compatibility.
 */
export function mapSetElements(map: ErlMap, loose: boolean): readonly Term[] | undefined {
  const inner = fieldValue(map, 'map');
  if (!(inner instanceof ErlMap)) return undefined;
  if (loose) return inner.keys;
  if (map.size !== 3 || fieldValue(map, 'version') !== 2) return undefined;
  for (const v of inner.values) if (!(Array.isArray(v) && v.length === 0)) return undefined;
  return inner.keys;
}
