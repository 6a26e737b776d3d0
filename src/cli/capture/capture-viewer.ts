/**
 * `redis-print view FILE` on a terminal: the live UI in its offline mode, fed by the capture.
 * Same keys, filters (the flags are the starting filter, `/` edits it) and stats as watching,
 * with the recorded receive times driving the stats. Loaded only when used, so printing lines
 * never pays for blessed.
 */
import { scanCapture } from '../../capture/reader.js';
import type { FilterSpec } from '../../output/filter.js';
import { MessagePipeline } from '../../output/pipeline.js';
import { uiExitCode } from '../io.js';
import { toolVersion } from '../version.js';
import { captureWriteHook } from '../ui-hooks.js';
import { CaptureFeed } from './capture-feed.js';

export interface CaptureViewConfig {
  /** The starting filter, editable with `/`. */
  filter: FilterSpec;
  /** Ring buffer size; default: the whole capture (up to a million). */
  bufferSize: number | undefined;
}

export type CaptureViewer = (path: string, config: CaptureViewConfig) => Promise<number>;

/** Messages kept when the capture is larger and no --buffer is given. */
const DEFAULT_MAX_BUFFER = 1_000_000;

export async function loadCaptureViewer(): Promise<CaptureViewer> {
  const { runUi } = await import('../../ui/app.js');
  return async (path, config) => {
    const scanned = await scanCapture(path);
    const first = scanned.segments[0]?.header;
    // Offline, the whole capture should be browsable: keep every record unless told otherwise.
    const bufferSize = config.bufferSize ?? Math.min(Math.max(scanned.records, 1), DEFAULT_MAX_BUFFER);
    const feed = new CaptureFeed(path);
    const ui = runUi({
      source: feed,
      pipeline: new MessagePipeline(),
      subscription: { patterns: first?.patterns ?? [], channels: first?.channels ?? [] },
      filter: config.filter,
      bufferSize,
      mode: 'offline',
      // `w` writes the messages shown to a new capture, with the original session's subscriptions.
      writeCapture: captureWriteHook(async () => ({
        tool: { name: 'redis-print', version: await toolVersion() },
        target: first?.target ?? path,
        patterns: first?.patterns ?? [],
        channels: first?.channels ?? [],
      })),
    });
    void feed.start().catch(() => undefined); // I/O errors: the file was readable a moment ago (scan)
    const end = await ui.finished;
    feed.close();
    await ui.close();
    process.stderr.write(`# ${path}: ${ui.summary()}\n`);
    return uiExitCode(end);
  };
}
