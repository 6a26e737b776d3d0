/**
 * The header that opens every segment of a capture: what recorded it, when, from where, and
 * which subscriptions it held. Converts between the TS shape and the wire map, and validates a
 * decoded map (a header is the only thing that tells a capture apart from any other msgpack).
 */
import { redactTarget } from './redact-target.js';

export const CAPTURE_FORMAT = 'redis-print-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureTool {
  name: string;
  version: string;
}

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  tool: CaptureTool;
  /** ISO 8601 time the recording session started. */
  startedAt: string;
  /** The Redis target with any credentials removed. */
  target: string;
  /** PSUBSCRIBE patterns of the session. */
  patterns: readonly string[];
  /** SUBSCRIBE channels of the session. */
  channels: readonly string[];
}

/** What a writer's caller supplies; format and version are the writer's business. */
export interface CaptureHeaderInput {
  tool: CaptureTool;
  /** Must already be redacted; credentials in URLs are scrubbed again anyway. */
  target: string;
  patterns?: readonly string[];
  channels?: readonly string[];
  /** Defaults to the moment the writer opens the file. */
  startedAt?: Date | string;
}

export function completeHeader(input: CaptureHeaderInput): CaptureHeader {
  const startedAt = input.startedAt ?? new Date();
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    tool: { name: input.tool.name, version: input.tool.version },
    startedAt: typeof startedAt === 'string' ? startedAt : startedAt.toISOString(),
    target: redactTarget(input.target),
    patterns: [...(input.patterns ?? [])],
    channels: [...(input.channels ?? [])],
  };
}

/**
 * The wire map. `format` is deliberately the first key: every capture then starts with the same
 * bytes after the map header, which is how the reader tells "header cut off" from "not a capture".
 */
export function headerToWire(header: CaptureHeader): Record<string, unknown> {
  return {
    format: header.format,
    version: header.version,
    tool: { name: header.tool.name, version: header.tool.version },
    started_at: header.startedAt,
    target: header.target,
    patterns: [...header.patterns],
    channels: [...header.channels],
  };
}

/** The bytes every capture starts with after its map-header byte: `format` then its value. */
export const HEADER_SIGNATURE: Uint8Array = new Uint8Array([
  0xa6,
  ...Buffer.from('format', 'latin1'),
  0xa0 | CAPTURE_FORMAT.length,
  ...Buffer.from(CAPTURE_FORMAT, 'latin1'),
]);

/** A decoded header, or the reason it is not one. */
export type HeaderParse = { ok: true; header: CaptureHeader } | { ok: false; reason: string };

/**
 * Validates a decoded map. `format` and `version` are required; the other fields default when
 * absent (so other tools may write minimal captures) but must have the right type when present.
 * Unknown keys are ignored, so later versions can add fields without breaking this reader.
 */
export function headerFromWire(value: unknown): HeaderParse {
  if (!isPlainRecord(value)) return { ok: false, reason: 'expected the header map' };
  if (value['format'] !== CAPTURE_FORMAT) {
    return { ok: false, reason: `the map has no format: "${CAPTURE_FORMAT}"` };
  }
  if (value['version'] !== CAPTURE_VERSION) {
    return {
      ok: false,
      reason: `capture version ${String(value['version'])} is not supported (this reader knows ${CAPTURE_VERSION})`,
    };
  }
  const tool = value['tool'] ?? { name: '', version: '' };
  if (!isPlainRecord(tool) || typeof tool['name'] !== 'string' || typeof tool['version'] !== 'string') {
    return { ok: false, reason: 'header field tool is not {name, version} strings' };
  }
  const startedAt = value['started_at'] ?? '';
  const target = value['target'] ?? '';
  const patterns = value['patterns'] ?? [];
  const channels = value['channels'] ?? [];
  if (typeof startedAt !== 'string') return notA('started_at', 'a string');
  if (typeof target !== 'string') return notA('target', 'a string');
  if (!isStringArray(patterns)) return notA('patterns', 'an array of strings');
  if (!isStringArray(channels)) return notA('channels', 'an array of strings');
  return {
    ok: true,
    header: {
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      tool: { name: tool['name'], version: tool['version'] },
      startedAt,
      // Redacted on the way in as well: a capture written by another tool may carry a password.
      target: redactTarget(target),
      patterns,
      channels,
    },
  };
}

function notA(field: string, what: string): HeaderParse {
  return { ok: false, reason: `header field ${field} is not ${what}` };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
