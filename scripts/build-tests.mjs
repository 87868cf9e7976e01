/**
 * Compiles the TypeScript sources the tests run (lib, include-types, test, samples, bench) to
 * JavaScript in `.tbuild/`, with the same layout, so that `npm test` runs each test file on plain
 * Node instead of through tsx's loader.
 *
 * Why: tap runs every test file in its own process, and tsx's module hooks (a loader thread that
 * every import crosses) cost ~1.1 s of CPU per process before a test starts. With 200+ files on two
 * cores that was a large share of `npm test`; esbuild compiles everything here in about a second.
 *
 * Each file is compiled on its own (the same isolated-module transform tsx applies, with the
 * project's tsconfig.json), and `import.meta.url` (and `.dirname`, `.filename`) name the *source* file:
 * tests find their fixtures, samples and the CLI relative to themselves, and must keep finding the
 * originals (the compiled tree holds JavaScript only). Relative imports (`../../lib/x.js`) resolve
 * inside `.tbuild/`, so a test and the library it tests come from the same compile.
 *
 * Usage: `node scripts/build-tests.mjs` (run by `npm test` through scripts/test.mjs).
 */
import { transform } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The folders whose TypeScript a test may import. */
const SOURCE_DIRS = ['lib', 'include-types', 'test', 'samples', 'bench'];
export const OUT_DIR = path.join(root, '.tbuild');

async function listTs(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...(await listTs(full)));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

/** Compiles every source file; returns how many were written. */
export async function buildTests() {
  const tsconfig = JSON.parse(await readFile(path.join(root, 'tsconfig.json'), 'utf8'));
  const tsconfigRaw = { compilerOptions: tsconfig.compilerOptions };
  await rm(OUT_DIR, { recursive: true, force: true });
  const files = (await Promise.all(SOURCE_DIRS.map((d) => listTs(path.join(root, d))))).flat();
  await Promise.all(files.map(async (file) => {
    const rel = path.relative(root, file);
    const source = await readFile(file, 'utf8');
    const result = await transform(source, {
      loader: 'ts',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcefile: file,
      sourcemap: 'inline',
      tsconfigRaw,
      define: {
        'import.meta.url': JSON.stringify(pathToFileURL(file).href),
        'import.meta.dirname': JSON.stringify(path.dirname(file)),
        'import.meta.filename': JSON.stringify(file),
      },
    });
    const out = path.join(OUT_DIR, rel.replace(/\.ts$/, '.js'));
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, result.code);
  }));
  // The tree is ESM like the sources.
  await writeFile(path.join(OUT_DIR, 'package.json'), '{ "type": "module", "private": true }\n');
  return files.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const n = await buildTests();
  console.log(`build-tests: ${n} files compiled to ${path.relative(process.cwd(), OUT_DIR) || '.'} in ${Date.now() - t0} ms`);
}
