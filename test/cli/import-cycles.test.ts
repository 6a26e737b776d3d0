/**
 * No import cycle inside src/cli (there was one: commands imported `toolVersion` from run.ts, which
 * loads the commands). Static and dynamic imports count; `import type` does not (erased).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative imports that exist at run time: `import … from`, `export … from`, `import(…)`. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function cycles(within: string): string[][] {
  const graph = new Map(files(within).map((f) => [f, runtimeImports(f).filter((t) => t.startsWith(within))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found.map((c) => c.map((f) => relative(SRC, f)));
}

it('src/cli has no import cycle', () => {
  expect(cycles(join(SRC, 'cli'))).toEqual([]);
});

it('the check sees a cycle through a dynamic import (as run.ts → commands → run.ts was)', () => {
  expect(runtimeImports(join(SRC, 'cli', 'run.ts'))).toContain(join(SRC, 'cli', 'commands', 'watch.ts'));
});
