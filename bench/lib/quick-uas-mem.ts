/**
 * A/B helper for UAS memory work: starts `node --expose-gc <uasJs> --memory-report` on a free
 * port, runs a short SIPp ladder (UDP, then TCP) and prints the peak RSS / tree Pss and the heap
 * after a full GC with the live transactions, and the UAS's CPU (user + system) per successful call. `npx tsx bench/lib/quick-uas-mem.ts UAS_JS [LABEL]`.
 * Bounded: the steps below, ~4 s each plus SIPp's timeout.
 */
import { ManagedProcess, freePort, waitListening } from '../../test/interop/lib/index.js';
import { cpuSplitMs, requestReport } from './proc-mem.js';
import { runSippLoad } from './sipp-load.js';

const uasJs = process.argv[2];
const label = process.argv[3] ?? uasJs;
const rates = (process.env.RATES ?? '1000,2000,3000').split(',').map(Number);
const seconds = Number(process.env.SECONDS ?? 4);
const transports = (process.env.TRANSPORTS ?? 'u1,t1').split(',') as ('u1' | 't1')[];
const mb = (kb: number): string => (kb / 1024).toFixed(1);

for (const transport of transports) {
  const port = await freePort();
  const proc = new ManagedProcess(process.execPath, ['--expose-gc', uasJs, '--transport', 'udp,tcp', '--host', '127.0.0.1', '--port', String(port), '--memory-report'], {});
  await waitListening(port, 'udp', 15_000);
  await waitListening(port, 'tcp', 15_000);
  try {
    let peakRss = 0;
    let peakPss = 0;
    const t0 = Date.now();
    for (const rate of rates) {
      const cpu0 = cpuSplitMs(proc.pid);
      const r = await runSippLoad({ host: '127.0.0.1', port, transport }, { rate, calls: rate * seconds, watchPid: proc.pid, timeoutSeconds: seconds * 2 + 8 });
      const cpu1 = cpuSplitMs(proc.pid);
      const perCall = (ms: number): string => (r.successful > 0 ? ((ms * 1000) / r.successful).toFixed(0) : '-');
      peakRss = Math.max(peakRss, r.peakRssKb);
      peakPss = Math.max(peakPss, r.peakTreePssKb);
      console.log(`${label} ${transport} rate ${rate}: achieved ${r.achievedCps.toFixed(0)} ok ${r.successful} failed ${r.failed + r.unfinished} retrans ${r.retransmissions} cpu/call ${perCall(cpu1.user + cpu1.system - cpu0.user - cpu0.system)} us (user ${perCall(cpu1.user - cpu0.user)}) rss ${mb(r.peakRssKb)} pss ${mb(r.peakTreePssKb)}`);
      await new Promise((res) => setTimeout(res, 1500));
    }
    const m = await requestReport(proc, /^memory heapUsed=(\d+) arrayBuffers=(\d+) rss=(\d+) liveTransactions=(\d+) liveDialogs=(\d+) /m);
    const heap = m ? Number(m[1]) / 1048576 : Number.NaN;
    const live = m ? Number(m[4]) : 0;
    console.log(`${label} ${transport}: PEAK rss ${mb(peakRss)} MB pss ${mb(peakPss)} MB; after GC heap ${heap.toFixed(1)} MB, live tx ${live}, ${live ? ((Number(m![1]) - 9e6) / live).toFixed(0) : '-'} B/tx (heap-9MB), ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
}
