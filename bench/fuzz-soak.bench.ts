/**
 * Memory under hostile input (issue 15): tsip's UAS (samples/uas.ts), tsip's SRS (samples/srs.ts)
 * and Kamailio (test/interop/kamailio/uas.cfg), each in its own process on loopback, get the very
 * same hostile load (bench/lib/hostile-load.ts, one seed): 30 000 mutated datagrams made from valid
 * requests (plain and SIPREC INVITEs, OPTIONS, REGISTER, BYE, ...: bytes flipped, truncated,
 * headers duplicated hundreds of times, huge headers, lying Content-Length), while 600 TCP
 * connections send partial heads, garbage, one byte every 400 ms, a body that never comes, or
 * nothing. Memory is read from /proc before, at its peak during the load, and after a bounded
 * settling time (long enough for RFC 3261 Timers H and J, 64*T1 = 32 s, to end what the load
 * left behind): VmRSS of the main pid and the summed Pss (smaps_rollup) of its process tree,
 * which is the honest footprint of Kamailio's forked workers sharing memory.
 *
 * For the node processes a preload (--import, written into the build) prints heap figures after a
 * full GC on SIGUSR2, read after the RSS figures so the GC does not flatter them; RSS is read again
 * 3 s after that GC (V8 unmaps freed pages from a background thread): what the process keeps once
 * the garbage of the burst is collected, which V8's memory reducer does by itself within a minute
 * or so of quiet, later than the bounded settling time here.
 *
 * For the srs, the bench also counts its log lines: how many hostile INVITEs became recordings,
 * how those ended (never ACKed: `failed` at Timer H), and which check or limit refused the rest
 * (`maxUnconfirmedSessions`: 503 `Too many recording set-ups awaiting their ACK`).
 *
 * Bounded: 30 000 datagrams at ~10 000/s, 600 connections held at most 10 s, settling 36 s
 * (FUZZ_SETTLE_MS), per peer: about 3 minutes in all with the build. Run alone:
 * `npx tsx bench/run.ts fuzz-soak`. FUZZ_ONLY=uas|srs|kamailio runs one peer; for experiments,
 * FUZZ_NODE_FLAGS adds node flags to the tsip peers (e.g. `--trace-gc`) and FUZZ_LOG_DIR keeps
 * their output there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, freePort, hasTool, startKamailio, waitListening } from '../test/interop/lib/index.js';
import { kamailioConfig } from '../test/interop/lib/paths.js';
import { benchTree } from './lib/compile.js';
import { sendHostileLoad, type HostileLoadResult } from './lib/hostile-load.js';
import { formatBreakdown, requestReport, rssKb, sampleMemory, smapsBreakdown, treePssKb, type SmapsBreakdown } from './lib/proc-mem.js';

const SEED = 15;
const DATAGRAMS = 30_000;
const CONNECTIONS = 600;
/** 10 ms ticks: ~2 000 datagrams/s, which every peer here reads without the kernel dropping most. */
const DATAGRAMS_PER_TICK = Number(process.env.FUZZ_PER_TICK ?? 20);
const SETTLE_MS = Number(process.env.FUZZ_SETTLE_MS ?? 36_000);

/**
 * Prints heap figures after a full GC on SIGUSR2 (node started with --expose-gc), and the same
 * figures as they are, without any GC, on SIGWINCH (whose default action is to do nothing).
 */
const PROBE = `import v8 from 'node:v8';
const figures = () => {
  const m = process.memoryUsage();
  const mb = (n) => (n / 1048576).toFixed(1);
  const spaces = v8.getHeapSpaceStatistics().filter((s) => s.physical_space_size > 524288).map((s) => s.space_name.replace('_space', '') + '=' + mb(s.space_used_size) + '/' + mb(s.physical_space_size)).join(' ');
  return 'heapUsed ' + mb(m.heapUsed) + ' heapTotal ' + mb(m.heapTotal) + ' external ' + mb(m.external) + ' arrayBuffers ' + mb(m.arrayBuffers) + ' rss ' + mb(m.rss) + ' MB; spaces used/physical MB: ' + spaces;
};
process.on('SIGWINCH', () => console.log('memstat ' + figures()));
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  setTimeout(() => {
    globalThis.gc?.();
    console.log('memprobe ' + figures());
  }, 50);
});
`;

interface Peer {
  name: string;
  pid: number;
  port: number;
  /** Heap report line after a full GC (node peers only). */
  heapReport?: () => Promise<string>;
  /** Heap figures as they are, no GC (node peers only). */
  heapNow?: () => Promise<string>;
  /** What the peer logged about its own work (the srs: recordings started, ended, refused). */
  activity?: () => string;
  stop(): Promise<void>;
}

