/**
 * Compiles the tree with tsc into a temp dir, as an app would run tsip (plain JavaScript), with
 * the interop harness's SIPp scenarios and Kamailio configs linked in beside it: under
 * tsx every imported binding is a getter call, which costs a third of the throughput, and tsx's
 * own transform caches would blur memory figures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds the whole tree (samples included) and returns the output directory; the caller removes it. */
export function compileTree(): string {
  const out = mkdtempSync(join(tmpdir(), 'tsip-bench-'));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', out, '--sourceMap', 'false', '--declaration', 'false'], { encoding: 'utf8' });
  if (!existsSync(join(out, 'samples/uas.js'))) throw new Error(`tsc produced no samples/uas.js: ${r.stdout}${r.stderr}`);
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  // the interop harness finds its SIPp scenarios and Kamailio configs beside its compiled code
  for (const assets of ['test/interop/scenarios', 'test/interop/kamailio']) symlinkSync(join(root, assets), join(out, assets));
  return out;
}

let shared: string | undefined;

/**
 * One compiled tree for every bench of this process (`npm run bench` runs several that each need
 * one), built on first use and removed when the process exits.
 */
export function benchTree(): string {
  if (shared === undefined) {
    const out = compileTree();
    shared = out;
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  }
  return shared;
}
