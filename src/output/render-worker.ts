/**
 * The render worker: decodes, filters and renders the watcher's messages on a thread of its own,
 * so that the main thread does nothing but read the socket and write output — a flood is then
 * read at full speed (Redis never drops us for being slow), and what this thread cannot keep up
 * with is dropped, counted, before it is decoded (render-queue.ts).
 *
 * Started by RenderQueue with a WatchRenderSpec as workerData; replies once per item, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileFilter } from './filter.js';
import { readBatch } from './message-batch.js';
import { MessagePipeline } from './pipeline.js';
import type { RenderReply, ToRenderWorker } from './render-protocol.js';
import { dropReport, rendererFor, type WatchRenderSpec } from './render-spec.js';
import { setElixirVersion } from './term-text.js';
import { escapeUnsafe, escapeWord } from '../text/terminal-safe.js';
import { Utf8Lines } from './utf8-lines.js';
import type { WatchedMessage } from './watched-message.js';

const spec = workerData as WatchRenderSpec;
setElixirVersion(spec.elixir);
const port = parentPort!;
const pipeline = new MessagePipeline({ filter: compileFilter(spec.filter).filter });
const render = rendererFor(spec.render);
const lines = new Utf8Lines();
const maxShown = spec.maxShown ?? Infinity;
let droppedTotal = 0;
let stderr: string[] = [];

port.on('message', (item: ToRenderWorker) => {
  let weight = 0;
  switch (item.type) {
    case 'batch':
      for (const spare of item.spares) lines.recycle(spare);
      if (item.dropped > 0) reportDrops(item.dropped);
      weight = item.weight;
      readBatch(item.batch, (raw) => {
        // After --count N, later messages are neither counted nor shown.
        if (pipeline.counters.shown >= maxShown) return;
        const message = pipeline.accept(raw);
        if (message !== undefined) show(message);
      });
      break;
    case 'notice':
      lines.add(`# ${item.text}`);
      break;
    case 'drops':
      reportDrops(item.dropped);
      break;
  }
  const output = lines.takeOutput();
  const reply: RenderReply = { output, counters: { ...pipeline.counters }, weight, stderr };
  stderr = [];
  port.postMessage(reply, [output.buffer]);
});

function reportDrops(dropped: number): void {
  droppedTotal += dropped;
  lines.add(dropReport(spec.render, dropped, droppedTotal, Date.now()));
}

/** A message that cannot be rendered (a bug of ours) is reported; the stream goes on. */
function show(message: WatchedMessage): void {
  const start = lines.mark();
  try {
    render(message, lines);
  } catch (error) {
    lines.rewind(start);
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    const text = `# message ${message.seq} on ${escapeWord(message.raw.channel)} could not be printed: ${escapeUnsafe(reason)}`;
    if (spec.render.format === 'ndjson') stderr.push(text);
    else lines.add(text);
  }
}
