/**
 * SIPREC benchmark, SRC → SRS on loopback, the SRS in a child process (bench/siprec-srs-child.ts)
 * so its memory is measured alone.
 *
 * 1. Setups per second: tsip SrcManager (the full client: media ports bound per call, complete
 *    RFC 7865 metadata, multipart INVITE) records calls to the tsip Srs; each cycle is
 *    INVITE/200/ACK then BYE/200, with a window of calls in flight. Goal ≥ 1000/s in every
 *    round; a warm-up run of the same cycles comes first, printed and not judged (see run()).
 * 2. Concurrent sessions one SRS holds: a lean SRC on the same API (InviteDialogAssoc, same
 *    INVITE with full metadata, no media) opens sessions up to the target and holds them; the
 *    SRS reports its RSS and heap (after GC) per session: right after setup, once Timer L has
 *    ended the setup transactions, and in steady state (RSS followed until it stops falling).
 *    Goal ≥ 10 000 sessions, ≤ 20 KB each.
 * 3. Peer, measured in the same run when SIPp is installed: SIPp's SIPREC SRC (src-uac.xml)
 *    against SIPp's SRS (srs-uas.xml) at a fixed rate, for scale; SIPp's SRS holding the same
 *    sessions as 2 (memory per session); and the transaction-layer figure of SIPp against
 *    Kamailio (uas.cfg, TCP) the SIPREC figures are read against.
 * Every run is bounded in count and time.
 *
 * Run as an app runs tsip: started under tsx (`npm run bench`), run() compiles the tree with tsc
 * (bench/lib/compile.ts) and runs this file's compiled twin on plain Node, SRS child included.
 * Under tsx every imported binding is a getter call and every named closure an
 * `Object.defineProperty` (esbuild's keepNames), which a published package does not pay.
 * TSIP_BENCH_TSX=1 measures under tsx instead.
 */
import { fork, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectionState } from '../include-types/states.js';
import { InviteDialogAssoc, MessageElements, SipClient, SipConnection, type ClientTransaction } from '../lib/siprec/common/api.js';
import { ObserverBase } from '../lib/siprec/common/observer.js';
import { buildOfferSdp, buildRecordingBody } from '../lib/siprec/body/index.js';
import { MetadataBuilder } from '../lib/siprec/metadata/index.js';
import { SrcManager } from '../lib/siprec/src/index.js';
import type { DialogAssoc } from '../include-types/api.js';

const here = dirname(fileURLToPath(import.meta.url));
/** True when this is the tsc-compiled twin running on plain Node. */
const compiled = import.meta.url.endsWith('.js');

interface SrsStats { sessions: number; rss: number; heapUsed: number; external: number; cpuMs: number }

/** Starts the SRS child; resolves with its SIP port and a stats/cpu/stop handle. */
async function startSrsChild(): Promise<{ port: number; base: SrsStats; stats(): Promise<SrsStats>; cpuMs(): Promise<number>; stop(): Promise<void> }> {
  // TSIP_BENCH_SRS_NODE_ARGS: extra node flags for the SRS child (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`)
  const extra = (process.env.TSIP_BENCH_SRS_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = fork(join(here, compiled ? 'siprec-srs-child.js' : 'siprec-srs-child.ts'), [], {
    execArgv: [...(compiled ? [] : ['--import=tsx']), '--expose-gc', '--max-old-space-size=4096', ...extra],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const first = await new Promise<{ port: number } & SrsStats>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number } & SrsStats));
    child.once('exit', () => reject(new Error('SRS child exited')));
  });
  const ask = (): Promise<SrsStats> => new Promise((resolve) => { child.once('message', (m) => resolve(m as SrsStats)); child.send({ cmd: 'stats' }); });
  const cpuMs = (): Promise<number> => new Promise((resolve) => { child.once('message', (m) => resolve((m as { cpuMs: number }).cpuMs)); child.send({ cmd: 'cpu' }); });
  return {
    port: first.port, base: first, stats: ask, cpuMs,
    stop: () => new Promise<void>((resolve) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 10000);
      child.once('exit', () => { clearTimeout(t); resolve(); });
      child.send({ cmd: 'stop' });
    }),
  };
}

const two = (i: number) => ({
  callId: `bench-${process.pid}-${i}@tsip`,
  participants: [{ key: 'alice', aor: `sip:alice${i}@example.com`, name: 'Alice' }, { key: 'bob', aor: `sip:bob${i}@example.net`, name: 'Bob' }],
  streams: [{ label: '1', sender: 'alice' }, { label: '2', sender: 'bob' }],
});

