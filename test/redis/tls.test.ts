import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ConnectionSpec, TlsSpec } from '../../src/redis/connection-spec.js';
import { describeSpec, isTlsUnverified } from '../../src/redis/connection-spec.js';
import { Publisher } from '../../src/redis/publisher.js';
import { Subscriber } from '../../src/redis/subscriber.js';
import { RedisConnectionError } from '../../src/redis/errors.js';
import { rawPublish, startRedis, waitUntil, type RedisServer } from '../helpers/redis-server.js';

let server: RedisServer; // TLS only, client certificates optional
let mutual: RedisServer; // TLS only, client certificate required
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [server, mutual] = await Promise.all([
    startRedis({ name: 'tls', tls: { authClients: 'no' }, requirepass: 'tls-pw-1' }),
    startRedis({ name: 'mtls', tls: { authClients: 'yes' } }),
  ]);
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all([server?.stop(), mutual?.stop()]);
});

function specFor(target: RedisServer, tls: TlsSpec): ConnectionSpec {
  return {
    mode: 'standalone',
    host: '127.0.0.1',
    port: target.port,
    tls,
    ...(target === server ? { password: 'tls-pw-1' } : {}),
  };
}

async function subscribe(spec: ConnectionSpec, patterns = ['phx:*']): Promise<Subscriber> {
  const subscriber = new Subscriber(spec, { firstConnectTimeoutMs: 2000, patterns });
  closers.push(() => subscriber.close());
  await subscriber.start();
  return subscriber;
}

test('verification on by default: the test CA is trusted, payloads arrive intact', async () => {
  const spec = specFor(server, { caFile: server.tls!.caFile });
  expect(isTlsUnverified(spec)).toBe(false);
  expect(describeSpec(spec)).toBe(`rediss://:***@127.0.0.1:${server.port}/0`);
  const subscriber = await subscribe(spec);
  const payload = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
  const received: Buffer[] = [];
  subscriber.on('message', (m) => received.push(Buffer.from(m.payload)));
  await rawPublish(server, 'phx:tls', payload);
  await waitUntil(() => received.length === 1, 'the TLS message');
  expect(received[0]!.equals(payload)).toBe(true);
});

test('the wrong CA (or none: the system list) is rejected with a certificate error', async () => {
  for (const tls of [{ caFile: server.tls!.otherCaFile }, {}]) {
    const error = (await subscribe(specFor(server, tls)).catch((e: unknown) => e)) as RedisConnectionError;
    expect(error).toBeInstanceOf(RedisConnectionError);
    expect(error.reason).toBe('tls');
    expect(error.message).toMatch(
      /TLS certificate rejected \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    expect(error.message).not.toContain('tls-pw-1');
  }
});

test('insecure connects without verification, and says so in its description', async () => {
  const spec = specFor(server, { insecure: true, caFile: server.tls!.otherCaFile });
  expect(isTlsUnverified(spec)).toBe(true);
  const subscriber = await subscribe(spec, ['insecure:*']);
  expect(subscriber.target).toMatch(/\(TLS certificate NOT verified\)$/);
  const publisher = new Publisher(spec);
  closers.push(() => publisher.close());
  await publisher.connect();
  expect(await publisher.publish('insecure:x', new Uint8Array([1, 2, 3]))).toBe(1);
  await waitUntil(() => subscriber.stats.messages === 1, 'the message');
});

test('plain TCP to a TLS port fails instead of hanging', async () => {
  const spec: ConnectionSpec = { mode: 'standalone', host: '127.0.0.1', port: server.port, password: 'tls-pw-1' };
  const error = (await subscribe(spec).catch((e: unknown) => e)) as RedisConnectionError;
  expect(error).toBeInstanceOf(RedisConnectionError);
  expect(error.message).toMatch(/if it expects TLS, add --tls/);
  expect(error.message).not.toContain('tls-pw-1');
});

test('a server that requires client certificates accepts --cert/--key and refuses without them', async () => {
  const tls = mutual.tls!;
  await subscribe(specFor(mutual, { caFile: tls.caFile, certFile: tls.clientCertFile, keyFile: tls.clientKeyFile }));
  const error = (await subscribe(specFor(mutual, { caFile: tls.caFile })).catch(
    (e: unknown) => e,
  )) as RedisConnectionError;
  expect(error).toBeInstanceOf(RedisConnectionError);
  expect(error.message).toBe(
    `cannot connect to rediss://127.0.0.1:${mutual.port}/0: the server requires a client certificate (--cert and --key)`,
  );
});

test('TLS to a plaintext port times out with a hint', async () => {
  const plain = await startRedis({ name: 'plain' });
  try {
    const spec: ConnectionSpec = { mode: 'standalone', host: '127.0.0.1', port: plain.port, tls: {} };
    const error = (await subscribe(spec).catch((e: unknown) => e)) as RedisConnectionError;
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(
      `cannot connect to rediss://127.0.0.1:${plain.port}/0: timed out (if the port does not speak TLS, drop --tls)`,
    );
  } finally {
    await plain.stop();
  }
});

test('an unreadable --cacert file is reported as such, before connecting', async () => {
  const error = (await subscribe(specFor(server, { caFile: '/nonexistent/ca.pem' })).catch(
    (e: unknown) => e,
  )) as RedisConnectionError;
  expect(error.reason).toBe('config');
  expect(error.message).toMatch(/cannot read the --cacert file \/nonexistent\/ca\.pem \(ENOENT\)/);
});
