/**
 * lib/cli sits above every layer (DESIGN §2): nothing else in lib/ imports it, and no lib/ file imports
 * from samples/ or test/ (those are not in the package, so such an import breaks the installed tsip).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';
import { tsFiles } from './ts-files.js';

const root = resolve(import.meta.dirname, '../../..');

/** Relative import specifiers (static and dynamic, type-only too), resolved to repository paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)]
    .map((m) => relative(root, resolve(dirname(file), m[1] ?? m[2])));
}

const libFiles = tsFiles(join(root, 'lib'));

t.test('no lib/ file imports from samples/ or test/', async (t) => {
  const bad = libFiles.flatMap((f) => importsOf(f).filter((i) => /^(samples|test)\//.test(i)).map((i) => `${relative(root, f)} -> ${i}`));
  t.same(bad, []);
});

t.test('only lib/cli imports lib/cli', async (t) => {
  const outside = libFiles.filter((f) => !relative(root, f).startsWith('lib/cli/'));
  t.ok(outside.length > 100, `${outside.length} files checked`);
  const bad = outside.flatMap((f) => importsOf(f).filter((i) => i.startsWith('lib/cli/')).map((i) => `${relative(root, f)} -> ${i}`));
  t.same(bad, []);
});
