/** The capture file format: a MessagePack stream of session headers and raw-message records. */
export { CaptureWriter, type CaptureWriterOptions, type CaptureWriterStats, type AppendReport } from './writer.js';
export {
  CaptureReader,
  describeBadRecord,
  readCapture,
  scanCapture,
  type CaptureReadOptions,
  type CaptureSummary,
} from './reader.js';
export { decodeCaptureBytes, type DecodedCapture } from './decode-bytes.js';
export {
  DEFAULT_MAX_RECORD_BYTES,
  type BadRecord,
  type CaptureEntry,
  type CaptureSegment,
  type TruncatedTail,
} from './capture-parser.js';
export { CaptureFormatError } from './capture-error.js';
export {
  CAPTURE_FORMAT,
  CAPTURE_VERSION,
  type CaptureHeader,
  type CaptureHeaderInput,
  type CaptureTool,
} from './header.js';
export { redactTarget } from './redact-target.js';
