/**
 * CPU per file-system call of the kinds a recording makes (lib/siprec/srs/README.md "Recorded
 * calls per second"), synchronous, in this process: mkdir, open `wx` (a new file), write, pwrite,
 * ftruncate, fsync, close, rename, and an asynchronous `fs.promises.access` (what libuv's
 * threadpool adds to a call that does nearly nothing). Each on the directories given (default:
 * the OS temp dir, and /dev/shm when there is one, for a file system without a disk), so two
 * file systems of one machine compare in one run.
 *   npx tsx bench/lib/fs-call-costs.ts [DIR ...]
 * Bounded: 2 000 of each call (fsync: 200) per directory; everything it creates is removed.
 */
import { accessSync, closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, promises as fsp, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = 2000;

/** CPU µs per call of `fn(i)` over `n` calls. */
function perCall(n: number, fn: (i: number) => void): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn(i);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

async function asyncPerCall(n: number, path: string): Promise<number> {
  const c0 = process.cpuUsage();
  let i = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (i++ < n) await fsp.access(path);
  }));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

async function measure(base: string): Promise<Record<string, number>> {
  const root = mkdtempSync(join(base, 'tsip-fs-costs-'));
  const text = Buffer.alloc(2800, 0x20);
  const header = Buffer.alloc(44, 1);
  const fds: number[] = [];
  try {
    const out: Record<string, number> = {};
    out['mkdir'] = perCall(N, (i) => mkdirSync(join(root, `d${i}`)));
    out['open wx'] = perCall(N, (i) => { fds[i] = openSync(join(root, `d${i}`, 'f'), 'wx'); });
    out['write 2.8 kB'] = perCall(N, (i) => writeSync(fds[i], text));
    out['pwrite 44 B at 0'] = perCall(N, (i) => writeSync(fds[i], header, 0, header.length, 0));
    out['ftruncate'] = perCall(N, (i) => ftruncateSync(fds[i], 16476));
    out['fsync'] = perCall(N / 10, (i) => fsyncSync(fds[i]));
    out['close'] = perCall(N, (i) => closeSync(fds[i]));
    out['rename'] = perCall(N, (i) => renameSync(join(root, `d${i}`, 'f'), join(root, `d${i}`, 'g')));
    out['access (sync)'] = perCall(N, () => accessSync(root));
    out['access (async, 8 in flight)'] = await asyncPerCall(N, root);
    return out;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(tmpdir(), ...(existsSync('/dev/shm') ? ['/dev/shm'] : []));
const results = new Map<string, Record<string, number>>();
for (const d of dirs) results.set(d, await measure(d));
const names = Object.keys(results.values().next().value ?? {});
console.log(`CPU per call, µs (${N} calls each, fsync ${N / 10}; Node ${process.version})`);
console.log(['call'.padEnd(30), ...dirs.map((d) => d.padStart(14))].join(' '));
for (const n of names) console.log([n.padEnd(30), ...dirs.map((d) => results.get(d)![n].toFixed(1).padStart(14))].join(' '));
