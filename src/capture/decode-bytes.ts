/**
 * Whole-buffer decoding of a capture, for tests and small inputs already in memory. Same parser
 * and same errors as the streaming reader.
 */
import type { RawMessage } from '../model/raw-message.js';
import { CaptureParser, type CaptureEntry, type CaptureSegment, type TruncatedTail } from './capture-parser.js';

export interface DecodedCapture {
  entries: CaptureEntry[];
  segments: CaptureSegment[];
  messages: RawMessage[];
  truncatedTail: TruncatedTail | null;
}

/** @throws CaptureFormatError naming `source` */
export function decodeCaptureBytes(bytes: Uint8Array, source = '<memory>'): DecodedCapture {
  const parser = new CaptureParser(source);
  const entries: CaptureEntry[] = [];
  const consumedTo = parser.parse(bytes, 0, bytes.length, 0, entries);
  if (parser.fault !== null) throw parser.fault;
  const truncatedTail = parser.finish(bytes.subarray(consumedTo), consumedTo, bytes.length - consumedTo);
  const messages: RawMessage[] = [];
  for (const entry of entries) if (entry.kind === 'record') messages.push(entry.message);
  return { entries, segments: parser.segments, messages, truncatedTail };
}