/** 1. Full-client setup+teardown cycles per second. */
async function setupsPerSecond(port: number, maxCycles: number, maxMs: number, window: number): Promise<{ rate: number; cycles: number; failed: number; ms: number; srcCpuMs: number }> {
  const m = new SrcManager({ srs: [{ name: 'bench', srsUris: [`sip:srs@127.0.0.1:${port}`], localAddress: '127.0.0.1', transport: 'tcp', sessionExpires: 0, stopMetadata: false, media: { rtcp: false, portMin: 30000, portMax: 39999 } }] });
  await m.start();
  let next = 0;
  let done = 0;
  let failed = 0;
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  await new Promise<void>((resolve) => {
    const launch = (): void => {
      if (next >= maxCycles || Date.now() - t0 > maxMs) {
        if (done + failed >= next) resolve();
        return;
      }
      m.startRecording(two(next++));
    };
    m.on('recordingStarted', (e) => void m.stopRecording(e.callId));
    m.on('recordingStopped', () => { done++; launch(); });
    m.on('recordingFailed', () => { failed++; launch(); });
    for (let i = 0; i < window; i++) launch();
  });
  const ms = Date.now() - t0;
  const cu = process.cpuUsage(c0);
  await m.shutdown();
  return { rate: (done / ms) * 1000, cycles: done, failed, ms, srcCpuMs: (cu.user + cu.system) / 1000 };
}

/** 2. Lean SRC on the API: open and hold `target` sessions. */
export async function holdSessions(port: number, target: number, maxMs: number, window: number): Promise<{ held: number; ms: number; close(): Promise<void> }> {
  const client = new SipClient({
    uid: `bench-src-${process.pid}`,
    observer: { incomingRequest: (_i, tx) => tx.dispose(), timedOut: () => undefined },
    settings: {
      iaps: [{ id: 'b', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: 0 }] }],
      limits: { maxClientTransactions: 100_000, maxServerTransactions: 100_000, maxDialogs: 100_000 },
      timers: { t1: 100 },
    },
  });
  const assocs = new Set<InviteDialogAssoc>();
  const held: ClientTransaction[] = [];
  let ok = 0;
  let inFlight = 0;
  let sent = 0;
  let onProgress = (): void => undefined;
  const conn = await new Promise<SipConnection>((resolve) => {
    const c: SipConnection = new SipConnection(client, 'b', new (class extends ObserverBase {
      override connectionStateChanged(s: ConnectionState): void { if (s === ConnectionState.Active) resolve(c); }
      override incomingResponseInDialog(tx: ClientTransaction, assoc: DialogAssoc): void {
        const r = tx.responseElements;
        if (!r || r.statusCode < 200 || tx.type !== 'INVITE') return;
        inFlight--;
        if (r.isSuccess) { ok++; (assoc as InviteDialogAssoc).sendAck(tx); held.push(tx); } else { tx.dispose(); (assoc as InviteDialogAssoc).dispose(); assocs.delete(assoc as InviteDialogAssoc); }
        onProgress();
      }
      override errorOccurredInDialog(): void { inFlight--; onProgress(); }
      override inviteCompleted(tx: ClientTransaction): void { tx.dispose(); }
    })());
  });
  const uri = `sip:srs@127.0.0.1:${port};transport=tcp`;
  const sdp = buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 30002 }], { address: '127.0.0.1', sessionId: 1, version: 1 });
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    onProgress = () => {
      if (ok >= target || Date.now() - t0 > maxMs) { if (inFlight === 0) resolve(); return; }
      while (inFlight < window && sent < target) {
        const meta = new MetadataBuilder({ ...two(sent), callId: `cs-${sent}` }).completeXml();
        const body = buildRecordingBody(sdp, meta);
        const a = InviteDialogAssoc.create(conn, { to: `<${uri}>`, remoteUri: uri, from: '<sip:src@127.0.0.1>', contact: '<sip:src@127.0.0.1>;+sip.src' });
        assocs.add(a);
        a.sendInvite(new MessageElements({ headers: [['Require', 'siprec'], ['Accept', 'application/sdp, application/rs-metadata+xml']], content: body.body, contentType: body.contentType }));
        sent++;
        inFlight++;
      }
      if (sent >= target && inFlight === 0) resolve();
    };
    onProgress();
  });
  const ms = Date.now() - t0;
  return {
    held: ok, ms,
    close: async () => {
      let byes = 0;
      for (const a of assocs) { try { a.sendBye().dispose(); byes++; } catch { /* gone */ } if (byes % 500 === 0) await new Promise((r) => setTimeout(r, 5)); }
      await new Promise((r) => setTimeout(r, 1000));
      for (const tx of held) { try { tx.dispose(); } catch { /* held until inviteCompleted */ } }
      conn.dispose();
      await client.close();
    },
  };
}

