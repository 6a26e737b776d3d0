import { commandDef, COMMAND_DEFS } from './command-defs.js';
import { CliError, oneLine, UsageError } from './errors.js';
import { commandHelp, globalHelp } from './help.js';
import { processIo, type CliIo } from './io.js';
import { closest } from './suggest.js';
import { toolVersion } from './version.js';

/** A command takes its own argv and the io to use, and resolves to an exit code. */
export type Command = (argv: string[], io: CliIo) => Promise<number>;

// Lazy imports: `redis-print decode` should not pay for loading blessed or ioredis.
const commands: Record<string, () => Promise<Command>> = {
  watch: async () => (await import('./commands/watch.js')).watchCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  decode: async () => (await import('./commands/decode.js')).decodeCommand,
  record: async () => (await import('./commands/record.js')).recordCommand,
  replay: async () => (await import('./commands/replay.js')).replayCommand,
  split: async () => (await import('./commands/split.js')).splitCommand,
  view: async () => (await import('./commands/view.js')).viewCommand,
  publish: async () => (await import('./commands/publish.js')).publishCommand,
  encode: async () => (await import('./commands/encode.js')).encodeCommand,
  nodes: async () => (await import('./commands/nodes.js')).nodesCommand,
  presence: async () => (await import('./commands/presence.js')).presenceCommand,
  completion: async () => (await import('./commands/completion.js')).completionCommand,
};

export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`redis-print: ${oneLine(error)}\n`);
      return error.exitCode;
    }
    // Anything else is our bug: still one line, with a way to see more.
    io.stderr.write(`redis-print: internal error: ${oneLine(error)}\n`);
    if (io.env.REDIS_PRINT_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === 'help') {
    const def = first === 'help' && rest[0] !== undefined ? known(rest[0]) : undefined;
    io.stdout.write(def ? commandHelp(def) : globalHelp());
    return 0;
  }
  if (first === '--version') {
    io.stdout.write(`redis-print ${await toolVersion()}\n`);
    return 0;
  }
  // `redis-print` alone, or with watch flags, is `redis-print watch`; a word that is no command
  // is a mistyped one (watch takes no positional arguments).
  if (first !== undefined && !first.startsWith('-') && !(first in commands)) known(first);
  const name = first !== undefined && first in commands ? first : 'watch';
  const args = name === first ? rest : argv;
  if (wantsHelp(args)) {
    io.stdout.write(commandHelp(known(name)));
    return 0;
  }
  const command = await commands[name]!();
  return await command(args, io);
}

/** `--help` anywhere before a `--` (which ends the flags). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--help');
}

function known(name: string): NonNullable<ReturnType<typeof commandDef>> {
  const def = commandDef(name);
  if (def) return def;
  const guess = closest(
    name,
    COMMAND_DEFS.map((d) => d.name),
  );
  throw new UsageError(`unknown command "${name}"${guess ? ` (did you mean ${guess}?)` : ''}`);
}
