import { isTlsUnverified, type ConnectionSpec } from '../redis/connection-spec.js';

/**
 * What every command that connects prints with --insecure, before connecting: one line on stderr,
 * in capitals, the same words everywhere, on every run (a flag left in a script must not go quiet).
 */
export const INSECURE_WARNING =
  'redis-print: WARNING: --insecure: the TLS certificate is NOT verified; anyone in between can read and change this traffic';

export function warnIfUnverified(
  spec: ConnectionSpec,
  stderr: { write(text: string): unknown } = process.stderr,
): void {
  if (isTlsUnverified(spec)) stderr.write(`${INSECURE_WARNING}\n`);
}
