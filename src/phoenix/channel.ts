/**
 * Redis channel names (wire-format.md §1): `phx:` + the interpolated atom. Adapter ≤ 2.1.8
 * interpolates the PubSub name; 3.x the adapter name `Module.concat(name, "Adapter")`, which
 * always carries the `Elixir.` prefix, even for a plain-atom name.
 *
 *   Chat.PubSub   → phx:Elixir.Chat.PubSub     (v1)   phx:Elixir.Chat.PubSub.Adapter   (v3)
 *   :chat_pubsub  → phx:chat_pubsub            (v1)   phx:Elixir.chat_pubsub.Adapter   (v3)
 */

const PREFIX = 'phx:';
const ADAPTER_SUFFIX = '.Adapter';
const ALIAS = /^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*$/;

/**
 * The channel a node of `generation` uses for the PubSub called `pubsubName`, written as in
 * Elixir source: an alias `Chat.PubSub` (or its full atom text `Elixir.Chat.PubSub`), or a plain
 * atom `:chat_pubsub` / `:"chat-pubsub"`. Throws on a name that is neither, rather than guess.
 */
export function channelFor(pubsubName: string, generation: 1 | 3): string {
  const atomText = pubsubAtomText(pubsubName);
  if (generation === 1) return PREFIX + atomText;
  // Module.concat drops a leading "Elixir." from its parts and adds exactly one.
  const bare = atomText.startsWith('Elixir.') ? atomText.slice('Elixir.'.length) : atomText;
  return `${PREFIX}Elixir.${bare}${ADAPTER_SUFFIX}`;
}

/** The atom text of a PubSub name as Elixir would intern it. */
export function pubsubAtomText(pubsubName: string): string {
  const name = pubsubName.trim();
  if (name.startsWith(':"') && name.endsWith('"') && name.length > 3) return name.slice(2, -1);
  if (name.startsWith(':') && name.length > 1) return name.slice(1);
  if (name.startsWith('Elixir.') && ALIAS.test(name.slice('Elixir.'.length))) return name;
  if (ALIAS.test(name)) return `Elixir.${name}`;
  throw new Error(
    `cannot tell what PubSub name ${JSON.stringify(pubsubName)} is: write a module alias ` +
      '(Chat.PubSub) or a plain atom with its colon (:chat_pubsub)',
  );
}

/**
 * Which envelope generation a channel carries: 3 when it ends with `.Adapter`, else 1.
 * A guess from the name alone: a 2.x deployment whose PubSub is itself named `….Adapter`, or a
 * channel renamed by the unmerged `:redis_channel` / `:key_prefix` forks (§1.4), reads wrong —
 * callers that know better should say so explicitly.
 */
export function generationOfChannel(channel: string): 1 | 3 {
  return channel.endsWith(ADAPTER_SUFFIX) ? 3 : 1;
}
