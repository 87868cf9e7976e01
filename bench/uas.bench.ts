/**
 * tsip's UAS (samples/uas.ts compiled, its own process) next to Kamailio (test/interop/kamailio/
 * uas.cfg, 4 workers) under the same SIPp load in the same run: INVITE/200/ACK/BYE/200 per call,
 * over UDP then TCP, on loopback. Prints the load generator's own ceiling (SIPp's UAS), the floor
 * of any Node UAS (bench/lib/node-floor-uas.ts: bare `node:dgram`/`node:net` responders, no SIP
 * stack), the other Node SIP stack (the npm `sip` package, bench/lib/sip-pkg-uas.ts), the best
 * sustained calls/s of each and the ratios, then runs 100 000 calls through a fresh tsip process at
 * a steady rate and prints its heap after a full GC every 10 000 calls and the bytes it keeps per
 * live transaction, to show memory stays flat once the 32 s Timer L/J window is full.
 *
 * Bounded: each ladder is at most thirteen steps of ~4 s; the soak is 10 steps of 10 000 calls with
 * a hard timeout each (a few minutes in all). Run alone: `npx tsx bench/run.ts uas`.
 */
import type { ManagedProcess } from '../test/interop/lib/index.js';
import { benchTree } from './lib/compile.js';
import { skippedWithout } from './lib/peer-tools.js';
import { measureKamailioUas, measureSippCeiling } from './lib/kamailio-uas.js';
import { formatComparison, formatMeasurement, measureUas, type UasMeasurement } from './lib/measure-uas.js';
import { runSippLoad } from './lib/sipp-load.js';
import { requestReport } from './lib/proc-mem.js';
import { startUas } from './lib/uas-process.js';

interface MemoryReport {
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
  liveTransactions: number;
  liveDialogs: number;
}

/**
 * Asks a UAS started with --memory-report for its memory (SIGUSR2: full GC, then one line) and
 * waits for the line, at most 10 s.
 */
