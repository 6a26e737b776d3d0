/**
 * What the terminal UI may not do itself (src/ui imports no Redis and no capture code) and the
 * CLI hands it: writing the shown messages to a capture file (`w`) and publishing (`P`).
 */
import type { CaptureHeaderInput } from '../capture/header.js';
import { CaptureWriter } from '../capture/writer.js';
import type { RawMessage } from '../model/raw-message.js';
import { describeSpec, type ConnectionSpec } from '../redis/connection-spec.js';
import { isLoopbackTarget } from '../redis/loopback.js';
import { Publisher } from '../redis/publisher.js';
import type { PublishSink } from '../ui/publish.js';
import type { CaptureWriteHook } from '../ui/user-actions.js';

/** `w`: a new capture file (never appended to: it is a snapshot of the list); EEXIST unless `overwrite`. */
export function captureWriteHook(header: () => Promise<CaptureHeaderInput>): CaptureWriteHook {
  return async (path: string, messages: readonly RawMessage[], options: { overwrite: boolean }): Promise<number> => {
    const writer = await CaptureWriter.open(path, await header(), options.overwrite ? { overwrite: true } : {});
    try {
      for (const m of messages) writer.write(m);
    } finally {
      await writer.close();
    }
    return writer.stats.records;
  };
}

/** `P`: a Publisher on the watched Redis, connected on the first send and closed with the UI. */
export function publishSinkFor(spec: ConnectionSpec): PublishSink {
  let publisher: Publisher | undefined;
  let connecting: Promise<Publisher> | undefined;
  const connected = (): Promise<Publisher> =>
    (connecting ??= (async () => {
      const p = new Publisher(spec);
      try {
        await p.connect();
      } catch (error) {
        connecting = undefined; // try again on the next send
        throw error;
      }
      publisher = p;
      return p;
    })());
  return {
    target: describeSpec(spec),
    remote: !isLoopbackTarget(spec),
    publish: async (channel, bytes) => (await connected()).publish(channel, bytes),
    close: async () => {
      await publisher?.close();
    },
  };
}
