/**
 * Every command's flags and documentation. The commands parse with these objects and `--help`
 * and `completion` print them: one definition each. Kept free of heavy imports so that help is
 * instant and does not load blessed or ioredis.
 */
import {
  connectionFlags,
  filterFlags,
  helpFlag,
  lineOutputFlags,
  subscriptionFlags,
  type CommandDef,
  type FlagDefs,
} from './flags.js';
import { nodesOptions, presenceOptions } from './insight-options.js';

const LIMITS = 'Limits';

/** How terms are written, for every command that prints them (term-text.ts). */
const renderFlags = {
  elixir: {
    type: 'string',
    value: 'VERSION',
    choices: ['1.14', '1.15'],
    group: 'Output',
    help: "print terms as that Elixir's inspect does (default 1.14: charlists 'abc'; 1.15: ~c\"abc\")",
  },
} as const satisfies FlagDefs;

/** watch's own flags (demo takes them too; it brings its own Redis, so no connection flags). */
export const watchCoreFlags = {
  ...subscriptionFlags,
  ...filterFlags,
  ...lineOutputFlags,
  ...renderFlags,
  term: {
    type: 'boolean',
    negated: true,
    group: 'Output',
    help: 'NDJSON without the typed term (a third cheaper; docs/ndjson.md)',
  },
  tui: {
    type: 'boolean',
    negated: true,
    group: 'Output',
    help: 'one line per message even on a terminal (the default when piped)',
  },
  count: { type: 'string', value: 'N', group: LIMITS, help: 'exit 0 after N matching messages' },
  timeout: {
    type: 'string',
    value: 'DURATION',
    group: LIMITS,
    help: 'exit after this long (2s, 500ms, 1m): 0 if anything matched, 1 if nothing did',
  },
  buffer: { type: 'string', value: 'N', group: LIMITS, help: 'UI ring buffer size (default 10000)' },
  record: {
    type: 'string',
    value: 'FILE',
    complete: 'file',
    group: 'Output',
    help: 'also record the raw traffic to this capture file (appends)',
  },
  ...helpFlag,
} as const satisfies FlagDefs;

export const watchFlags = { ...connectionFlags, ...watchCoreFlags } as const satisfies FlagDefs;

export const DECODE_FORMATS = ['elixir', 'inspect', 'erlang', 'json', 'json-typed', 'hex'] as const;

export const decodeFlags = {
  format: {
    type: 'string',
    short: 'f',
    value: 'FORMAT',
    choices: DECODE_FORMATS,
    help: 'how to print a term (default elixir; captures: lines, or NDJSON with json)',
  },
  json: { type: 'boolean', help: 'same as --format json (captures: NDJSON, as watch --json)' },
  full: lineOutputFlags.full,
  time: lineOutputFlags.time,
  color: lineOutputFlags.color,
  width: { type: 'string', value: 'N', help: 'wrap Elixir output at N columns (default: terminal width or 100)' },
  ...renderFlags,
  ...filterFlags,
  ...helpFlag,
} as const satisfies FlagDefs;

export const ENCODE_FROM = ['elixir', 'json-typed'] as const;

export const encodeFlags = {
  from: { type: 'string', value: 'SYNTAX', choices: ENCODE_FROM, help: 'input syntax (default elixir)' },
  term: { type: 'string', value: 'TEXT', help: 'the term itself instead of a FILE' },
  compressed: {
    type: 'string',
    value: '[=LEVEL]',
    help: 'zlib-compress like term_to_binary(T, [compressed]) (bare: level 6; write --compressed=L)',
  },
  'minor-version': {
    type: 'string',
    value: 'N',
    choices: ['0', '1', '2'],
    help: 'as term_to_binary minor_version: 1 (default) atoms as Latin-1 when they fit (OTP 25), 2 UTF-8 atoms (OTP 26+), 0 also floats as text',
  },
  output: { type: 'string', short: 'o', value: 'FILE', complete: 'file', help: 'write here instead of stdout' },
  force: { type: 'boolean', help: 'overwrite an existing -o FILE' },
  yes: { type: 'boolean', short: 'y', help: 'same as --force' },
  ...helpFlag,
} as const satisfies FlagDefs;