/**
 * 2b. Peer for the hold figure: SIPp's SRS scenario (srs-uas.xml, which checks each INVITE and
 * answers it) holding the same sessions from the same lean SRC, its RSS (VmRSS) per session after
 * the same settle time. SIPp is C++ and keeps per call only its state and last messages.
 */
async function holdPeer(target: number): Promise<string> {
  try {
    const { hasTool, startSipp } = await import('../test/interop/lib/index.js');
    const { scenarioPath } = await import('../test/interop/lib/paths.js');
    const { rssKb } = await import('./lib/proc-mem.js');
    if (!hasTool('sipp')) return 'SIPp not installed: no peer figure for holding sessions';
    const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: 't1', calls: target, limit: target + 100, timeoutSeconds: 400 });
    try {
      await srs.ready;
      const before = rssKb(srs.pid);
      const h = await holdSessions(srs.localPort, target, 90_000, 200);
      await new Promise((r) => setTimeout(r, Number(process.env.TSIP_BENCH_SETTLE_MS ?? 34_000)));
      const after = rssKb(srs.pid);
      await h.close();
      return `SIPp srs-uas (peer) holding ${h.held} sessions (opened in ${(h.ms / 1000).toFixed(1)} s): ${((after - before) / Math.max(1, h.held)).toFixed(1)} KB RSS per session`;
    } finally {
      await srs.stop();
    }
  } catch (e) {
    return `SIPp hold peer not measured: ${(e as Error).message}`;
  }
}

/**
 * 4. The transaction-layer reference the SIPREC figures are read against, measured in the same run:
 * SIPp's uac (INVITE/200/ACK/BYE/200, no bodies) against Kamailio's uas.cfg over TCP, best
 * sustained calls/s on a short ladder. A SIPREC setup + teardown is the same two transactions
 * plus a 3-4 KB multipart body, metadata validation and the recording state.
 */
async function kamailioReference(quick: boolean): Promise<string> {
  try {
    const { measureKamailioUas } = await import('./lib/kamailio-uas.js');
    const m = await measureKamailioUas({ transport: 't1', rates: quick ? [500] : [1000, 2000, 4000, 6000], secondsPerStep: 3 });
    return `transaction-layer reference: SIPp uac → Kamailio uas.cfg (TCP, 4 workers): ${m.maxSustainedCps.toFixed(0)} calls/s sustained (offered ${m.maxSustainedOfferedCps}), INVITE/200/ACK + BYE/200 without bodies`;
  } catch (e) {
    return `Kamailio reference not measured: ${(e as Error).message}`;
  }
}

/** 3. Peer: SIPp's SRC at a fixed rate against SIPp's SRS and against tsip's Srs, bounded. */
async function sippPeer(calls: number, rate: number): Promise<string> {
  const first = await sippAgainst(calls, rate, 'sipp');
  const second = await sippAgainst(calls, rate, 'tsip');
  return `${first}\n${second}`;
}

async function sippAgainst(calls: number, rate: number, srsKind: 'sipp' | 'tsip'): Promise<string> {
  try {
    const { hasTool, runSipp, startSipp } = await import('../test/interop/lib/index.js');
    const { scenarioPath } = await import('../test/interop/lib/paths.js');
    if (!hasTool('sipp')) return 'SIPp not installed: no peer figure';
    let port: number;
    let stop: () => Promise<void>;
    if (srsKind === 'sipp') {
      const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: 't1', calls, timeoutSeconds: 60 });
      await srs.ready;
      port = srs.localPort;
      stop = () => srs.stop();
    } else {
      const srs = await startSrsChild();
      port = srs.port;
      stop = () => srs.stop();
    }
    const t0 = Date.now();
    const src = await runSipp({ scenario: scenarioPath('src-uac.xml'), target: { host: '127.0.0.1', port }, transport: 't1', calls, rate, limit: 5000, timeoutSeconds: 60 });
    const ms = Date.now() - t0;
    await stop();
    const name = srsKind === 'sipp' ? 'SIPp srs-uas (peer)' : 'tsip Srs';
    return `SIPp src-uac → ${name} (TCP), asked ${rate}/s: ${src.successful}/${calls} recorded, ${src.failed} failed in ${(ms / 1000).toFixed(1)} s (each holds 1 s)`;
  } catch (e) {
    return `SIPp peer not measured: ${(e as Error).message}`;
  }
}

