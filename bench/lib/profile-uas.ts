/**
 * Where the answering UAS spends its CPU: runs samples/uas.js under `node --cpu-prof`, drives it
 * with one bounded SIPp step (`sipp -sn uac`, after a short warm-up), stops it with SIGINT and
 * prints the self time per function and per file from the .cpuprofile, plus CPU µs per call.
 *
 *   npx tsx bench/lib/profile-uas.ts [UAS_JS]     (without UAS_JS the tree is compiled first)
 *
 * Environment: RATE (default 2000), CALLS (default 16000), TRANSPORT (u1 or t1, default u1),
 * TOP (rows printed, default 40). Loopback only; bounded by SIPp's timeout.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, freePort, waitListening } from '../../test/interop/lib/index.js';
import { compileTree } from './compile.js';
import { cpuMs } from './proc-mem.js';
import { runSippLoad } from './sipp-load.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const rate = Number(process.env.RATE ?? 2000);
const calls = Number(process.env.CALLS ?? 16000);
const transport = (process.env.TRANSPORT ?? 'u1') as 'u1' | 't1';
const top = Number(process.env.TOP ?? 40);
const built = process.argv[2] === undefined ? compileTree() : undefined;
const uasJs = process.argv[2] ?? join(built as string, 'samples/uas.js');
const profDir = mkdtempSync(join(tmpdir(), 'tsip-uas-prof-'));

try {
  const port = await freePort();
  const proto = transport === 't1' ? 'tcp' : 'udp';
  const proc = new ManagedProcess(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, uasJs, '--transport', proto, '--host', '127.0.0.1', '--port', String(port)], {});
  await waitListening(port, proto, 15_000);
  await runSippLoad({ host: '127.0.0.1', port, transport }, { rate: 200, calls: 400 });
  const cpu0 = cpuMs(proc.pid);
  const r = await runSippLoad({ host: '127.0.0.1', port, transport }, { rate, calls, watchPid: proc.pid });
  const cpu = cpuMs(proc.pid) - cpu0;
  proc.child.kill('SIGINT');
  await proc.exited;
  console.log(`rate ${rate}: achieved ${r.achievedCps.toFixed(0)} ok ${r.successful} failed ${r.failed + r.unfinished} retrans ${r.retransmissions} cpu/call ${((cpu * 1000) / Math.max(1, r.successful)).toFixed(0)} us`);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no .cpuprofile written');
  report(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile);
} finally {
  rmSync(profDir, { recursive: true, force: true });
  if (built !== undefined) rmSync(built, { recursive: true, force: true });
}

/** Prints self time per function and per file, as a share of all samples. */
function report(p: CpuProfile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const perFn = new Map<string, number>();
  const perFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (f === undefined) continue;
    const file = f.url.replace(/^.*\/(lib|samples|node_modules)\//, '$1/') || '(native)';
    const fn = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    perFn.set(fn, (perFn.get(fn) ?? 0) + us);
    perFile.set(file, (perFile.get(file) ?? 0) + us);
  }
  const pct = (us: number): string => ((100 * us) / total).toFixed(1).padStart(5);
  console.log(`total ${(total / 1e6).toFixed(2)} s sampled`);
  for (const [k, us] of [...perFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} %  ${k}`);
  console.log('-- per file');
  for (const [k, us] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} %  ${k}`);
}