export const recordFlags = {
  ...connectionFlags,
  ...subscriptionFlags,
  ...filterFlags,
  output: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    complete: 'file',
    help: 'the capture file (an existing capture gets a new session appended)',
  },
  count: { type: 'string', value: 'N', group: LIMITS, help: 'stop after N recorded messages' },
  duration: { type: 'string', value: 'DURATION', group: LIMITS, help: 'stop after this long (30s, 5m)' },
  ...helpFlag,
} as const satisfies FlagDefs;

export const viewFlags = {
  ...filterFlags,
  ...lineOutputFlags,
  ...renderFlags,
  tui: watchCoreFlags.tui,
  buffer: watchCoreFlags.buffer,
  ...helpFlag,
} as const satisfies FlagDefs;

export const splitFlags = {
  ...filterFlags,
  output: {
    type: 'string',
    short: 'o',
    value: 'DIR',
    complete: 'dir',
    help: 'directory for the .etf files (created; existing files are never overwritten)',
  },
  ...helpFlag,
} as const satisfies FlagDefs;

export const replayFlags = {
  ...connectionFlags,
  ...filterFlags,
  speed: { type: 'string', value: 'X', help: 'play at X times the recorded pace (default 1)' },
  'as-fast-as-possible': { type: 'boolean', help: 'no spacing at all' },
  'map-channel': {
    type: 'string',
    multiple: true,
    value: 'FROM=TO',
    help: 'publish what was recorded on channel FROM to TO (repeatable)',
  },
  yes: { type: 'boolean', short: 'y', help: 'confirm a target that is not this machine (no terminal to ask)' },
  force: { type: 'boolean', help: 'send payloads a receiving node would crash on' },
  sniff: {
    type: 'string',
    value: 'DURATION',
    help: 'listen this long on the target channels for what their nodes speak (default 2s; 0: judge by the names)',
  },
  ...helpFlag,
} as const satisfies FlagDefs;

const MESSAGE = 'Message';
const ENVELOPE = 'Envelope and encoding';

export const publishFlags = {
  ...connectionFlags,
  pubsub: { type: 'string', value: 'NAME', group: 'Where', help: 'the PubSub, e.g. Chat.PubSub' },
  channel: { type: 'string', value: 'CHANNEL', group: 'Where', help: 'the exact Redis channel instead' },
  generation: {
    type: 'string',
    value: 'GEN',
    choices: ['1', '3', 'auto'],
    group: 'Where',
    help: 'adapter generation: 1 (≤ 2.1.8), 3 (3.x), auto (default: listen, else PUBSUB NUMSUB)',
  },
  sniff: {
    type: 'string',
    value: 'DURATION',
    group: 'Where',
    help: 'listen on the channel this long for what its nodes speak (default 2s; auto: on both channels)',
  },
  topic: { type: 'string', value: 'TOPIC', group: MESSAGE, help: 'the topic' },
  event: { type: 'string', value: 'EVENT', group: MESSAGE, help: 'send a %Phoenix.Socket.Broadcast{} with this event' },
  payload: {
    type: 'string',
    value: 'JSON|@FILE|-',
    group: MESSAGE,
    help: 'the payload as JSON, lossless: 1.0 stays a float, big integers exact (default %{})',
  },
  term: {
    type: 'string',
    value: 'ELIXIR|@FILE|-',
    group: MESSAGE,
    help: 'the payload (or bare message) as an Elixir term',
  },
  message: { type: 'boolean', group: MESSAGE, help: 'send --payload as a bare message, not a Broadcast' },
  etf: {
    type: 'string',
    value: 'FILE',
    complete: 'file',
    group: MESSAGE,
    help: 'send these bytes exactly as they are (- for stdin)',
  },
  only: { type: 'string', value: 'NODE', group: ENVELOPE, help: '3.x: deliver on this node only' },
  sender: { type: 'string', value: 'NODE', group: ENVELOPE, help: '3.x: the sending node (:except)' },
  dispatcher: { type: 'string', value: 'MODULE', group: ENVELOPE, help: '3.x dispatcher module' },
  fastlane: { type: 'string', value: 'MODULE', group: ENVELOPE, help: '2.x fastlane module, or nil' },
  'v1-shape': {
    type: 'string',
    value: 'N',
    choices: ['7', '6', '5'],
    group: ENVELOPE,
    help: '2.x envelope tuple size (7 = adapter 2.1.2-2.1.8)',
  },
  'pool-size': { type: 'string', value: 'N', group: ENVELOPE, help: '2.x pool size' },
  compressed: { type: 'string', value: '[=LEVEL]', group: ENVELOPE, help: 'zlib-compress (bare: level 6)' },
  'otp26-atoms': { type: 'boolean', group: ENVELOPE, help: 'UTF-8 atoms as OTP 26+ (default: like OTP 25)' },
  'dry-run': { type: 'boolean', help: 'show what would be sent, send nothing' },
  hex: { type: 'boolean', help: 'print the term as hex' },
  force: { type: 'boolean', help: 'send what a receiving node would crash on or drop' },
  yes: { type: 'boolean', short: 'y', help: 'confirm a target that is not this machine (no terminal to ask)' },
  repeat: { type: 'string', value: 'N', help: 'send N times' },
  interval: { type: 'string', value: 'MS', help: 'between repeats (default 1000 ms)' },
  ...helpFlag,
} as const satisfies FlagDefs;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

