/**
 * Keeps the imports flowing one way (DESIGN §2): message ← transport ← transaction ← dialog ← stack
 * ← api ← siprec ← b2bua; include-types imports nothing from lib/; and no file takes part in an import cycle.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsFiles } from './ts-files.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LAYERS = ['message', 'transport', 'transaction', 'dialog', 'stack', 'api', 'siprec', 'b2bua'];

/**
 * Relative imports of a file, resolved to .ts paths. `typeOnly: false` leaves out `import type` /
 * `export type` statements, which vanish at run time and so cannot make a cycle.
 */
function importsOf(file: string, typeOnly = true): string[] {
  const src = readFileSync(file, 'utf8');
  const specs = [...src.matchAll(/(?:import|export)(\s+type)?\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .filter((m) => typeOnly || m[1] === undefined)
    .map((m) => m[2] ?? m[3]);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

function layerOf(file: string): number {
  const rel = relative(join(root, 'lib'), file);
  if (rel.startsWith('..')) return -1;
  const top = rel.split(/[\\/]/)[0];
  return LAYERS.indexOf(top);
}

const libFiles = tsFiles(join(root, 'lib'));
const typeFiles = tsFiles(join(root, 'include-types'));

t.test('lib layers import only downwards', async (t) => {
  const bad: string[] = [];
  for (const f of libFiles) {
    const from = layerOf(f);
    if (from < 0) continue; // lib/index.ts may import any layer
    for (const imp of importsOf(f)) {
      const to = layerOf(imp);
      if (to > from) bad.push(`${relative(root, f)} -> ${relative(root, imp)}`);
    }
  }
  t.same(bad, [], 'no upward imports');
});

t.test('include-types imports nothing from lib/', async (t) => {
  const bad = typeFiles.flatMap((f) => importsOf(f).filter((i) => i.startsWith(join(root, 'lib'))).map((i) => `${relative(root, f)} -> ${relative(root, i)}`));
  t.same(bad, []);
});

t.test('no run-time import cycles', async (t) => {
  const graph = new Map<string, string[]>();
  for (const f of [...libFiles, ...typeFiles]) graph.set(f, importsOf(f, false).filter((i) => graph.has(i) || libFiles.includes(i) || typeFiles.includes(i)));
  const state = new Map<string, 1 | 2>();
  const cycles: string[] = [];
  const visit = (n: string, path: string[]): void => {
    state.set(n, 1);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) cycles.push([...path.slice(path.indexOf(m)), m].map((p) => relative(root, p)).join(' -> '));
      else if (!state.has(m)) visit(m, [...path, m]);
    }
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n, [n]);
  t.same(cycles, [], 'no cycles');
});
