/** The real tracker captures in fixtures/tracker/ (see its manifest.json), read as raw messages. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../src/capture/reader.js';
import type { RawMessage } from '../../src/model/raw-message.js';

export const TRACKER_FIXTURES = fileURLToPath(new URL('../../fixtures/tracker/', import.meta.url));

export async function trackerCapture(name: string): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for await (const entry of readCapture(TRACKER_FIXTURES + name)) if (entry.kind === 'record') out.push(entry.message);
  return out;
}

export interface TimelineEntry {
  at: number;
  node: string;
  what: string;
}

export function trackerTimeline(name: string): TimelineEntry[] {
  const manifest = JSON.parse(readFileSync(TRACKER_FIXTURES + 'manifest.json', 'utf8')) as {
    captures: Record<string, { timeline: TimelineEntry[] }>;
  };
  return manifest.captures[name]!.timeline;
}
