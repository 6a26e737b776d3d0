/**
 * The README's "Use it in your tests" example, run as a user would: the package is packed with
 * `npm pack`, the tarball installed into a new project in a temporary directory (its dependencies
 * come from the npm cache that installing this repository filled; the registry only when missing),
 * and the README's code block runs there with `node --test`, importing `redis-print` by its name.
 * So the example, the exports map, the declared dependencies and the files shipped stay honest.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The first ```js block after the example marker in README.md. */
export function readmeExample(readme: string): string {
  const marker = readme.indexOf('<!-- example: test/library/readme-example.test.ts');
  if (marker === -1) throw new Error('README.md has no example marker');
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (block === null) throw new Error('no ```js block after the example marker in README.md');
  return block[1]!;
}

let dir = '';
let packed: { filename: string; files: Array<{ path: string }> };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redis-print-library-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
  packed = (JSON.parse(stdout) as Array<typeof packed>)[0]!;
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'uses-redis-print', private: true, type: 'module' }, null, 2),
  );
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed.filename)],
    { cwd: project },
  );
  // The fixtures the example reads, where it expects them.
  cpSync(join(ROOT, 'fixtures'), join(project, 'fixtures'), { recursive: true });
  writeFileSync(join(project, 'example.test.mjs'), readmeExample(readFileSync(join(ROOT, 'README.md'), 'utf8')));
}, 180_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('the package as a library', () => {
  test('ships the build, the types of every entry point, the README and the LICENSE', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts'])
      expect(files, f).toContain(f);
    for (const entry of ['etf', 'capture']) {
      expect(files).toContain(`dist/${entry}/index.js`);
      expect(files).toContain(`dist/${entry}/index.d.ts`);
    }
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the redis-print authors/,
    );
  });

  test("the README's example passes against the installed tarball", async () => {
    const result = await run('node', ['--test', 'example.test.mjs'], { cwd: join(dir, 'project') }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`the README example failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      },
    );
    expect(result.stdout).toMatch(/# pass 2\b/);
    expect(result.stdout).toMatch(/# fail 0\b/);
  });

  test('each entry point imports by name, and encode gives a plain Uint8Array', async () => {
    const script = `
      import { encode, decode, Atom } from 'redis-print/etf';
      import { readCapture, decodeCaptureBytes } from 'redis-print/capture';
      import { classify } from 'redis-print';
      const bytes = encode(Atom.of('ok'));
      console.log(JSON.stringify({
        plain: Object.getPrototypeOf(bytes) === Uint8Array.prototype,
        bytes: [...bytes],
        back: decode(bytes).name,
        capture: typeof readCapture === 'function' && typeof decodeCaptureBytes === 'function',
        classify: classify(bytes).kind,
      }));`;
    const { stdout } = await run('node', ['--input-type=module', '-e', script], { cwd: join(dir, 'project') });
    expect(JSON.parse(stdout)).toEqual({
      plain: true,
      bytes: [131, 119, 2, 111, 107],
      back: 'ok',
      capture: true,
      classify: 'term',
    });
  });
});
