/**
 * `watch` and `demo` on a terminal: the live UI instead of lines. Loaded only when used, so
 * piped output never pays for blessed.
 */
import { intFlag } from './args.js';
import { specFromFlags } from '../output/filter.js';
import type { MessagePipeline } from '../output/pipeline.js';
import type { UiSession } from '../ui/app.js';
import { toolVersion } from './version.js';
import { captureWriteHook, publishSinkFor } from './ui-hooks.js';
import type { WatchFlags, WatchTarget } from './watch-run.js';

/** The UI needs a terminal both ways (keys in, screen out) and no request for lines or NDJSON. */
export function wantsUi(flags: WatchFlags): boolean {
  return process.stdout.isTTY === true && process.stdin.isTTY === true && flags.tui !== false && !flags.json;
}

/**
 * Opens the UI on `target.source`. `pipeline` must have no filter: the filter flags become the
 * UI's starting filter instead, which `/` can change.
 */
export async function openWatchUi(
  flags: WatchFlags,
  target: WatchTarget,
  pipeline: MessagePipeline,
): Promise<UiSession> {
  const bufferSize = intFlag('buffer', flags.buffer, 10_000);
  const { runUi } = await import('../ui/app.js');
  const header = async () => ({
    tool: { name: 'redis-print', version: await toolVersion() },
    target: target.source.target,
    patterns: target.subscription.patterns,
    channels: target.subscription.channels,
  });
  return runUi({
    source: target.source,
    pipeline,
    subscription: target.subscription,
    filter: specFromFlags(flags),
    bufferSize,
    ...(flags.record ? { recording: flags.record } : {}),
    writeCapture: captureWriteHook(header),
    ...(target.publishTo ? { publish: publishSinkFor(target.publishTo) } : {}),
  });
}