/** Runs the three measurements and prints them (on the compiled tree unless TSIP_BENCH_TSX=1). */
export async function run(): Promise<void> {
  if (!compiled && process.env.TSIP_BENCH_TSX !== '1') return runCompiled();
  const quick = process.env.TSIP_BENCH_QUICK === '1';
  console.log('SIPREC on loopback; SRS in a child process');
  const only = process.env.TSIP_BENCH_ONLY;
  if (only === undefined || only === 'setups') {
    const srs = await startSrsChild();
    try {
      // The machine may be shared: three rounds, each printed. Issue 15's goal is every round at
      // 1 000/s or more, so the verdict is judged on the worst round; the best is printed beside it.
      // Warm-up, printed and not judged: both processes start cold, and V8 compiles its hot paths
      // (~700 TurboFan compilations over the first thousands of set-ups, measured for issue 15:
      // the first 1 000 set-ups cost about three times the CPU of later ones). A recording server
      // in service is warm; the rounds below measure that. TSIP_BENCH_WARMUP_CYCLES=0 skips it.
      // The CPU figures are read with `cpu`, not `stats`: `stats` forces a full GC first (for the
      // memory figures), and a forced GC does not keep the maps V8 retains in its own GCs, so
      // every optimized function that embeds one is deoptimized ("weak objects") and compiled
      // again. Measured for issue 15 (node 20, 2026-12-07): after each forced GC 160-400 such
      // deopts and 500-1000 recompilations; TurboFan 30 % of the SRS child's CPU in the round
      // that followed; SRS CPU per cycle 0.8-1.0 ms against 0.37-0.50 ms without the GC, and
      // the set-up rate lower. A server in service never forces a GC.
      const warmCycles = Number(process.env.TSIP_BENCH_WARMUP_CYCLES ?? (quick ? 500 : 5000));
      if (warmCycles > 0) {
        const os = await import('node:os');
        const cpu0 = await srs.cpuMs();
        const w = await setupsPerSecond(srs.port, warmCycles, 30000, 64);
        const srsCpu = (await srs.cpuMs()) - cpu0;
        console.log(`warm-up (not judged): ${w.rate.toFixed(0)} setups/s, ${w.cycles} cycles, ${w.failed} failed, ${(w.ms / 1000).toFixed(1)} s; CPU per cycle SRC ${(w.srcCpuMs / Math.max(1, w.cycles)).toFixed(2)} ms, SRS ${(srsCpu / Math.max(1, w.cycles)).toFixed(2)} ms; load average ${os.loadavg()[0].toFixed(1)}`);
      }
      const rates: number[] = [];
      // TSIP_BENCH_SETUP_ROUNDS / TSIP_BENCH_SETUP_CYCLES: more, shorter rounds to see the warm-up curve
      const rounds = Number(process.env.TSIP_BENCH_SETUP_ROUNDS ?? 3);
      const cycles = Number(process.env.TSIP_BENCH_SETUP_CYCLES ?? (quick ? 500 : 3000));
      for (let round = 1; round <= rounds; round++) {
        const cpu0 = await srs.cpuMs();
        const s = await setupsPerSecond(srs.port, cycles, quick ? 5000 : 10000, 64);
        const srsCpu = (await srs.cpuMs()) - cpu0;
        const srcPer = s.srcCpuMs / Math.max(1, s.cycles);
        const srsPer = srsCpu / Math.max(1, s.cycles);
        rates.push(s.rate);
        const os = await import('node:os');
        console.log(`round ${round}: tsip SrcManager → tsip Srs: ${s.rate.toFixed(0)} setups/s (INVITE/200/ACK + BYE/200, full metadata, media ports bound), ${s.cycles} cycles, ${s.failed} failed, ${(s.ms / 1000).toFixed(1)} s; CPU per cycle SRC ${srcPer.toFixed(2)} ms, SRS ${srsPer.toFixed(2)} ms; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
      }
      const sorted = [...rates].sort((a, b) => a - b);
      const [worst, median, best] = [sorted[0], sorted[Math.floor((sorted.length - 1) / 2)], sorted[sorted.length - 1]];
      console.log(`setups/s: worst ${worst.toFixed(0)}, median ${median.toFixed(0)}, best ${best.toFixed(0)}  [goal ≥ 1000/s in every round: ${worst >= 1000 ? 'met' : 'NOT met'}]`);
    } finally {
      await srs.stop();
    }
  }
  if (only === undefined || only === 'hold') await holdRun(quick);
  if (only === undefined || only === 'hold' || only === 'hold-peer') console.log(await holdPeer(quick ? 1000 : 10_000));
  if (only === undefined || only === 'peer') console.log(await sippPeer(quick ? 200 : 4000, quick ? 100 : 1000));
  if (only === undefined || only === 'kamailio') console.log(await kamailioReference(quick));
}

async function holdRun(quick: boolean): Promise<void> {
  const srs2 = await startSrsChild();
  try {
    const target = quick ? 1000 : 10_000;
    const before = await srs2.stats();
    const h = await holdSessions(srs2.port, target, quick ? 20000 : 90000, 200);
    const n = (s: SrsStats): number => Math.max(1, s.sessions);
    const kb = (s: SrsStats): string => `${((s.rss - before.rss) / n(s) / 1024).toFixed(1)} KB RSS, ${((s.heapUsed + s.external - before.heapUsed - before.external) / n(s) / 1024).toFixed(1)} KB heap+buffers`;
    const mid = await srs2.stats();
    console.log(`  right after setup (${(h.ms / 1000).toFixed(1)} s for ${mid.sessions} sessions): ${kb(mid)} per session, setup transactions included`);
    // RFC 6026 Timer L / RFC 3261 Timer H keep each setup's INVITE server transaction for 64*T1
    // (32 s): wait them out so the figure is the established sessions alone.
    const settle = Number(process.env.TSIP_BENCH_SETTLE_MS ?? 34_000);
    await new Promise((r) => setTimeout(r, settle));
    // The child GCs before each sample, but V8 frees ArrayBuffer backing stores and unmaps swept
    // pages on background threads after the GC returns: a sample still counts memory already
    // freed, so each figure is a second sample, a second after the first.
    const sample = async (): Promise<SrsStats> => {
      await srs2.stats();
      await new Promise((r) => setTimeout(r, 1000));
      return srs2.stats();
    };
    const afterL = await sample();
    console.log(`  ${settle / 1000} s later, Timer L over: ${kb(afterL)} per session`);
    // The pages the setup peak used stay resident until V8's memory reducer compacts the old
    // generation, which it does on its own once the process has been quiet for a while (seconds
    // to a minute). Follow RSS until it stops falling (< 2 % between samples 10 s apart), bounded.
    const steadyMax = Number(process.env.TSIP_BENCH_STEADY_MS ?? 120_000);
    let last = afterL;
    let steady = afterL;
    const t0 = Date.now();
    while (Date.now() - t0 < steadyMax) {
      await new Promise((r) => setTimeout(r, 10_000));
      steady = await sample();
      console.log(`  +${((Date.now() - t0) / 1000).toFixed(0)} s: ${kb(steady)} per session`);
      if (steady.rss < afterL.rss * 0.9 && Math.abs(steady.rss - last.rss) < 0.02 * last.rss) break;
      last = steady;
    }
    const perRss = (steady.rss - before.rss) / n(steady) / 1024;
    const met = steady.sessions >= 10_000 && perRss <= 20;
    console.log(`tsip Srs holding ${steady.sessions} concurrent sessions, steady state: ${kb(steady)} per session  [goal ≥ 10000 sessions at ≤ 20 KB RSS: ${met ? 'met' : 'NOT met'}]`);
    await h.close();
  } finally {
    await srs2.stop();
  }
}

/** Compiles the tree and runs this bench's compiled twin on plain Node (see the file header). */
async function runCompiled(): Promise<void> {
  const { benchTree } = await import('./lib/compile.js');
  const build = benchTree();
  console.log('(compiled with tsc, on plain Node: as an installed package runs)');
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [join(build, 'bench/siprec.bench.js')], { cwd: build, stdio: 'inherit' }).once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the compiled siprec bench exited ${code}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
