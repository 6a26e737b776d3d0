/**
 * Security of the built `redis-print` against real servers:
 *  - TLS with the test's own CA (openssl, helpers/tls-certs.ts): verification is on unless
 *    --insecure, which says so on stderr, loudly, for every command that connects;
 *  - ACL users: subscribe-only is enough to watch and to record; publishing as a user without
 *    +publish is a clear error;
 *  - no password in anything printed or written, whatever form it was given in (URL, -a,
 *    REDIS_URL, REDISCLI_AUTH) and however the run ended (success, wrong password, unreachable,
 *    TLS failure) — every stdout, stderr and capture file is searched;
 *  - publish and replay refuse a target that is not this machine, however it is named, before
 *    connecting (10.255.255.1 only ever appears in refusals);
 *  - nothing writes through a symbolic link planted where the user named a file.
 */
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../helpers/ports.js';
import {
  rawPublish,
  startRedis,
  tlsMaterial,
  waitUntil,
  type RedisServer,
  type TlsMaterial,
} from '../helpers/redis-server.js';
import { runCli, startCli, type CliResult } from '../cli/run-cli.js';
import { runBuiltInProcess, startInProcess } from '../cli/in-process.js';
import { startWatch } from '../cli/watch-helpers.js';
import { startRecording } from '../cli/record-helpers.js';
import { broadcastPayload, CHANNEL, startUi } from '../ui/tui-helpers.js';
import { Tmux } from '../ui/tmux.js';

// Characters that need escaping in a URL, so the raw, the encoded and half-encoded forms differ.
const PASSWORD = 'Sec:r3t/Pa55@w0rd%X-8842';
const WRONG = 'N0t:the/Right@one%Q-1379';
const SECRETS = [PASSWORD, WRONG];
const enc = encodeURIComponent;
const V3_CAPTURE = new URL('../../fixtures/captures/phoenix_pubsub_redis-3.1.0.capture', import.meta.url).pathname;
const INSECURE =
  /^redis-print: WARNING: --insecure: the TLS certificate is NOT verified; anyone in between can read and change this traffic$/m;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redis-print-security-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every form a password could leak in: raw, URL-encoded, with `%` encoded, and long pieces of it. */
function leaks(text: string | Buffer): string[] {
  const haystack = typeof text === 'string' ? text : text.toString('latin1');
  const found: string[] = [];
  for (const secret of SECRETS) {
    const forms = new Set([
      secret,
      enc(secret),
      secret.replace(/%/g, '%25'),
      ...secret.split(/[@:/%]/).filter((p) => p.length >= 5),
    ]);
    for (const form of forms) if (haystack.includes(form)) found.push(form);
  }
  return found;
}

function expectNoLeak(what: string, ...texts: Array<string | Buffer>): void {
  for (const text of texts)
    expect(leaks(text), `${what} leaks a password:\n${String(text).slice(0, 2000)}`).toEqual([]);
}

/** The ways to give a password, as extra arguments and environment. */
function credentialForms(
  server: RedisServer,
  user: string,
  password: string,
  scheme = 'redis',
): Array<{ name: string; args: string[]; env: NodeJS.ProcessEnv }> {
  const url = `${scheme}://${user}:${enc(password)}@127.0.0.1:${server.port}/0`;
  const tls = scheme === 'rediss' ? ['--tls'] : [];
  return [
    { name: 'URL', args: ['--url', url], env: {} },
    { name: '-a', args: ['-p', String(server.port), '--user', user, '-a', password, ...tls], env: {} },
    { name: 'REDIS_URL', args: [], env: { REDIS_URL: url } },
    {
      name: 'REDISCLI_AUTH',
      args: ['-p', String(server.port), '--user', user, ...tls],
      env: { REDISCLI_AUTH: password },
    },
  ];
}

const publishArgs = [
  'publish',
  '--pubsub',
  'Sec.PubSub',
  '--topic',
  'rooms:sec',
  '--event',
  'hello',
  '--payload',
  '{"body":"hi"}',
  '--generation',
  '3',
];

