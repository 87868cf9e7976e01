/**
 * Benchmark peer: Kamailio 5.6 (test/interop/kamailio/uas.cfg, a few worker processes) answering
 * INVITE/ACK/BYE from SIPp on loopback. Prints each load step and the best sustained calls/s.
 *
 * `run()` is what `npm run bench` calls (through bench/run.ts); `measureUas` is re-exported so the
 * tsip UAS (samples/uas.ts) is measured the same way in the same run, e.g.:
 *
 *   const kam = await measureKamailioUas();
 *   const tsip = await measureUas({ host: '127.0.0.1', port, transport: 'u1' }, { name: 'tsip', watchPid });
 *   console.log(formatComparison(tsip, kam));
 *
 * Bounded: UDP at most thirteen steps of ~4 s, TCP four of ~3 s, one 3 s step against SIPp's own UAS
 * (the load generator's ceiling), plus warm-ups and pauses (about 100 s at most);
 * every SIPp run has a call count and a hard timeout, and Kamailio is stopped by its pid even when
 * a step throws.
 * bench/uas.bench.ts measures tsip next to it; run this file alone with `npx tsx bench/lib/kamailio-uas.ts`.
 */
import { pathToFileURL } from 'node:url';
import { type SippTransport, hasTool, missingToolMessage, startKamailio, startSipp } from '../../test/interop/lib/index.js';
import { kamailioConfig } from '../../test/interop/lib/paths.js';
import {
  DEFAULT_RATES,
  formatComparison,
  formatMeasurement,
  measureUas,
  type MeasureUasOptions,
  type UasMeasurement,
} from './measure-uas.js';
import type { UasTarget } from './sipp-load.js';
import { skippedWithout } from './peer-tools.js';

export { measureUas, formatComparison, formatMeasurement, DEFAULT_RATES };
export type { MeasureUasOptions, UasMeasurement, UasTarget };

export interface KamailioUasBenchOptions {
  transport?: UasTarget['transport'];
  /** Kamailio worker processes per listener. */
  children?: number;
  rates?: readonly number[];
  secondsPerStep?: number;
  /**
   * Kamailio shared memory, MB. tm keeps every transaction there until its wait timer ends; with
   * 256 MB, 6000 cps over TCP ran out of it (500 from sl) before the CPUs did. Only touched pages
   * count in the Pss figures.
   */
  shmMb?: number;
}

/** Starts Kamailio with uas.cfg, measures it, stops it. */
export async function measureKamailioUas(opts: KamailioUasBenchOptions = {}): Promise<UasMeasurement> {
  for (const tool of ['sipp', 'kamailio'] as const) {
    if (!hasTool(tool)) throw new Error(missingToolMessage(tool));
  }
  // 4 workers: enough to keep 2 CPUs busy without starving SIPp, which shares them.
  const kam = await startKamailio({ config: kamailioConfig('uas.cfg'), children: opts.children ?? 4, shmMb: opts.shmMb ?? 1024 });
  try {
    return await measureUas(
      { host: kam.host, port: kam.port, transport: opts.transport ?? 'u1' },
      {
        name: 'kamailio',
        watchPid: kam.pid,
        rates: opts.rates ?? DEFAULT_RATES,
        secondsPerStep: opts.secondsPerStep ?? 4,
      },
    );
  } finally {
    await kam.stop();
  }
}

/**
 * The load generator's own ceiling on this machine: SIPp's built-in UAS answering the same load,
 * over UDP (`u1`) or TCP (`t1`, one connection as the other peers get). When a peer tops out well
 * below this, the peer (not SIPp) is what was measured. `rates` is a ladder (a TCP SIPp UAS may
 * not carry the top step), bounded as every ladder is.
 */
export async function measureSippCeiling(transport: SippTransport = 'u1', rates: readonly number[] = [8000], seconds = 3): Promise<UasMeasurement> {
  const calls = rates.reduce((sum, r) => sum + r * seconds, 0);
  const uas = await startSipp({
    scenario: 'uas',
    transport,
    calls,
    timeoutSeconds: rates.length * (seconds * 4 + 4) + 10,
    extraArgs: ['-buff_size', String(4 * 1024 * 1024)],
  });
  try {
    await uas.ready;
    return await measureUas(
      { host: '127.0.0.1', port: uas.localPort, transport },
      { name: 'sipp-uas', rates, secondsPerStep: seconds, warmupCalls: 0, watchPid: uas.pid },
    );
  } finally {
    await uas.stop();
  }
}

/** Measures Kamailio alone over UDP, then TCP, and prints the results (this file run directly). */
export async function run(): Promise<void> {
  // Without the peers there is nothing to measure; say so and let the other benchmarks run.
  if (skippedWithout('kamailio-uas', ['sipp', 'kamailio'])) return;
  const started = Date.now();
  console.log('# Kamailio 5.6 UAS (uas.cfg, 4 workers) under SIPp uac load (INVITE/200/ACK/BYE/200), loopback');
  const udp = await measureKamailioUas({ transport: 'u1' });
  console.log(formatMeasurement(udp));
  // TCP only from 2000 cps up: the lower steps say nothing new, and the run stays bounded.
  const tcp = await measureKamailioUas({ transport: 't1', rates: [2000, 4000, 6000, 8000], secondsPerStep: 3 });
  console.log(formatMeasurement(tcp));
  console.log('# SIPp UAS (sipp -sn uas) under the same load: the load generator\'s ceiling here');
  console.log(formatMeasurement(await measureSippCeiling()));
  console.log(formatMeasurement(await measureSippCeiling('t1', [4000, 6000, 8000])));
  console.log(`# kamailio-uas bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
