/**
 * `redis-print demo`: the tool's main job on a working default, for someone with no Redis of
 * their own. Starts a private redis-server on a free loopback port, a simulated Phoenix
 * cluster publishing through it, and watches it with the usual watch options. Ctrl-C, --count
 * or --timeout stop everything it started.
 */
import { InProcessFeed } from '../../demo/in-process-feed.js';
import { redisServerAvailable, startPrivateRedis } from '../../demo/private-redis.js';
import { publishSimulatedTraffic } from '../../demo/publishing-cluster.js';
import type { StandaloneSpec } from '../../redis/connection-spec.js';
import { Subscriber } from '../../redis/subscriber.js';
import { parseCommandArgs } from '../args.js';
import { watchFlags } from '../command-defs.js';
import { CliError, UsageError } from '../errors.js';
import { exitCodeFor, type CliIo } from '../io.js';
import { watchConfigFrom } from '../watch-config.js';
import { runWatch } from '../watch-run.js';

export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  // Parsed with watch's connection flags too, to say why they make no sense here.
  const { values, positionals } = parseCommandArgs('demo', argv, watchFlags);
  if (positionals.length > 0) throw new UsageError(`demo takes no arguments, got "${positionals[0]}"`, 'demo');
  for (const flag of ['url', 'host', 'port', 'sentinel', 'cluster'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`demo runs its own Redis; --${flag} is for watch`, 'demo');
  }
  const config = watchConfigFrom(values, io);
  const { subscription } = config;

  if (!redisServerAvailable()) {
    process.stderr.write(
      '# redis-server is not on PATH (install it with: sudo apt-get install redis-server, or brew install redis);\n' +
        '# showing the simulated cluster in-process instead, without Redis in between\n',
    );
    return runWatch(config, { source: new InProcessFeed(), subscription });
  }

  // Ctrl-C while redis-server starts must not kill us before we can stop it (the default action
  // of SIGINT skips every cleanup, 'exit' handlers included). These listeners stay until the end
  // and reach runWatch through `stop`: removing them to let runWatch take over could drop a
  // signal that arrives at that moment. (`once`: a second Ctrl-C still kills.)
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => interrupt.abort(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let redis;
    try {
      redis = await startPrivateRedis();
    } catch (error) {
      throw new CliError(
        `cannot start a private redis-server: ${error instanceof Error ? error.message : String(error)}`,
        2,
      );
    }
    if (interrupt.signal.aborted) {
      await redis.stop();
      return exitCodeFor(interrupt.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    }
    const spec: StandaloneSpec = { mode: 'standalone', host: '127.0.0.1', port: redis.port };
    process.stderr.write(
      `# demo: private redis-server on 127.0.0.1:${redis.port}; nodes a@demo, b@demo (adapter 3.x) and c@demo (2.1.8)\n`,
    );
    let stopTraffic: (() => Promise<void>) | undefined;
    try {
      return await runWatch(config, {
        source: new Subscriber(spec, subscription),
        subscription,
        publishTo: spec,
        stop: interrupt.signal,
        onReady: async () => {
          stopTraffic = await publishSimulatedTraffic(spec, (message) =>
            process.stderr.write(`# demo publisher: ${message}\n`),
          );
        },
      });
    } finally {
      await stopTraffic?.();
      await redis.stop();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