async function memoryReport(proc: ManagedProcess): Promise<MemoryReport> {
  const m = await requestReport(proc, /^memory heapUsed=(\d+) arrayBuffers=(\d+) rss=(\d+) liveTransactions=(\d+) liveDialogs=(\d+) /m);
  if (m === undefined) throw new Error(`no memory report from the uas within 10 s: ${proc.stderr}`);
  return { heapUsed: Number(m[1]), arrayBuffers: Number(m[2]), rss: Number(m[3]), liveTransactions: Number(m[4]), liveDialogs: Number(m[5]) };
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

/**
 * 100 000 calls through a FRESH tsip process (the ladders before it leave garbage and a grown
 * heap behind, which would blur the figures), started with --expose-gc so each report is the heap
 * after a full collection: what the process really retains, not where the GC happened to be.
 *
 * The rate is chosen so the 32 s window of Timers L and J (64*T1, on UDP too) fills within the
 * first 40 000 calls: from then on live transactions are ~2 × rate × 32 s and heap after GC must
 * stay level; growth there would be a leak. Bytes per live transaction are the heap (and array
 * buffers) above the idle process's, divided by the live transactions, so they include everything
 * the UAS keeps per call (dialog, 2xx retransmission, timers), charged to the two transactions.
 */
async function soak(build: string, rate: number): Promise<void> {
  const uas = await startUas(build, 'tsip', ['--expose-gc'], ['--memory-report']);
  const { proc, port } = uas;
  try {
    const idle = await memoryReport(proc);
    console.log(`# tsip soak: fresh process, 100000 calls at ${rate} calls/s (32 s window full after ${Math.round(rate * 32)} calls); heap after full GC each 10000`);
    console.log(`  idle        : heap ${mb(idle.heapUsed)} MB, arrayBuffers ${mb(idle.arrayBuffers)} MB, RSS ${mb(idle.rss)} MB`);
    const full: { heap: number; perTx: number }[] = [];
    let failed = 0;
    for (let i = 1; i <= 10; i++) {
      const step = await runSippLoad({ host: '127.0.0.1', port, transport: 'u1' }, { rate, calls: 10_000, watchPid: proc.pid });
      failed += step.failed + step.unfinished;
      const r = await memoryReport(proc);
      const retained = r.heapUsed - idle.heapUsed + (r.arrayBuffers - idle.arrayBuffers);
      const perTx = r.liveTransactions > 0 ? retained / r.liveTransactions : Number.NaN;
      const calls = i * 10_000;
      if (calls >= rate * 32 + 10_000) full.push({ heap: r.heapUsed, perTx });
      console.log(
        `  calls ${String(calls).padStart(6)}: ok ${step.successful}, failed ${step.failed + step.unfinished}, ` +
          `heap after GC ${mb(r.heapUsed).padStart(6)} MB, arrayBuffers ${mb(r.arrayBuffers).padStart(5)} MB, RSS ${mb(r.rss).padStart(6)} MB, ` +
          `live transactions ${String(r.liveTransactions).padStart(6)}, live dialogs ${String(r.liveDialogs).padStart(5)}, ` +
          `${Number.isFinite(perTx) ? perTx.toFixed(0) : '-'} bytes/live transaction`,
      );
    }
    const heaps = full.map((f) => f.heap);
    const mean = full.reduce((a, f) => a + f.perTx, 0) / Math.max(1, full.length);
    console.log(
      `# tsip soak: ${failed} failed calls in 100000; with the window full (${full.length} samples) heap after GC ` +
        `${mb(Math.min(...heaps))}..${mb(Math.max(...heaps))} MB, mean ${mean.toFixed(0)} bytes per live transaction`,
    );
  } finally {
    await uas.stop();
  }
}

/**
 * The bare Node responder's ladders over UDP and TCP: what one Node process sustains when all it
 * does per request is the I/O and a string copy of five header lines.
 */
async function measureNodeFloor(build: string): Promise<{ udp: UasMeasurement; tcp: UasMeasurement }> {
  const floor = await startUas(build, 'node-floor');
  try {
    const udp = await measureUas({ host: '127.0.0.1', port: floor.port, transport: 'u1' }, { name: 'node-floor', watchPid: floor.proc.pid });
    console.log(formatMeasurement(udp));
    const tcp = await measureUas({ host: '127.0.0.1', port: floor.port, transport: 't1' }, { name: 'node-floor', watchPid: floor.proc.pid, rates: TCP_RATES, secondsPerStep: 3 });
    console.log(formatMeasurement(tcp));
    return { udp, tcp };
  } finally {
    await floor.stop();
  }
}

/** tsip's ladder over one transport, on a fresh UAS process. */
async function measureTsip(build: string, transport: 'u1' | 't1', ladder: { rates?: readonly number[]; secondsPerStep?: number }): Promise<UasMeasurement> {
  const uas = await startUas(build, 'tsip');
  try {
    const m = await measureUas({ host: '127.0.0.1', port: uas.port, transport }, { name: 'tsip', watchPid: uas.proc.pid, ...ladder });
    console.log(formatMeasurement(m));
    return m;
  } finally {
    await uas.stop();
  }
}

/**
 * The npm `sip` package's UAS (bench/lib/sip-pkg-uas.ts), the other Node SIP stack, each transport
 * on a fresh process as tsip gets. Its TCP ladder starts lower (250, 500): over TCP it stopped at
 * 500 calls/s in one trial and at 1 000 in another, and this says where rather than only that the
 * first step of the others' ladder is too many.
 */
async function measureSipPackage(build: string): Promise<{ udp: UasMeasurement; tcp: UasMeasurement }> {
  const one = async (transport: 'u1' | 't1'): Promise<UasMeasurement> => {
    const uas = await startUas(build, 'sip-pkg');
    try {
      const ladder = transport === 't1' ? { rates: [250, 500, ...TCP_RATES], secondsPerStep: 3 } : {};
      const m = await measureUas({ host: '127.0.0.1', port: uas.port, transport }, { name: 'npm sip', watchPid: uas.proc.pid, ...ladder });
      console.log(formatMeasurement(m));
      return m;
    } finally {
      await uas.stop();
    }
  };
  return { udp: await one('u1'), tcp: await one('t1') };
}

/** The TCP ladder of every peer (the lower UDP steps say nothing new over TCP). */
const TCP_RATES: readonly number[] = [1000, 2000, 4000, 6000, 8000];

/** Entry point for `npm run bench`. */
export async function run(): Promise<void> {
  if (skippedWithout('uas', ['sipp', 'kamailio'])) return;
  console.log('# UAS answering SIPp uac (INVITE/200/ACK/BYE/200) on loopback; same machine, same run');
  console.log("# SIPp's own UAS under the same load: the load generator's ceiling here");
  const sippUdp = await measureSippCeiling();
  console.log(formatMeasurement(sippUdp));
  const sippTcp = await measureSippCeiling('t1', [4000, 6000, 8000]);
  console.log(formatMeasurement(sippTcp));
  const kamUdp = await measureKamailioUas({ transport: 'u1' });
  console.log(formatMeasurement(kamUdp));
  const kamTcp = await measureKamailioUas({ transport: 't1', rates: TCP_RATES, secondsPerStep: 3 });
  console.log(formatMeasurement(kamTcp));
  const build = benchTree();
  const floor = await measureNodeFloor(build);
  const sipPkg = await measureSipPackage(build);
  // one fresh process per transport, as Kamailio gets: a UDP ladder's last, overloaded step
  // leaves failed calls whose 2xx are still retransmitted for 64*T1, which the TCP ladder's first
  // steps would otherwise pay for (46 of 6 000 TCP calls failed at 2 000 calls/s that way)
  const tsip = await measureTsip(build, 'u1', {});
  const tsipTcp = await measureTsip(build, 't1', { rates: TCP_RATES, secondsPerStep: 3 });
  console.log(`UDP: ${formatComparison(tsip, kamUdp)}`);
  console.log(`TCP: ${formatComparison(tsipTcp, kamTcp)}`);
  console.log(`UDP: ${formatComparison(tsip, floor.udp)} (the bare Node responder: Node's own floor)`);
  console.log(`TCP: ${formatComparison(tsipTcp, floor.tcp)} (the bare Node responder: Node's own floor)`);
  console.log(`UDP: ${formatComparison(tsip, sipPkg.udp)} (the npm sip package: the other Node SIP stack)`);
  console.log(`TCP: ${formatComparison(tsipTcp, sipPkg.tcp)} (the npm sip package: the other Node SIP stack)`);
  console.log(`UDP: ${formatComparison(tsip, sippUdp)} (SIPp's own UAS: the load generator's ceiling)`);
  console.log(`TCP: ${formatComparison(tsipTcp, sippTcp)} (SIPp's own UAS: the load generator's ceiling)`);
  // 1250 calls/s fills the 32 s window after 40 000 calls, leaving six level samples; lower
  // only if the ladder showed this machine cannot carry it.
  const rate = Math.max(300, Math.min(1250, Math.floor(tsip.maxSustainedOfferedCps * 0.6)));
  await soak(build, rate);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
