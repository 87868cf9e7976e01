/**
 * tsip's UAS (samples/uas.ts compiled, its own process) next to Kamailio (test/interop/kamailio/
 * uas.cfg, 4 workers) under the same SIPp load in the same run: INVITE/200/ACK/BYE/200 per call,
 * over UDP then TCP, on loopback. Prints the load generator's own ceiling (SIPp's UAS), the best
 * sustained calls/s of each and the ratio, then runs 100 000 calls through tsip at a steady rate
 * and prints its RSS after every 10 000 to show memory stays flat.
 *
 * Bounded: each ladder is at most seven steps of ~4 s; the soak is 10 steps of 10 000 calls with
 * a hard timeout each (a few minutes in all). Run alone: `npx tsx bench/run.ts uas`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedProcess, freePort, hasTool, missingToolMessage, waitListening } from '../test/interop/lib/index.js';
import { measureKamailioUas, measureSippCeiling } from './lib/kamailio-uas.js';
import { formatComparison, formatMeasurement, measureUas, type UasMeasurement } from './lib/measure-uas.js';
import { runSippLoad } from './lib/sipp-load.js';
import { rssKb } from './lib/proc-mem.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Compiles the tree with tsc into a temp dir, as an app would run tsip (plain JavaScript): under
 * tsx every imported binding is a getter call, which costs a third of the throughput.
 */
function compile(): string {
  const out = mkdtempSync(join(tmpdir(), 'tsip-bench-'));
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', out, '--sourceMap', 'false', '--declaration', 'false'], { encoding: 'utf8' });
  if (!existsSync(join(out, 'samples/uas.js'))) throw new Error(`tsc produced no samples/uas.js: ${r.stdout}${r.stderr}`);
  writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  return out;
}

/** Starts the compiled samples/uas.js in its own process on a free port (UDP and TCP). */
async function startTsipUas(build: string): Promise<{ proc: ManagedProcess; port: number }> {
  const port = await freePort();
  const proc = new ManagedProcess(process.execPath, [join(build, 'samples/uas.js'), '--transport', 'udp,tcp', '--host', '127.0.0.1', '--port', String(port)], { cwd: build });
  await waitListening(port, 'udp', 15_000, () => (proc.exit ? `uas exited: ${proc.stderr}` : undefined));
  await waitListening(port, 'tcp', 15_000, () => (proc.exit ? `uas exited: ${proc.stderr}` : undefined));
  return { proc, port };
}

async function soak(port: number, pid: number, rate: number): Promise<void> {
  console.log(`# tsip soak: 100000 calls at ${rate} calls/s, RSS after each 10000`);
  const rss: number[] = [];
  let failed = 0;
  for (let i = 1; i <= 10; i++) {
    const step = await runSippLoad({ host: '127.0.0.1', port, transport: 'u1' }, { rate, calls: 10_000, watchPid: pid });
    failed += step.failed + step.unfinished;
    rss.push(rssKb(pid));
    console.log(`  calls ${String(i * 10_000).padStart(6)}: successful ${step.successful}, failed ${step.failed + step.unfinished}, RSS ${(rss[rss.length - 1] / 1024).toFixed(1)} MB`);
  }
  const growth = (rss[9] - rss[1]) / 1024;
  console.log(`# tsip soak: ${failed} failed calls in 100000; RSS ${(rss[0] / 1024).toFixed(1)} MB after 10k, ${(rss[9] / 1024).toFixed(1)} MB after 100k (growth after warm-up ${growth.toFixed(1)} MB)`);
}

/** Entry point for `npm run bench`. */
export async function run(): Promise<void> {
  for (const tool of ['sipp', 'kamailio'] as const) {
    if (!hasTool(tool)) {
      console.log(`uas bench not run: ${missingToolMessage(tool)}`);
      return;
    }
  }
  console.log('# UAS answering SIPp uac (INVITE/200/ACK/BYE/200) on loopback; same machine, same run');
  console.log("# SIPp's own UAS under the same load: the load generator's ceiling here");
  console.log(formatMeasurement(await measureSippCeiling()));
  const kamUdp = await measureKamailioUas({ transport: 'u1' });
  console.log(formatMeasurement(kamUdp));
  const kamTcp = await measureKamailioUas({ transport: 't1', rates: [1000, 2000, 4000, 6000, 8000], secondsPerStep: 3 });
  console.log(formatMeasurement(kamTcp));
  const build = compile();
  const { proc, port } = await startTsipUas(build);
  let tsip: UasMeasurement;
  try {
    tsip = await measureUas({ host: '127.0.0.1', port, transport: 'u1' }, { name: 'tsip', watchPid: proc.pid });
    console.log(formatMeasurement(tsip));
    const tsipTcp = await measureUas({ host: '127.0.0.1', port, transport: 't1' }, { name: 'tsip', watchPid: proc.pid, rates: [1000, 2000, 4000, 6000, 8000], secondsPerStep: 3 });
    console.log(formatMeasurement(tsipTcp));
    console.log(`UDP: ${formatComparison(tsip, kamUdp)}`);
    console.log(`TCP: ${formatComparison(tsipTcp, kamTcp)}`);
    const rate = Math.max(500, Math.min(3000, Math.floor(tsip.maxSustainedOfferedCps * 0.6)));
    await soak(port, proc.pid, rate);
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
    rmSync(build, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