interface SoakFigures {
  name: string;
  beforeRssKb: number;
  beforePssKb: number;
  peakRssKb: number;
  peakPssKb: number;
  afterRssKb: number;
  afterPssKb: number;
  load: HostileLoadResult;
  heapAfter?: string;
  /** Node: RSS 3 s after a full GC (V8 returns freed pages from a background thread). */
  afterGcRssKb?: number;
  /** Where the memory is (smaps per kind of mapping; node: V8's figures, no GC) at each point. */
  breakdown: { point: string; smaps: SmapsBreakdown; heap?: string }[];
}

function heapReporter(proc: ManagedProcess): () => Promise<string> {
  return async () => (await requestReport(proc, /^memprobe (.*)$/m))?.[1] ?? '(no heap report within 10 s)';
}

function heapNow(proc: ManagedProcess): () => Promise<string> {
  return async () => (await requestReport(proc, /^memstat (.*)$/m, 10_000, 'SIGWINCH'))?.[1] ?? '(no heap figures within 10 s)';
}

/**
 * Counts the lines `tsip srs` logs per recording (`started`, `ended … (reason`, `rejected …: status
 * reason`): how many hostile INVITEs became recordings, how they ended, which limit refused the rest.
 */
function srsActivity(proc: ManagedProcess): () => string {
  const counts = new Map<string, number>();
  let partial = '';
  proc.child.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('latin1')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      // `tsip srs` prints one refusal of a kind per second and sums the rest (lib/cli/repeat-log.ts)
      const more = /^rejected (\d{3} [^(]*?): (\d+) more in the last /.exec(line);
      if (more) {
        const key = `rejected ${more[1].trim()}`;
        counts.set(key, (counts.get(key) ?? 0) + Number(more[2]));
        continue;
      }
      const m = /^(started) |^(ended) +\S+ \(([a-z]+)|^(rejected) .*: (\d{3} [^(]*)/.exec(line);
      const key = m?.[1] ?? (m?.[2] ? `ended ${m[3]}` : m?.[4] ? `rejected ${m[5].trim()}` : undefined);
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  return () => [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join('; ');
}

async function startNodePeer(name: string, build: string, script: string, args: (port: number) => string[]): Promise<Peer> {
  const port = await freePort();
  const flags = (process.env.FUZZ_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const logDir = process.env.FUZZ_LOG_DIR;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const logFile = logDir ? join(logDir, `${script.replace(/\W+/g, '-')}.log`) : undefined;
  const proc = new ManagedProcess(process.execPath, [...flags, '--expose-gc', '--import', `file://${join(build, 'memory-probe.mjs')}`, join(build, script), ...args(port)], { cwd: build, ...(logFile ? { logFile } : {}) });
  const activity = script.endsWith('srs.js') ? srsActivity(proc) : undefined;
  const abort = (): string | undefined => (proc.exit ? `${name} exited: ${proc.stderr}` : undefined);
  await waitListening(port, 'udp', 15_000, abort);
  await waitListening(port, 'tcp', 15_000, abort);
  return {
    name,
    pid: proc.pid,
    port,
    heapReport: heapReporter(proc),
    heapNow: heapNow(proc),
    ...(activity ? { activity } : {}),
    stop: async () => {
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Before, load (sampling the peak), bounded settle, after. */
async function soak(peer: Peer): Promise<SoakFigures> {
  await sleep(1500);
  const breakdown: SoakFigures['breakdown'] = [];
  const note = async (point: string): Promise<void> => {
    const heap = await peer.heapNow?.();
    breakdown.push({ point, smaps: smapsBreakdown(peer.pid), ...(heap !== undefined ? { heap } : {}) });
  };
  await note('before');
  const beforeRssKb = rssKb(peer.pid);
  const beforePssKb = treePssKb(peer.pid);
  const sampler = sampleMemory(peer.pid, 250);
  const load = await sendHostileLoad({ host: '127.0.0.1', port: peer.port, seed: SEED, datagrams: DATAGRAMS, datagramsPerTick: DATAGRAMS_PER_TICK, connections: CONNECTIONS, connectionHoldMs: 15_000 });
  await note('end of load');
  await sleep(SETTLE_MS);
  const peak = sampler.stop();
  if (peak.peakBreakdown) breakdown.splice(1, 0, { point: 'RSS peak', smaps: peak.peakBreakdown });
  const figures: SoakFigures = {
    name: peer.name,
    beforeRssKb,
    beforePssKb,
    peakRssKb: peak.peakRssKb,
    peakPssKb: peak.peakTreePssKb,
    afterRssKb: rssKb(peer.pid),
    afterPssKb: treePssKb(peer.pid),
    load,
    breakdown,
  };
  // read after the RSS figures: the SIGWINCH handler's own allocations must not be in them
  await note('after settling');
  if (peer.heapReport) {
    figures.heapAfter = await peer.heapReport();
    await sleep(3000);
    figures.afterGcRssKb = rssKb(peer.pid);
    breakdown.push({ point: '3 s after a full GC', smaps: smapsBreakdown(peer.pid) });
  }
  return figures;
}

const mb = (kb: number): string => (kb / 1024).toFixed(0).padStart(5);

function format(f: SoakFigures): string {
  return (
    `${f.name.padEnd(9)} RSS ${mb(f.beforeRssKb)} -> peak ${mb(f.peakRssKb)} -> after ${mb(f.afterRssKb)} MB (growth ${mb(f.afterRssKb - f.beforeRssKb)}) | ` +
    `Pss(tree) ${mb(f.beforePssKb)} -> peak ${mb(f.peakPssKb)} -> after ${mb(f.afterPssKb)} MB (growth ${mb(f.afterPssKb - f.beforePssKb)}) | ` +
    `sent ${f.load.datagramsSent} datagrams, ${f.load.responsesReceived} answers; ${f.load.connectionsOpened} connections, ${f.load.connectionsClosedByPeer} closed by the peer, ${f.load.connectErrors} refused`
  );
}

/** Entry point for `npm run bench`. */
export async function run(): Promise<void> {
  const only = process.env.FUZZ_ONLY;
  const started = Date.now();
  console.log(`# hostile load: ${DATAGRAMS} mutated datagrams + ${CONNECTIONS} hostile TCP connections (seed ${SEED}), then ${SETTLE_MS / 1000} s settling; MB`);
  const results: SoakFigures[] = [];
  const build = only === 'kamailio' ? undefined : benchTree();
  const recordings = mkdtempSync(join(tmpdir(), 'tsip-fuzz-srs-'));
  try {
    if (build !== undefined) writeFileSync(join(build, 'memory-probe.mjs'), PROBE);
    const peers: [string, () => Promise<Peer>][] = [
      ['uas', () => startNodePeer('tsip uas', build as string, 'samples/uas.js', (port) => ['--transport', 'udp,tcp', '--host', '127.0.0.1', '--port', String(port)])],
      ['srs', () => startNodePeer('tsip srs', build as string, 'samples/srs.js', (port) => ['--host', '127.0.0.1', '--port', String(port), '--dir', recordings])],
    ];
    if (hasTool('kamailio')) {
      peers.push([
        'kamailio',
        async () => {
          const kam = await startKamailio({ config: kamailioConfig('uas.cfg'), children: 4, shmMb: 256 });
          return { name: 'kamailio', pid: kam.pid, port: kam.port, stop: () => kam.stop() };
        },
      ]);
    } else console.log('# kamailio not installed: tsip only');
    for (const [key, start] of peers) {
      if (only !== undefined && only !== key) continue;
      const peer = await start();
      try {
        const f = await soak(peer);
        results.push(f);
        console.log(format(f));
        if (f.heapAfter) console.log(`          heap after full GC: ${f.heapAfter}`);
        for (const b of f.breakdown) console.log(`          ${b.point.padEnd(19)} smaps MB: ${formatBreakdown(b.smaps)}${b.heap ? `\n          ${''.padEnd(19)} V8: ${b.heap}` : ''}`);
        if (peer.activity) console.log(`          its log: ${peer.activity()}`);
        console.log(`          answers by status: ${[...f.load.answersByStatus].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')}`);
      } finally {
        await peer.stop();
      }
    }
  } finally {
    rmSync(recordings, { recursive: true, force: true });
  }
  console.log('# side by side (same input, same run): growth of RSS / tree Pss after settling, MB; node: also RSS after a full GC');
  for (const f of results) {
    const afterGc = f.afterGcRssKb !== undefined ? `  RSS 3 s after a full GC +${mb(f.afterGcRssKb - f.beforeRssKb).trim()}` : '';
    console.log(`  ${f.name.padEnd(9)} RSS +${mb(f.afterRssKb - f.beforeRssKb).trim()}  Pss +${mb(f.afterPssKb - f.beforePssKb).trim()}${afterGc}  (peak RSS ${mb(f.peakRssKb).trim()}, peak Pss ${mb(f.peakPssKb).trim()})`);
  }
  console.log(`# fuzz-soak took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
