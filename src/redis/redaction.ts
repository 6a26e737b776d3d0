/**
 * Keeps passwords out of anything we print. ioredis error messages and the commands it attaches
 * to errors can carry the AUTH arguments, so every message that leaves src/redis goes through
 * `scrubSecrets` first.
 */
import { secretsOf, type ConnectionSpec } from './connection-spec.js';

const MASK = '***';
// scheme://user:secret@ — the secret part of any URL-looking userinfo.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@\s]*@/gi;

/** `text` with every secret of `spec` (raw and URL-encoded) and any URL password replaced by ***. */
export function scrubSecrets(text: string, spec: ConnectionSpec): string {
  let result = text.replace(URL_PASSWORD, `$1${MASK}@`);
  // Longest first, so a password that contains another one is masked whole.
  const forms = new Set<string>();
  for (const secret of secretsOf(spec)) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    result = result.split(form).join(MASK);
  }
  return result;
}

/** A single line (errors from Redis can span lines), scrubbed. */
export function oneScrubbedLine(text: string, spec: ConnectionSpec): string {
  return scrubSecrets(text, spec)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
}
