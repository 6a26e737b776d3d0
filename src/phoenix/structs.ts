/**
 * Phoenix's own structs and their field order (the order `defstruct` lists them, which is the
 * order Elixir's `inspect` prints them in). Field sets are identical in Phoenix 1.2 … 1.8, except
 * that Message and Reply gained `join_ref` in 1.3; the registry describes the current shape, so
 * an older 4-field Message is shown as a plain map (as Elixir would, with the new struct loaded).
 */

import type { StructRegistry } from '../etf/render/structs.js';

export const PHOENIX_STRUCTS: StructRegistry = new Map<string, readonly string[]>([
  ['Elixir.Phoenix.Socket.Broadcast', ['topic', 'event', 'payload']],
  ['Elixir.Phoenix.Socket.Message', ['topic', 'event', 'payload', 'ref', 'join_ref']],
  ['Elixir.Phoenix.Socket.Reply', ['topic', 'status', 'payload', 'ref', 'join_ref']],
  [
    'Elixir.Phoenix.Tracker.State',
    ['replica', 'context', 'clouds', 'values', 'pids', 'mode', 'delta', 'replicas', 'range'],
  ],
]);
