/**
 * `watch` and `demo` on a terminal: the live UI instead of lines. Loaded only when used, so
 * piped output never pays for blessed.
 */
import type { MessagePipeline } from '../output/pipeline.js';
import type { UiSession } from '../ui/app.js';
import { toolVersion } from './version.js';
import { captureWriteHook, publishSinkFor } from './ui-hooks.js';
import type { WatchConfig } from './watch-config.js';
import type { WatchTarget } from './watch-run.js';

/**
 * Opens the UI on `target.source`. `pipeline` must have no filter: the filter flags become the
 * UI's starting filter instead, which `/` can change.
 */
export async function openWatchUi(
  config: WatchConfig,
  target: WatchTarget,
  pipeline: MessagePipeline,
): Promise<UiSession> {
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
    filter: config.filter.spec,
    bufferSize: config.limits.bufferSize,
    ...(config.output.record ? { recording: config.output.record } : {}),
    writeCapture: captureWriteHook(header),
    ...(target.publishTo ? { publish: publishSinkFor(target.publishTo) } : {}),
  });
}
