/**
 * Runs a crash-writer script (a recording writer in a child process), waits until it says
 * `READY <dir>`, lets it write `runMs` more, then SIGKILLs it: what a crash leaves on disk.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from '../../../helpers/ts-entry.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Kills `script` (a file next to this one) after it has written for `runMs` and, when `until` is
 * given, once `until(dir)` holds (polled, at most 15 s: on a loaded machine the child's writes may
 * lag the wall clock); resolves with its recording dir.
 */
export async function killedWriter(script: string, root: string, runMs: number, until?: (dir: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, [...nodeArgsFor(join(here, script)), root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('child not ready')), 20000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (.+)\n/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  await new Promise((r) => setTimeout(r, runMs));
  for (const deadline = Date.now() + 15_000; until && !until(dir) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return dir;
}
