/**
 * The repository stands alone: a plain clone (no reference folder beside it) must pass `npm install &&
 * npm test`, so no source, test, sample, benchmark or script may read anything outside the repository.
 * The RFC 4475 corpus lives in test/conformance/rfc4475 and the design notes in docs/.
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FOLDERS = ['lib', 'include-types', 'test', 'samples', 'bench', 'scripts', '.ci'];
const SOURCE = /\.(ts|js|mjs|cjs|sh|cfg|xml|json)$|^run$/;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p);
    return SOURCE.test(name) ? [p] : [];
  });
}

/** The sibling folder of reference material the workplace keeps beside the repository (never read). */
const SIBLING = ['sha', 'red'].join('');
/** A path that climbs out of the repository into that folder, or names its conformance data. */
const OUTSIDE = new RegExp(`(\\.\\./)+${SIBLING}/|${SIBLING}/conformance`);

t.test('nothing reads the reference folder beside the repository', async (t) => {
  const self = fileURLToPath(import.meta.url);
  const bad: string[] = [];
  for (const f of FOLDERS.flatMap((d) => files(join(root, d)))) {
    if (f === self) continue;
    const text = readFileSync(f, 'utf8');
    if (OUTSIDE.test(text)) bad.push(relative(root, f));
  }
  t.same(bad, [], 'files that reach outside the repository');
});

t.test('the corpus and the design notes are in the repository', async (t) => {
  for (const p of ['test/conformance/rfc4475/MANIFEST.tsv', 'test/conformance/rfc4475/SHA256SUMS', 'docs/DESIGN.md']) {
    t.ok(existsSync(join(root, p)), p);
  }
});

t.test('the check sees what it must', async (t) => {
  t.match(`readFileSync('../../../${SIBLING}/x.dat')`, OUTSIDE, 'a path climbing into the sibling folder');
  t.match(`${SIBLING}/conformance/rfc4475`, OUTSIDE, 'its conformance data named');
  t.notMatch("import { x } from './shared-dialog.js'", OUTSIDE, 'a local file with the word in its name');
});
