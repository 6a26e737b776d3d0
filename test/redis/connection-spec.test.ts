import { describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectionSpecError,
  describeSpec,
  isTlsUnverified,
  parseEndpoint,
  parseRedisUrl,
  parseSentinelList,
  type ConnectionSpec,
} from '../../src/redis/connection-spec.js';
import { scrubSecrets } from '../../src/redis/redaction.js';
import { connectionError, explainFailure } from '../../src/redis/errors.js';
import { nodeOptions, sentinelModeOptions, tlsOptions } from '../../src/redis/ioredis-options.js';
import { isLoopbackHost, isLoopbackTarget } from '../../src/redis/loopback.js';
import { endpointsFromClusterSlots, mergeEndpoints } from '../../src/redis/cluster-nodes.js';

describe('parseRedisUrl', () => {
  test('user, password, host, port and db', () => {
    expect(parseRedisUrl('redis://app:s3cret@10.0.0.5:6380/2')).toEqual({
      mode: 'standalone',
      host: '10.0.0.5',
      port: 6380,
      username: 'app',
      password: 's3cret',
      db: 2,
    });
  });

  test('defaults, rediss, password without user, percent-encoding, IPv6', () => {
    expect(parseRedisUrl('redis://cache')).toEqual({ mode: 'standalone', host: 'cache', port: 6379 });
    expect(parseRedisUrl('rediss://:p%40ss%3Aw0rd@cache:6390')).toEqual({
      mode: 'standalone',
      host: 'cache',
      port: 6390,
      password: 'p@ss:w0rd',
      tls: {},
    });
    expect(parseRedisUrl('redis://[::1]:7000/0')).toMatchObject({ host: '::1', port: 7000, db: 0 });
  });

  test('rejects other schemes and non-numeric databases without echoing the URL', () => {
    expect(() => parseRedisUrl('http://u:topsecret@host')).toThrow(ConnectionSpecError);
    expect(() => parseRedisUrl('redis://u:topsecret@host/abc')).toThrow(/database/);
    for (const bad of ['http://u:topsecret@host', 'redis://u:topsecret@host/abc', 'not a url topsecret']) {
      try {
        parseRedisUrl(bad);
      } catch (error) {
        expect(String(error)).not.toContain('topsecret');
      }
    }
  });
});

describe('endpoint and sentinel lists', () => {
  test('host:port, bracketed and bare IPv6, default port', () => {
    expect(parseEndpoint('h:1', 9)).toEqual({ host: 'h', port: 1 });
    expect(parseEndpoint('h', 9)).toEqual({ host: 'h', port: 9 });
    expect(parseEndpoint('[::1]:26380', 9)).toEqual({ host: '::1', port: 26380 });
    expect(parseEndpoint('fe80::2', 9)).toEqual({ host: 'fe80::2', port: 9 });
    expect(() => parseEndpoint('h:99999', 9)).toThrow(/invalid port/);
  });

  test("sentinel list with and without the sentinels' own credentials", () => {
    expect(parseSentinelList('s1:26379, s2')).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
    });
    expect(parseSentinelList('redis://:sp%21@s1:1,:sp!@s2:2')).toEqual({
      sentinels: [
        { host: 's1', port: 1 },
        { host: 's2', port: 2 },
      ],
      sentinelPassword: 'sp!',
    });
    expect(parseSentinelList('admin:x@s1')).toMatchObject({ sentinelUsername: 'admin', sentinelPassword: 'x' });
    expect(() => parseSentinelList(':a@s1,:b@s2')).toThrow(/different credentials/);
    expect(() => parseSentinelList(' , ')).toThrow(/at least one/);
  });
});

describe('describeSpec never shows a password', () => {
  const cases: [ConnectionSpec, string][] = [
    [
      { mode: 'standalone', host: '10.0.0.5', port: 6379, username: 'app', password: 'pw-1', db: 0 },
      'redis://app:***@10.0.0.5:6379/0',
    ],
    [{ mode: 'standalone', host: 'h', port: 1, password: 'pw-1', tls: {} }, 'rediss://:***@h:1/0'],
    [{ mode: 'standalone', host: '::1', port: 1, username: 'u' }, 'redis://u@[::1]:1/0'],
    [
      { mode: 'standalone', host: 'h', port: 1, tls: { insecure: true } },
      'rediss://h:1/0 (TLS certificate NOT verified)',
    ],
    [
      {
        mode: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
        ],
        masterName: 'mymaster',
        username: 'app',
        password: 'pw-1',
        sentinelPassword: 'pw-2',
        db: 3,
      },
      'redis+sentinel://app:***@s1:26379,s2:26380/mymaster/3 (sentinel auth :***)',
    ],
    [{ mode: 'cluster', nodes: [{ host: 'c1', port: 7000 }], password: 'pw-1' }, 'redis+cluster://:***@c1:7000'],
  ];
  test.each(cases)('%j', (spec, expected) => {
    const text = describeSpec(spec);
    expect(text).toBe(expected);
    expect(text).not.toMatch(/pw-\d/);
  });

  test('isTlsUnverified flags --insecure only', () => {
    expect(isTlsUnverified({ mode: 'standalone', host: 'h', port: 1, tls: { insecure: true } })).toBe(true);
    expect(isTlsUnverified({ mode: 'standalone', host: 'h', port: 1, tls: {} })).toBe(false);
    expect(isTlsUnverified({ mode: 'standalone', host: 'h', port: 1 })).toBe(false);
  });
});