describe('TLS with a CA the test made', () => {
  let server: RedisServer;
  let tls: TlsMaterial;
  beforeAll(async () => {
    tls = await tlsMaterial();
    server = await startRedis({ tls: true, name: 'tls' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('verification is on by default: the right CA works; none or another CA is a clear error, exit 2', async () => {
    const watch = await startWatch(['--no-tui', '--count', '1', '--url', server.url, '--cacert', tls.caFile]);
    await rawPublish(server, CHANNEL, broadcastPayload('rooms:tls', 'hello', 'over TLS'));
    const ok = await watch.done;
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('rooms:tls hello');
    expect(ok.stderr).not.toMatch(INSECURE);

    // The eight refusals are independent: run side by side.
    const runs = [[], ['--cacert', tls.otherCaFile]].flatMap((ca) =>
      [
        ['--no-tui'],
        ['record', '-o', join(dir, 'never.capture')],
        publishArgs,
        ['replay', V3_CAPTURE, '--as-fast-as-possible'],
      ].map((command) => ({ ca, command })),
    );
    // Without a CA with the built program, with another CA in this process (in-process.ts).
    const results = await Promise.all(
      runs.map(({ ca, command }) =>
        (ca.length === 0 ? runCli : runBuiltInProcess)([...command, '--url', server.url, ...ca]),
      ),
    );
    for (const [i, { ca, command }] of runs.entries()) {
      const r = results[i]!;
      expect(r.code, `${command.join(' ')} ${ca.join(' ')}: ${r.stderr}`).toBe(2);
      // One error line (publish first says what it would send, on `#` lines).
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('redis-print:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /TLS certificate rejected .*; pass the right --cacert, or --insecure to skip verification$/,
      );
    }
    expect(existsSync(join(dir, 'never.capture'))).toBe(false);
  });

  test('--insecure connects, and every command that connects says on stderr that nothing is verified', async () => {
    const watch = await startWatch(['--no-tui', '--count', '1', '--url', server.url, '--insecure']);
    expect(watch.stderr).toMatch(INSECURE);
    await rawPublish(server, CHANNEL, broadcastPayload('rooms:tls', 'hello', 'unverified'));
    expect((await watch.done).code).toBe(0);

    const file = join(dir, 'insecure.capture');
    const record = await startRecording(['-o', file, '--url', server.url, '--insecure', '--count', '1']);
    await rawPublish(server, CHANNEL, broadcastPayload('rooms:tls', 'hello', 'recorded'));
    const recorded = await record.done;
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toMatch(INSECURE);

    for (const command of [publishArgs, ['replay', V3_CAPTURE, '--as-fast-as-possible']]) {
      const r = await runCli([...command, '--url', server.url, '--insecure']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(INSECURE);
    }
  });
});

describe('ACL users', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({
      name: 'acl',
      requirepass: 'admin-only-0000',
      users: [
        `watcher on >${PASSWORD} resetchannels &phx:* -@all +psubscribe +subscribe +ping`,
        `reader on >${PASSWORD} resetchannels &* -@all +psubscribe +subscribe +ping +pubsub|numsub`,
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('a subscribe-only user can record (watch is covered in watch-auth.test.ts)', async () => {
    const file = join(dir, 'acl.capture');
    const record = await startRecording([
      '-o',
      file,
      '--url',
      `redis://watcher:${enc(PASSWORD)}@127.0.0.1:${server.port}`,
      '--count',
      '2',
    ]);
    await rawPublish(server, CHANNEL, broadcastPayload('rooms:acl', 'one', 'first'));
    await rawPublish(server, CHANNEL, broadcastPayload('rooms:acl', 'two', 'second'));
    const result = await record.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^# recorded 2 messages/m);
    expectNoLeak('record as watcher', result.stdout, result.stderr, readFileSync(file));
  });

  test('publishing as a user without +publish is a clear, one-line error (exit 2)', async () => {
    const r = await runCli([...publishArgs, '--url', `redis://reader:${enc(PASSWORD)}@127.0.0.1:${server.port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^redis-print: .*(NOPERM|permission|not allowed|no permissions).*publish/im);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('redis-print:')),
    ).toHaveLength(1);
    expectNoLeak('publish as reader', r.stdout, r.stderr);
  });
});

describe('no password in any output or file', () => {
  let server: RedisServer;
  let tlsServer: RedisServer;
  let unreachable: number;
  beforeAll(async () => {
    [server, tlsServer, unreachable] = await Promise.all([
      startRedis({ name: 'secrets', users: [`app on >${PASSWORD} ~* &* +@all`], requirepass: 'default-user-pw-77' }),
      startRedis({ name: 'secrets-tls', tls: true, users: [`app on >${PASSWORD} ~* &* +@all`] }),
      freePort(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), tlsServer?.stop()]);
  });

  test('watch, record, publish and replay that succeed: stdout, stderr and the capture file', async () => {
    let n = 0;
    for (const form of credentialForms(server, 'app', PASSWORD)) {
      const file = join(dir, `ok-${++n}.capture`);
      // The first form with the built program, the others in this process (in-process.ts).
      const start = n === 1 ? startCli : startInProcess;
      const run = n === 1 ? runCli : runBuiltInProcess;
      const watch = start(['--no-tui', '--count', '1', ...form.args], { env: form.env });
      const record = start(['record', '-o', file, '--count', '1', ...form.args], { env: form.env });
      await watch.waitForStderr(/^# watching /m);
      await record.waitForStderr(/^# recording /m);
      await rawPublish(server, CHANNEL, broadcastPayload('rooms:ok', 'hello', 'fine'));
      const results: Array<[string, CliResult]> = [
        ['watch', await watch.done],
        ['record', await record.done],
        ['publish', await run([...publishArgs, ...form.args], { env: form.env })],
        ['replay', await run(['replay', V3_CAPTURE, '--as-fast-as-possible', ...form.args], { env: form.env })],
      ];
      for (const [command, r] of results) {
        expect(r.code, `${command} with ${form.name}: ${r.stderr}`).toBe(0);
        expectNoLeak(`${command} with ${form.name}`, r.stdout, r.stderr);
        // The redacted target is still named where it is shown: the user sees where it went.
        if (command === 'watch' || command === 'record')
          expect(r.stderr).toMatch(/redis:\/\/app(:\*\*\*)?@127\.0\.0\.1:\d+/);
      }
      expectNoLeak(`the capture recorded with ${form.name}`, readFileSync(file));
      // Its header names the target, without credentials.
      expect(readFileSync(file).toString('latin1')).toMatch(/target.redis:\/\/(app(:\*\*\*)?@)?127\.0\.0\.1:\d+/);
    }
  });

  test('the same commands failing: wrong password, nobody listening, TLS refused', async () => {
    const commands = (file: string): string[][] => [
      ['--no-tui'],
      ['record', '-o', file],
      publishArgs,
      ['replay', V3_CAPTURE, '--as-fast-as-possible'],
    ];
    const cases: Array<{ what: string; forms: ReturnType<typeof credentialForms> }> = [
      { what: 'wrong password', forms: credentialForms(server, 'app', WRONG) },
      {
        what: 'nobody listening',
        // Watch and record keep trying for 3 s by default; how long they try is not what this checks.
        forms: credentialForms({ ...server, port: unreachable } as RedisServer, 'app', PASSWORD).map((form) => ({
          ...form,
          env: { ...form.env, REDIS_PRINT_CONNECT_TIMEOUT_MS: '300' },
        })),
      },
      // The server's certificate is signed by the test CA, which the client was not told about.
      { what: 'TLS refused', forms: credentialForms(tlsServer, 'app', PASSWORD, 'rediss') },
    ];
    let n = 0;
    for (const { what, forms } of cases) {
      for (const form of forms) {
        const file = join(dir, `failed-${++n}.capture`);
        // In this process (in-process.ts): the success test above runs the built program.
        const results = await Promise.all(
          commands(file).map((c) => runBuiltInProcess([...c, ...form.args], { env: form.env ?? {} })),
        );
        results.forEach((r, i) => {
          const command = commands(file)[i]![0];
          expect(r.code, `${command} ${what} ${form.name}: ${r.stderr}`).toBe(2);
          expectNoLeak(`${command}, ${what}, ${form.name}`, r.stdout, r.stderr);
        });
        // A recording that could not start leaves no file (nor a password in one).
        expect(existsSync(file)).toBe(false);
      }
    }
  });
});

describe('publish and replay to a target that is not this machine', () => {
  // Every way of naming it; none may lead to a connection without --yes (and none is made: the
  // refusal comes first, so 10.255.255.1 is never contacted).
  const targets: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv }> = [
    { name: '--url', args: ['--url', `redis://app:${enc(PASSWORD)}@10.255.255.1:6379/0`] },
    { name: '-h', args: ['-h', '10.255.255.1', '-a', PASSWORD] },
    { name: 'REDIS_URL', args: [], env: { REDIS_URL: `redis://app:${enc(PASSWORD)}@10.255.255.1:6380` } },
    { name: '--sentinel', args: ['--sentinel', '10.255.255.1:26379', '--master-name', 'mymaster'] },
    { name: '--cluster', args: ['--cluster', '--url', 'redis://10.255.255.1:7000'] },
    {
      name: 'a loopback seed next to a remote one',
      args: ['--sentinel', '127.0.0.1:26379,10.255.255.1:26379', '--master-name', 'mymaster'],
    },
  ];

  test('are refused before connecting, unless --yes, in one line without the password', async () => {
    for (const target of targets) {
      for (const command of [publishArgs, ['replay', V3_CAPTURE, '--as-fast-as-possible']]) {
        // The first target with the built program, the others in this process (in-process.ts).
        const run = target === targets[0] ? runCli : runBuiltInProcess;
        const r = await run([...command, ...target.args], { env: target.env ?? {} });
        expect(r.code, `${command[0]} ${target.name}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/is not on this machine.*--yes.*no connection was made/);
        expect(r.stdout).toBe('');
        expectNoLeak(`${command[0]} to ${target.name}`, r.stderr);
      }
    }
  });
});

describe('no write through a planted symbolic link', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ name: 'links' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('record -o (and watch --record) refuse a link at the named path, whatever it points to', async () => {
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'not to be touched\n');
    const existingCapture = join(dir, 'linked-target.capture');
    const seed = await runBuiltInProcess(['record', '-o', existingCapture, '--url', server.url, '--duration', '0.2s']);
    expect(seed.code, seed.stderr).toBe(0);
    const captureBefore = readFileSync(existingCapture);
    const targets = [precious, existingCapture, join(dir, 'does-not-exist-yet.capture')];
    for (const [i, target] of targets.entries()) {
      // (--duration / --timeout: should a link be followed, the run still ends by itself.)
      for (const [command, stop] of [
        [
          ['record', '-o'],
          ['--duration', '1s'],
        ],
        [
          ['--no-tui', '--record'],
          ['--timeout', '1s'],
        ],
      ] as const) {
        const link = join(dir, `planted-${i}-${command[0]}.capture`);
        symlinkSync(target, link);
        // The first target with the built program, the others in this process (in-process.ts).
        const run = i === 0 ? runCli : runBuiltInProcess;
        const r = await run([...command, link, '--url', server.url, ...stop]);
        expect(r.code, `${command.join(' ')} → ${target}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/symbolic link: not writing through it|not a capture/);
        expect(lstatSync(link).isSymbolicLink()).toBe(true);
        expect(readlinkSync(link)).toBe(target);
      }
    }
    expect(readFileSync(precious, 'utf8')).toBe('not to be touched\n');
    expect(readFileSync(existingCapture)).toEqual(captureBefore);
    expect(existsSync(targets[2]!)).toBe(false);
  });

  test('the UI’s s (save payload) will not replace a planted link, even when told to replace', async () => {
    const term = await Tmux.start({ width: 140, height: 40 });
    try {
      const ui = await startUi(term, server);
      const victim = join(dir, 'ui-victim.txt');
      writeFileSync(victim, 'keep me\n');
      const link = join(ui.dir, 'saved.etf');
      symlinkSync(victim, link);
      await rawPublish(server, CHANNEL, broadcastPayload('rooms:save', 'hello', 'to save'));
      await term.waitFor(/rooms:save/, 'the message');
      await term.keys('s');
      await term.waitFor(/save payload #1/, 'the save prompt');
      await term.keys('C-u');
      await term.type(link);
      await term.keys('Enter');
      await term.waitFor(/exists — replace it\?/, 'the replace question');
      await term.keys('y');
      await term.waitFor(/not saved: it is a symbolic link/, 'the refusal');
      expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      await term.keys('q');
      await waitUntil(() => /^# /m.test(ui.stderr()), 'the UI to end');
    } finally {
      await term.kill();
    }
  });
});
