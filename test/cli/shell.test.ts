/**
 * Shell conventions, in-process (test/cli/in-process.ts): help per command from the flag
 * definitions, "did you mean", flags that must work or be refused, colour, completion scripts,
 * clear errors for a port that is not Redis and a capture path that is a directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureWriter } from '../../src/capture/writer.js';
import { COMMAND_DEFS } from '../../src/cli/command-defs.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runInProcess as run } from './in-process.js';
import { loadFixtures } from './watch-helpers.js';

const fixtures = loadFixtures();
const broadcast = fixtures.find((f) => f.entry.operation.includes('broadcast') && !f.entry.wire_compressed)!;
const dir = mkdtempSync(join(tmpdir(), 'redis-print-shell-'));
const etf = join(dir, 'one.etf');
const capture = join(dir, 'some.capture');

beforeAll(async () => {
  writeFileSync(etf, broadcast.payload);
  const writer = await CaptureWriter.open(capture, { tool: { name: 'test', version: '0' }, target: 'redis://x' });
  fixtures
    .slice(0, 12)
    .forEach((f, i) =>
      writer.write({ receivedAt: 1_700_000_000_000 + i, channel: f.entry.channel, pattern: null, payload: f.payload }),
    );
  await writer.close();
});

describe('help', () => {
  it.each(COMMAND_DEFS.map((d) => d.name))('%s --help: its own text, every flag it parses, examples', async (name) => {
    const def = COMMAND_DEFS.find((d) => d.name === name)!;
    const result = await run([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^redis-print ${name} — `));
    for (const [flag, spec] of Object.entries(def.flags)) {
      expect(result.stdout).toContain(spec.negated ? `--no-${flag}` : `--${flag}`);
    }
    expect(result.stdout).toMatch(/\nExamples:\n {2}\S/);
  });

  it('shows the values a flag takes, --kind error, encode --minor-version', async () => {
    expect((await run(['decode', '--help'])).stdout).toContain('--format elixir|inspect|erlang|json|json-typed|hex');
    expect((await run(['watch', '--help'])).stdout).toMatch(/--kind KIND .*one of .*\berror\b/);
    expect((await run(['encode', '--help'])).stdout).toMatch(/--minor-version 0\|1\|2 .*1 \(default\)/);
    expect((await run(['--help'])).stdout).toMatch(/Commands:\n(?: {2}\w+ +.+\n){10}/);
    expect((await run(['help', 'split'])).stdout).toMatch(/^redis-print split/);
  });

  it('--help after a `--` is an argument, not a request for help', async () => {
    const result = await run(['decode', '--', '--help']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read --help');
  });
});

describe('mistakes', () => {
  it('a mistyped command is reported as one, with a suggestion', async () => {
    const result = await run(['recrod', '-o', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'redis-print: unknown command "recrod" (did you mean record?) (see redis-print --help)\n',
    );
    expect((await run(['frobnicate'])).stderr).toMatch(/unknown command "frobnicate" \(see/);
  });

  it('a mistyped flag too, pointing at the command help', async () => {
    const result = await run(['decode', '--tpoic', 'x', etf]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'redis-print: decode: unknown option --tpoic (did you mean --topic?) (see redis-print decode --help)\n',
    );
    expect((await run(['--no-tiu'])).stderr).toContain('did you mean --tui?');
  });
});

describe('decode flags do what they say', () => {
  it('--json on an .etf file prints JSON, as --format json', async () => {
    const json = await run(['decode', '--json', etf]);
    const format = await run(['decode', '--format', 'json', etf]);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(format.stdout);
    expect(() => JSON.parse(json.stdout) as unknown).not.toThrow();
  });

  it('--json and another --format disagree: refused', async () => {
    const result = await run(['decode', '--json', '--format', 'inspect', etf]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--json and --format inspect disagree/);
  });

  it('--format json on a capture prints NDJSON, the same as --json', async () => {
    const result = await run(['decode', '--format', 'json', capture]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(12);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('channel');
    expect((await run(['decode', '--json', capture])).stdout).toBe(result.stdout);
  });

  it('a --format for terms on a capture is refused, not ignored', async () => {
    const result = await run(['decode', '--format', 'hex', capture]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a capture: .*--format hex is for \.etf files/);
  });

  it('filters select .etf files by what they hold', async () => {
    const miss = await run(['decode', '--topic', 'nomatch', etf]);
    expect(miss.code).toBe(0);
    expect(miss.stdout).toBe('');
    const hit = await run(['decode', '--format', 'inspect', '--topic', broadcast.entry.topic, etf]);
    expect(hit.stdout).not.toBe('');
    expect(hit.stdout).toBe((await run(['decode', '--format', 'inspect', etf])).stdout);
  });
});

describe('colour', () => {
  const coloured = /\u001b\[/;
  it('auto: none when not a terminal, or with NO_COLOR; FORCE_COLOR and --color always turn it on', async () => {
    expect((await run(['decode', capture], { env: {} })).stdout).not.toMatch(coloured);
    expect((await run(['decode', capture], { env: {}, tty: { columns: 200 } })).stdout).toMatch(coloured);
    expect((await run(['decode', capture], { env: { NO_COLOR: '1' }, tty: { columns: 200 } })).stdout).not.toMatch(
      coloured,
    );
    expect((await run(['decode', capture], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(coloured);
    expect((await run(['decode', '--color', 'always', capture], { env: { NO_COLOR: '1' } })).stdout).toMatch(coloured);
    expect(
      (await run(['view', '--no-tui', '--color', 'never', capture], { env: {}, tty: { columns: 200 } })).stdout,
    ).not.toMatch(coloured);
  });

  it('--color takes auto, always or never', async () => {
    const result = await run(['decode', '--color', 'sometimes', capture]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--color takes auto, always, never, got "sometimes"/);
  });
});

describe('completion', () => {
  it('bash: a valid script that completes every command and its flags', async () => {
    const result = await run(['completion', 'bash']);
    expect(result.code).toBe(0);
    const script = join(dir, 'redis-print.bash');
    writeFileSync(script, result.stdout);
    execFileSync('bash', ['-n', script]); // throws on a syntax error
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const out = execFileSync(
        'bash',
        [
          '-c',
          `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); ` +
            `COMP_CWORD=${words.length - 1}; _redis_print; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      );
      return out.split('\n').filter((w) => w !== '');
    };
    expect(complete('redis-print re')).toEqual(['record', 'replay']);
    expect(complete('redis-print decode --fo')).toEqual(['--format']);
    expect(complete('redis-print decode --format js')).toEqual(['json', 'json-typed']);
    expect(complete('redis-print --kind e')).toEqual(['error']);
    expect(complete('redis-print publish --otp')).toEqual(['--otp26-atoms']);
    expect(complete('redis-print --no-t')).toEqual(['--no-term', '--no-tui']);
  });

  it('zsh and fish: every command and flag of the definitions', async () => {
    const zsh = (await run(['completion', 'zsh'])).stdout;
    const fish = (await run(['completion', 'fish'])).stdout;
    expect(zsh).toMatch(/^#compdef redis-print/);
    for (const def of COMMAND_DEFS) {
      expect(zsh).toContain(`'${def.name}:`);
      expect(fish).toContain(`-a ${def.name} `);
      for (const flag of Object.keys(def.flags)) {
        expect(zsh).toMatch(new RegExp(`'\\*?--(no-)?${flag}\\[`));
        expect(fish).toMatch(new RegExp(`-l (no-)?${flag} `));
      }
    }
    expect(fish).toContain("-l format -s f -r -x -a 'elixir inspect erlang json json-typed hex'");
  });

  it('an unknown shell is refused', async () => {
    const result = await run(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/completion needs a shell: bash, zsh, fish/);
  });
});

describe('clear errors', () => {
  let garbage: Server;
  let port = 0;
  let redis: RedisServer;
  beforeAll(async () => {
    // Answers anything with an HTTP error: what a wrong port often is.
    garbage = createServer((socket) => socket.on('data', () => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    port = (garbage.address() as { port: number }).port;
    redis = await startRedis();
  });
  afterAll(async () => {
    await new Promise((resolve) => garbage.close(resolve));
    await redis.stop();
  });

  it.each([
    ['watch', ['--no-tui']],
    ['record', ['record', '-o', join(dir, 'never.capture')]],
    ['publish', ['publish', '--channel', 'phx:x', '--topic', 't', '--event', 'e']],
  ])('a port that is not Redis: "not a Redis server" (%s)', async (_, args) => {
    const result = await run([...args, '--url', `redis://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^redis-print: cannot connect to redis:\/\/127\.0\.0\.1:\d+\/0: not a Redis server/m);
    expect(result.stderr).not.toMatch(/Protocol error|report this/i);
  });

  it('record -o DIR: "is a directory", not a raw EISDIR', async () => {
    const target = join(dir, 'a-directory');
    mkdirSync(target);
    const result = await run(['record', '-o', target, '--url', redis.url, '--count', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`redis-print: cannot record to ${target}: is a directory\n`);
  });
});
