/** The atoms the adapter and Phoenix put on the wire, spelled as the VM stores them. */
import { Atom } from '../etf/term.js';

export const modes = {
  except: Atom.of('except'),
  only: Atom.of('only'),
} as const;

/** Dispatcher (v3) and fastlane (v1) modules: the only ones a publisher should ever name (§3.4). */
export const modules = {
  pubsub: Atom.of('Elixir.Phoenix.PubSub'),
  channelServer: Atom.of('Elixir.Phoenix.Channel.Server'),
} as const;

export const structs = {
  broadcast: Atom.of('Elixir.Phoenix.Socket.Broadcast'),
  message: Atom.of('Elixir.Phoenix.Socket.Message'),
  reply: Atom.of('Elixir.Phoenix.Socket.Reply'),
  trackerState: Atom.of('Elixir.Phoenix.Tracker.State'),
  mapSet: Atom.of('Elixir.MapSet'),
} as const;

export const keys = {
  topic: Atom.of('topic'),
  event: Atom.of('event'),
  payload: Atom.of('payload'),
  status: Atom.of('status'),
  values: Atom.of('values'),
  clouds: Atom.of('clouds'),
  map: Atom.of('map'),
} as const;

export const misc = {
  none: Atom.of('none'),
  pub: Atom.of('pub'),
  empty: Atom.of('empty'),
} as const;
