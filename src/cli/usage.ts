/** The --help text: every command and flag, grouped the way people look for them. */
export function usage(): string {
  return `redis-print — see what Phoenix.PubSub's Redis adapter sends between your nodes

Usage:
  redis-print [watch] [connection] [subscription] [filters] [output]
  redis-print demo [watch options]          private redis-server + simulated 3-node cluster, watched
  redis-print decode [--format F] FILE... | -   decode .etf files, captures or stdin
  redis-print encode [--from elixir|json-typed] [--compressed[=L]] (FILE | - | --term TEXT) [-o FILE]
  redis-print publish --pubsub NAME --topic T --event E --payload JSON [publish options]
  redis-print record -o FILE [connection] [subscription] [filters] [--count N] [--duration S]
                                            record to a capture file (appends a new session)
  redis-print replay FILE [connection] [--speed X | --as-fast-as-possible] [--map-channel FROM=TO]...
                     [filters] [--sniff 2s] [--yes] [--force]   publish a capture byte for byte, recorded spacing
  redis-print view FILE [filters] [--no-tui] open the live UI on a capture, offline
  redis-print split FILE -o DIR [filters]    one .etf fixture per captured payload

Connection (redis-cli spelling; also REDIS_URL):
  --url redis://[user:pass@]host:port/db | rediss://...
  -h HOST  -p PORT  -a PASSWORD  --user USER  --pass PASSWORD  -n DB
  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure
  --sentinel HOST:PORT[,HOST:PORT] --master-name NAME
  --cluster                                  attach through a Redis Cluster node

Subscription (default: PSUBSCRIBE phx:*):
  --pattern P        PSUBSCRIBE P (repeatable)
  --channel C        SUBSCRIBE C exactly (repeatable)
  --pubsub NAME      both generations' channels of a PubSub, e.g. Chat.PubSub (repeatable)

Filters (combinable; repeating a flag means "any of"):
  --topic GLOB  --event GLOB  --node GLOB  --grep TEXT
  --kind broadcast|message|reply|tracker|presence_diff|term|msgpack|json|raw

Output:
  --no-tui           one line per message even on a terminal (the default when piped)
  --json             NDJSON, one object per message (see README)
  --full             do not truncate lines to the terminal width
  --count N          exit 0 after N matching messages
  --timeout S        exit after S seconds: 0 if anything matched, 1 if nothing did
  --buffer N         UI ring buffer size (default 10000)
  --record FILE      also record raw traffic to a capture file
  NO_COLOR=1         no colours

Publish (the term goes to stdout, or its hex with --hex; everything else to stderr):
  --pubsub NAME | --channel C          where; --channel is the exact channel name
  --topic T --event E [--payload JSON | --term ELIXIR]
                                       a %Phoenix.Socket.Broadcast{} (payload default %{});
                                       JSON is lossless: 1.0 stays a float, big integers exact
  --topic T --term ELIXIR              any message term, no Broadcast (or --payload JSON --message)
  --payload @FILE | -, --term @FILE | -  read it from a file or standard input (any size)
  --etf FILE | -                       send these bytes exactly as they are
  --generation 1|3|auto  --sniff 2s    listen on the channel for what its nodes speak (auto: on
                                       both channels to pick one, else PUBSUB NUMSUB)
  --only NODE | --sender NODE  --dispatcher MOD          3.x envelope {3, :except|:only, ...}
  --v1-shape 7|6|5  --fastlane MOD|nil  --pool-size N    2.x envelope (7 = adapter 2.1.2-2.1.8)
  --compressed[=L]  --otp26-atoms      encoding (default: like OTP 25, not compressed)
  --dry-run  --hex  --force  -y/--yes  --repeat N --interval MS
  Refuses (exit 1) what the channel's nodes would crash on or drop, unless --force: judged by the
  envelopes heard there, else by the channel name (….Adapter = 3.x, else the 2.1.2-2.1.8 7-tuple).
  A target that is not this machine needs a yes at the prompt, or --yes without a terminal.

Exit codes: 0 ok, 1 ran but found a problem (nothing matched, a file did not decode), 2 could not run.
`;
}
