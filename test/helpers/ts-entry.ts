/**
 * The node arguments that run one of this repository's TypeScript programs (a sample, the CLI, a
 * child script of a test) in a child process.
 *
 * Under `npm test` (scripts/test.mjs sets TSIP_TEST_BUILD to the compiled tree) the child runs the
 * compiled twin on plain Node: tsx's loader costs about a second of CPU per process, and some
 * tests start dozens of children. Run any other way (`npx tap --node-arg=--import=tsx x.test.ts`,
 * or from a test file not yet compiled) it runs the source through tsx, as before.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `[script]` or `['--import=tsx', script]` for `node`; `entry` is a path to a `.ts` file, absolute
 * or relative to the repository root (the directory tests run in).
 */
export function nodeArgsFor(entry: string): string[] {
  const source = path.resolve(root, entry);
  const built = process.env.TSIP_TEST_BUILD;
  if (built !== undefined && built !== '') {
    const compiled = path.join(built, path.relative(root, source)).replace(/\.ts$/, '.js');
    if (existsSync(compiled)) return [compiled];
  }
  return ['--import=tsx', entry];
}
