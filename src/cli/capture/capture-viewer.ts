/**
 * The hook through which `redis-print view FILE` opens the terminal UI on a capture. The UI
 * (src/ui) has no entry point for offline captures yet; until it has, this returns null and
 * `view` prints lines as `decode FILE.capture` does.
 *
 * To plug the UI in, make `loadCaptureViewer` lazily import it and return a function that shows
 * the capture's records (read with readCapture(path).messages()) through the same
 * MessagePipeline, filters, keys and stats as live watching, resolving to the exit code.
 */
import type { FilterFlagValues } from '../filters.js';

export interface CaptureViewFlags extends FilterFlagValues {
  json?: boolean;
  full?: boolean;
}

export type CaptureViewer = (path: string, flags: CaptureViewFlags) => Promise<number>;

export async function loadCaptureViewer(): Promise<CaptureViewer | null> {
  return null;
}