const completionFlags = { ...helpFlag } as const satisfies FlagDefs;

/** In the order `redis-print --help` lists them. */
export const COMMAND_DEFS: readonly CommandDef[] = [
  {
    name: 'watch',
    summary: 'print Phoenix.PubSub traffic live (the default command)',
    usage: ['[watch] [connection] [subscription] [filters] [output]'],
    description: ['On a terminal: the live UI. Piped, or with --no-tui: one line per message; --json: NDJSON.'],
    flags: watchFlags,
    examples: [
      'redis-print --url redis://10.0.0.5:6379',
      "redis-print --pubsub Chat.PubSub --topic 'room:*' --no-tui",
      'redis-print --json --count 100 | jq .event',
      'redis-print --color always --no-tui | less -R',
    ],
  },
  {
    name: 'demo',
    summary: 'a private redis-server and a simulated cluster, watched',
    usage: ['demo [subscription] [filters] [output]'],
    flags: watchCoreFlags,
    examples: ['redis-print demo', 'redis-print demo --no-tui --count 20'],
  },
  {
    name: 'decode',
    summary: 'decode .etf files, captures or stdin',
    usage: ['decode [--format FORMAT] FILE... | -'],
    description: [
      'An .etf file (or stdin) is printed as a term; a capture file message by message, as watch prints.',
      'Filters apply to captures; on .etf files they are refused.',
    ],
    flags: decodeFlags,
    fileArgs: true,
    examples: [
      'redis-print decode fixtures/phoenix/3.1.5/broadcast.etf',
      'redis-print decode --format json-typed msg.etf | jq .',
      'redis-print decode --json --topic "room:*" traffic.capture',
    ],
  },
  {
    name: 'encode',
    summary: 'Elixir term syntax or typed JSON in, ETF bytes out',
    usage: ['encode [--from SYNTAX] [--compressed[=L]] (FILE | - | --term TEXT) [-o FILE]'],
    description: ['Writes atoms as OTP 25 does (minor_version 1), like publish: decode → encode is byte-identical.'],
    flags: encodeFlags,
    fileArgs: true,
    examples: [
      'redis-print encode --term \'%{"body" => "hi"}\' | xxd',
      'redis-print decode --format json-typed a.etf | redis-print encode --from json-typed - -o b.etf',
    ],
  },
  {
    name: 'publish',
    summary: 'publish a Broadcast or any term as a Phoenix node would',
    usage: ['publish --pubsub NAME --topic T --event E [--payload JSON | --term ELIXIR] [options]'],
    description: [
      'Refuses (exit 1) what a receiving node would crash on or drop, unless --force; a target that is',
      'not this machine needs a yes at the prompt, or --yes without a terminal.',
    ],
    flags: publishFlags,
    examples: [
      'redis-print publish --pubsub Chat.PubSub --topic room:lobby --event new:msg --payload \'{"body":"hi"}\'',
      'redis-print publish --channel phx:Chat.PubSub --etf msg.etf --dry-run --hex',
    ],
  },
  {
    name: 'record',
    summary: 'record traffic to a capture file',
    usage: ['record -o FILE [connection] [subscription] [filters] [--count N] [--duration D]'],
    flags: recordFlags,
    examples: [
      'redis-print record -o traffic.capture --duration 5m',
      'redis-print record -o t.capture --topic "room:*"',
    ],
  },
  {
    name: 'replay',
    summary: 'publish a capture byte for byte, with the recorded spacing',
    usage: ['replay FILE [connection] [--speed X | --as-fast-as-possible] [--map-channel FROM=TO]... [filters]'],
    flags: replayFlags,
    fileArgs: true,
    examples: [
      'redis-print replay traffic.capture --speed 2',
      'redis-print replay t.capture --url redis://staging:6379 --yes',
    ],
  },
  {
    name: 'view',
    summary: 'open the live UI on a capture, offline',
    usage: ['view FILE [filters] [--no-tui] [--json]'],
    flags: viewFlags,
    fileArgs: true,
    examples: ['redis-print view traffic.capture', 'redis-print view traffic.capture --no-tui --kind error'],
  },
  {
    name: 'split',
    summary: 'one .etf fixture per captured payload',
    usage: ['split FILE -o DIR [filters]'],
    flags: splitFlags,
    fileArgs: true,
    examples: ['redis-print split traffic.capture -o fixtures/ --event "new:*"'],
  },
  {
    name: 'nodes',
    summary: 'the nodes behind the traffic, and the misconfigurations that lose broadcasts',
    usage: ['nodes [connection] [subscription] [--duration 10s] [--json] [--down-period 30s]'],
    description: [
      'Watches the adapter channels until --duration ends it or Ctrl-C, then prints every node seen',
      '(name, adapter generation and envelope, channel, compression, atom encoding, tracker replicas,',
      'rates), the channels with PUBSUB NUMSUB where the ACL allows, and findings (docs/nodes.md).',
    ],
    flags: nodesOptions,
    examples: [
      'redis-print nodes --duration 30s',
      'redis-print nodes --url redis://10.0.0.2:6379 --duration 1m --json',
    ],
  },
  {
    name: 'presence',
    summary: 'Phoenix.Presence rebuilt from the tracker gossip',
    usage: ['presence [connection] [subscription] [--topic GLOB]... [--duration D] [--json]'],
    description: [
      'Prints joins, leaves and replicas going up/down as they happen, and at exit every presence per',
      'tracker and topic with its replica, and whether the state is complete (docs/presence.md).',
    ],
    flags: presenceOptions,
    examples: ["redis-print presence --pubsub MyApp.PubSub --topic 'room:*' --duration 1m"],
  },
  {
    name: 'completion',
    summary: 'print a shell completion script',
    usage: [`completion ${SHELLS.join('|')}`],
    description: ['Generated from the same flag definitions as this help.'],
    flags: completionFlags,
    examples: [
      'source <(redis-print completion bash)        # in ~/.bashrc',
      'redis-print completion zsh > "${fpath[1]}/_redis-print"',
      'redis-print completion fish > ~/.config/fish/completions/redis-print.fish',
    ],
  },
];

export function commandDef(name: string): CommandDef | undefined {
  return COMMAND_DEFS.find((d) => d.name === name);
}
