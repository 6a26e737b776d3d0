/**
 * File names for `split`: `0007-room_lobby-new_msg.etf`. The name is built from capture content
 * (topic, event), which anyone who could publish to the recorded Redis controls, so every part is
 * reduced to `[A-Za-z0-9._-]`, has no `..`, and is length-bounded: the result can never contain a
 * path separator, a NUL or a parent reference, and always fits a file system's 255-byte limit.
 */

/** Longest topic or event part kept in a name (the whole name stays below 120 bytes). */
export const MAX_NAME_PART = 48;

const OUTSIDE_SAFE_SET = /[^A-Za-z0-9._-]+/g;

/** `text` reduced to the safe set; '' when nothing of it survives. */
export function sanitizeNamePart(text: string, maxLength = MAX_NAME_PART): string {
  return (
    text
      .replace(OUTSIDE_SAFE_SET, '_')
      // No `..` anywhere: harmless without a separator, but nobody should have to think about it.
      .replace(/\.{2,}/g, '.')
      .slice(0, maxLength)
      // Punctuation at the ends only makes ugly names (`-_.-`); it carries no meaning.
      .replace(/^[._-]+|[._-]+$/g, '')
  );
}

/** Digits for record numbers, so that names sort in record order (at least 4, as in `0001`). */
export function indexWidth(totalRecords: number): number {
  return Math.max(4, String(Math.max(1, totalRecords)).length);
}

export type FixtureExtension = 'etf' | 'json' | 'msgpack' | 'bin';

export interface FixtureNameInput {
  /** 1-based record number in the capture. */
  index: number;
  width: number;
  topic?: string | undefined;
  event?: string | undefined;
  /** Used when neither topic nor event leaves anything (e.g. the message kind). */
  fallback: string;
  extension: FixtureExtension;
}

export function fixtureFileName(input: FixtureNameInput): string {
  const parts = [input.topic, input.event]
    .map((p) => (p === undefined ? '' : sanitizeNamePart(p)))
    .filter((p) => p !== '');
  if (parts.length === 0) {
    const fallback = sanitizeNamePart(input.fallback);
    if (fallback !== '') parts.push(fallback);
  }
  const index = String(input.index).padStart(input.width, '0');
  return [index, ...parts].join('-') + '.' + input.extension;
}