describe('scrubbing secrets from messages', () => {
  const spec: ConnectionSpec = {
    mode: 'sentinel',
    sentinels: [{ host: 's', port: 1 }],
    masterName: 'm',
    password: 'data p@ss',
    sentinelPassword: 'sent',
  };
  test('raw, URL-encoded and URL-embedded secrets are masked', () => {
    const text = 'AUTH data p@ss failed; url redis://x:data%20p%40ss@h; sentinel sent; other rediss://u:zzz@h';
    const scrubbed = scrubSecrets(text, spec);
    expect(scrubbed).not.toContain('data p@ss');
    expect(scrubbed).not.toContain('data%20p%40ss');
    expect(scrubbed).not.toContain('sent;');
    expect(scrubbed).not.toContain('zzz');
    expect(scrubbed).toContain('rediss://u:***@h');
  });

  test('connection errors are one scrubbed line with a reason', () => {
    const error = Object.assign(new Error('WRONGPASS invalid username-password pair\nAUTH data p@ss'), {});
    const failure = connectionError(error, spec);
    expect(failure.reason).toBe('auth');
    expect(failure.message).toBe(
      'cannot connect to redis+sentinel://:***@s:1/m/0 (sentinel auth :***): authentication failed: wrong username or password',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
    expect(explainFailure(refused, spec)).toEqual({ reason: 'refused', detail: 'connection refused' });
    const noperm = new Error("NOPERM this user has no permissions to run the 'psubscribe' command");
    expect(explainFailure(noperm, spec)).toEqual({
      reason: 'permission',
      detail: "permission denied by the server's ACL: this user has no permissions to run the 'psubscribe' command",
    });
    const leaky = new Error('weird failure mentioning data p@ss\r\n and more');
    expect(explainFailure(leaky, spec)).toEqual({ reason: 'other', detail: 'weird failure mentioning *** and more' });
  });
});

describe('ioredis options are quiet (no INFO, SETNAME, SETINFO, SELECT)', () => {
  test('standalone node options', () => {
    const options = nodeOptions(
      { mode: 'standalone', host: 'h', port: 1, db: 5, username: 'u', password: 'p' },
      { host: 'h', port: 1 },
      1234,
    );
    expect(options).toMatchObject({
      host: 'h',
      port: 1,
      username: 'u',
      password: 'p',
      db: 0,
      enableReadyCheck: false,
      disableClientInfo: true,
      autoResubscribe: false,
      lazyConnect: true,
      connectTimeout: 1234,
    });
    expect(options.connectionName).toBeUndefined();
    expect(options.retryStrategy?.(1)).toBeNull();
  });

  test("sentinel options keep the master's and the sentinels' credentials apart", () => {
    const options = sentinelModeOptions(
      {
        mode: 'sentinel',
        sentinels: [{ host: 's', port: 2 }],
        masterName: 'm',
        password: 'data',
        sentinelPassword: 'sent',
      },
      1000,
    );
    expect(options).toMatchObject({
      sentinels: [{ host: 's', port: 2 }],
      name: 'm',
      password: 'data',
      sentinelPassword: 'sent',
      role: 'master',
    });
    expect(options.sentinelTLS).toBeUndefined();
    const tlsOptionsOn = sentinelModeOptions(
      { mode: 'sentinel', sentinels: [{ host: 's', port: 2 }], masterName: 'm', tls: {} },
      1000,
    );
    expect(tlsOptionsOn.enableTLSForSentinelMode).toBe(true);
    expect(tlsOptionsOn.sentinelTLS).toEqual({});
  });

  test('TLS files are read; insecure disables verification; a missing file is a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-print-spec-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), 'CA-PEM');
      expect(tlsOptions({ caFile: join(dir, 'ca.pem') })).toEqual({ ca: Buffer.from('CA-PEM') });
      const insecure = tlsOptions({ insecure: true });
      expect(insecure.rejectUnauthorized).toBe(false);
      expect(() => tlsOptions({ certFile: join(dir, 'missing.pem') })).toThrow(
        /cannot read the --cert file .*missing\.pem \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loopback guard', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LocalHost.', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['128.0.0.1', false],
    ['10.0.0.5', false],
    ['::', false],
    ['::ffff:10.0.0.1', false],
    ['localhost.example.com', false],
    ['redis.internal', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test('every named address must be loopback', () => {
    expect(isLoopbackTarget({ mode: 'standalone', host: '127.0.0.1', port: 1 })).toBe(true);
    expect(
      isLoopbackTarget({
        mode: 'cluster',
        nodes: [
          { host: '127.0.0.1', port: 1 },
          { host: '10.0.0.2', port: 1 },
        ],
      }),
    ).toBe(false);
    expect(isLoopbackTarget({ mode: 'sentinel', sentinels: [{ host: 'localhost', port: 1 }], masterName: 'm' })).toBe(
      true,
    );
    expect(isLoopbackTarget({ mode: 'sentinel', sentinels: [], masterName: 'm' })).toBe(false);
  });
});

describe('cluster node discovery', () => {
  test('CLUSTER SLOTS reply → unique endpoints; empty host means the asked host', () => {
    const reply = [
      [0, 5460, ['10.0.0.1', 7000, 'id1'], ['10.0.0.4', 7003, 'id4']],
      [5461, 10922, ['', 7001, 'id2']],
      [10923, 16383, ['?', 7002, 'id3'], ['10.0.0.1', 7000, 'id1']],
    ];
    expect(endpointsFromClusterSlots(reply, 'seed')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.4', port: 7003 },
      { host: 'seed', port: 7001 },
    ]);
    expect(endpointsFromClusterSlots('ERR', 'seed')).toEqual([]);
    expect(
      mergeEndpoints(
        [{ host: 'a', port: 1 }],
        [
          { host: 'b', port: 2 },
          { host: 'a', port: 1 },
        ],
      ),
    ).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
  });
});
