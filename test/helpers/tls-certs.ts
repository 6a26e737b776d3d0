/**
 * Test PKI made with the system `openssl`: a CA, a server certificate for 127.0.0.1/::1/localhost
 * signed by it, a client certificate signed by it (for `tls-auth-clients yes`), and an unrelated
 * second CA to prove that verification really rejects a server it should not trust.
 * EC P-256 keys: generated in milliseconds. Made once per test worker and cached.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from './child-reaper.js';

const run = promisify(execFile);

export interface TlsMaterial {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A CA that signed none of the above. */
  otherCaFile: string;
}

let cached: Promise<TlsMaterial> | null = null;

export function tlsMaterial(): Promise<TlsMaterial> {
  cached ??= generate();
  return cached;
}

async function generate(): Promise<TlsMaterial> {
  const dir = makeTempDir('tls');
  const at = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

  await openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-days',
    '3',
    '-subj',
    '/CN=redis-print test CA',
  );
  await openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('other-ca.key'),
    '-out',
    at('other-ca.crt'),
    '-days',
    '3',
    '-subj',
    '/CN=some other CA',
  );

  writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(at('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const role of ['server', 'client'] as const) {
    await openssl(
      'req',
      '-new',
      ...ec,
      '-keyout',
      at(`${role}.key`),
      '-out',
      at(`${role}.csr`),
      '-subj',
      `/CN=redis-print test ${role}`,
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      at(`${role}.csr`),
      '-CA',
      at('ca.crt'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-out',
      at(`${role}.crt`),
      '-days',
      '3',
      '-extfile',
      at(`${role}.ext`),
    );
  }
  return {
    dir,
    caFile: at('ca.crt'),
    serverCertFile: at('server.crt'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.crt'),
    clientKeyFile: at('client.key'),
    otherCaFile: at('other-ca.crt'),
  };
}
