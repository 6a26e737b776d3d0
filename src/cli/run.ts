import { CliError, oneLine } from './errors.js';
import { usage } from './usage.js';

/** A command takes its own argv and resolves to an exit code. */
export type Command = (argv: string[]) => Promise<number>;

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
};

export async function runCli(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (first === '--version') {
    process.stdout.write(`${await toolVersion()}\n`);
    return 0;
  }
  // `redis-print` alone, or with watch flags, is `redis-print watch`.
  const name = first !== undefined && first in commands ? first : 'watch';
  const args = name === first ? rest : argv;
  try {
    const command = await commands[name]!();
    return await command(args);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`redis-print: ${oneLine(error)}\n`);
      return error.exitCode;
    }
    // Anything else is our bug: still one line, with a way to see more.
    process.stderr.write(`redis-print: internal error: ${oneLine(error)}\n`);
    if (process.env.REDIS_PRINT_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    return 2;
  }
}

export async function toolVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `redis-print ${pkg.version}`;
}
