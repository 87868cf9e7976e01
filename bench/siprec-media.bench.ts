/**
 * SIPREC media load: how many concurrent recordings with media one SRS process holds without
 * losing a packet, next to the raw Node UDP receive ceiling measured in the same run.
 *
 * - Each recording is a real SIPREC session (tsip SrcManager → tsip Srs in a child process,
 *   bench/siprec-srs-child.ts --media, TCP signalling, full metadata) with two G.711 streams;
 *   RTP goes to the ports the SRS answered, 50 packets/s per stream (100/s per recording), from
 *   senders in their own processes (bench/lib/rtp-sender-child.ts, two by default,
 *   TSIP_BENCH_SENDERS; packets built before the run,
 *   sent in 5 ms batches). The SRS decodes and writes WAV files as in production.
 * - After each step the recordings are stopped (BYE) and what the SRS stored is read back from
 *   each index.json (`packets` per stream): lost = sent − stored.
 * - Peer: a no-op node:dgram receiver in its own process (bench/lib/udp-sink-child.ts), one
 *   socket per stream like the SRS, fed by the same sender with the same pattern.
 * - N steps up (TSIP_BENCH_LADDER, default 10,25,50,100,200,400,800,1600), each step TSIP_BENCH_STEP_MS
 *   (default 8000) of media, until loss appears or the sender falls behind; the whole run is
 *   bounded (TSIP_BENCH_BUDGET_MS, default 150 s, plus the last step's teardown).
 * Each step also reports the kernel's UDP receive-buffer drops (system-wide): a loss the kernel
 * counts there is a receiver that stopped reading long enough for a socket buffer to fill.
 * CPU per packet is the receiving process's own CPU time (process.cpuUsage: user + system) over
 * the packets it received in the step.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SrcManager } from '../lib/siprec/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * (/proc/net/snmp `Udp: RcvbufErrors`): system-wide, so other programs' drops count too, but it
 * tells a receiver that fell behind from a packet that never arrived.
 */
function rcvbufErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    return Number(values[names.indexOf('RcvbufErrors')]);
  } catch {
    return NaN;
  }
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A child process spoken to over IPC, one request at a time. */
class Child {
  private constructor(private readonly proc: ChildProcess, readonly hello: Record<string, unknown>) {}

  static async start(file: string, args: string[] = [], extraExecArgv: string[] = []): Promise<Child> {
    const proc = fork(join(here, file), args, { execArgv: ['--import=tsx', '--expose-gc', ...extraExecArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const hello = await new Promise<Record<string, unknown>>((resolve, reject) => {
      proc.once('message', (m) => resolve(m as Record<string, unknown>));
      proc.once('exit', (code) => reject(new Error(`${file} exited (${code})`)));
    });
    return new Child(proc, hello);
  }

  ask<T>(msg: object): Promise<T> {
    return new Promise((resolve) => {
      this.proc.once('message', (m) => resolve(m as T));
      this.proc.send(msg);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.proc.exitCode !== null) { resolve(); return; }
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); resolve(); }, 10_000);
      this.proc.once('exit', () => { clearTimeout(t); resolve(); });
      this.proc.send({ cmd: 'stop' });
    });
  }
}

interface SendResult { sent: number; errors: number; elapsedMs: number; cpuMs: number; lateSlices: number }

/** One step's figures for one receiver. */
interface Row { senderCpuUs: number; n: number; target: number; sent: number; senderPps: number; received: number; lost: number; cpuUsPerPacket: number; load: number; note: string; kernelDrops: number }

function row(n: number, s: SendResult, received: number, cpuMs: number, kernelDrops: number, note = ''): Row {
  return {
    kernelDrops, senderCpuUs: (s.cpuMs * 1000) / Math.max(1, s.sent),
    n, target: n * 100, sent: s.sent, senderPps: (s.sent / s.elapsedMs) * 1000, received, lost: s.sent - received,
    cpuUsPerPacket: (cpuMs * 1000) / Math.max(1, received), load: cpuMs / s.elapsedMs, note,
  };
}

function print(kind: string, r: Row): void {
  console.log(`  ${kind.padEnd(9)} N=${String(r.n).padStart(4)} target ${r.target} pps, sender ${r.senderPps.toFixed(0)} pps (${r.senderCpuUs.toFixed(1)} µs CPU/packet): ${r.received}/${r.sent} received, lost ${r.lost}; ${r.cpuUsPerPacket.toFixed(1)} µs CPU/packet, receiver CPU ${(r.load * 100).toFixed(0)} % of a core; kernel receive-buffer drops ${r.kernelDrops}${r.note ? `; ${r.note}` : ''}`);
}

/** Starts N recordings; resolves with the SRS's answered RTP ports (two per recording). */
async function openRecordings(m: SrcManager, n: number, tag: string): Promise<{ ports: number[]; callIds: string[]; failed: number }> {
  const ports: number[] = [];
  const callIds: string[] = [];
  let failed = 0;
  let next = 0;
  let done = 0;
  const window = 100;
  await new Promise<void>((resolve) => {
    const onStarted = (e: { callId: string; streams: { remote?: { port: number } }[] }): void => {
      if (!e.callId.startsWith(tag)) return;
      for (const s of e.streams) if (s.remote) ports.push(s.remote.port);
      callIds.push(e.callId);
      settle();
    };
    const onFailed = (e: { callId: string }): void => { if (e.callId.startsWith(tag)) { failed++; settle(); } };
    const launch = (): void => {
      while (next < n && next - done < window) {
        const i = next++;
        m.startRecording({
          callId: `${tag}-${i}`,
          participants: [{ key: 'a', aor: `sip:a${i}@example.com` }, { key: 'b', aor: `sip:b${i}@example.net` }],
          streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
        });
      }
    };
    const settle = (): void => {
      done++;
      if (done >= n) {
        m.off('recordingStarted', onStarted);
        m.off('recordingFailed', onFailed);
        resolve();
      } else launch();
    };
    m.on('recordingStarted', onStarted);
    m.on('recordingFailed', onFailed);
    launch();
  });
  return { ports, callIds, failed };
}

async function closeRecordings(m: SrcManager, callIds: string[]): Promise<void> {
  for (let i = 0; i < callIds.length; i += 200) await Promise.all(callIds.slice(i, i + 200).map((c) => m.stopRecording(c)));
}

/** Runs the ladder and prints each step and the summary. */
export async function run(): Promise<void> {
  const stepMs = Number(process.env.TSIP_BENCH_STEP_MS ?? 8000);
  const ladder = (process.env.TSIP_BENCH_LADDER ?? '10,25,50,100,200,400,800,1600').split(',').map(Number);
  const budgetMs = Number(process.env.TSIP_BENCH_BUDGET_MS ?? 150_000);
  const t0 = Date.now();
  console.log(`SIPREC media: N recordings × 2 G.711 streams × 50 pps into one SRS process vs a no-op node:dgram receiver; ${stepMs / 1000} s per step; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs (shared machine: noisy)`);
  // TSIP_BENCH_SRS_NODE_ARGS: node flags for the SRS process only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const srs = await Child.start('siprec-srs-child.ts', ['--media'], (process.env.TSIP_BENCH_SRS_NODE_ARGS ?? '').split(' ').filter(Boolean));
  // Two sender processes by default, each with half the destinations: the sender must never be
  // what limits the step (on a shared machine one process alone can be starved).
  const senders = await Promise.all(Array.from({ length: Math.max(1, Number(process.env.TSIP_BENCH_SENDERS ?? 2)) }, () => Child.start('lib/rtp-sender-child.ts')));
  const sink = await Child.start('lib/udp-sink-child.ts');
  const m = new SrcManager({
    srs: [{ name: 'bench', srsUris: [`sip:srs@127.0.0.1:${srs.hello.port as number};transport=tcp`], localAddress: '127.0.0.1', transport: 'tcp', sessionExpires: 0, stopMetadata: false, media: { rtcp: false, portMin: 30000, portMax: 39999 } }],
  });
  await m.start();
  const raw: Row[] = [];
  const rec: Row[] = [];
  let rawDone = false;
  let srsDone = false;
  let setupRate = 100; // setups/s, learnt from each step, to keep the run inside its budget
  const send = async (ports: number[]): Promise<SendResult> => {
    const parts = await Promise.all(senders.map((x, i) => x.ask<SendResult>({ cmd: 'send', host: '127.0.0.1', ports: ports.filter((_, k) => k % senders.length === i), durationMs: stepMs })));
    return {
      sent: parts.reduce((a, p) => a + p.sent, 0), errors: parts.reduce((a, p) => a + p.errors, 0), cpuMs: parts.reduce((a, p) => a + p.cpuMs, 0),
      elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)), lateSlices: parts.reduce((a, p) => a + p.lateSlices, 0),
    };
  };
  // The sender kept up when it sent every packet of the step within 5 % of the step's length.
  const senderKeptUp = (s: SendResult, n: number): boolean => s.errors === 0 && s.sent >= n * 100 * (stepMs / 1000) * 0.99 && s.elapsedMs <= stepMs * 1.05;
  try {
    for (const n of ladder) {
      if (rawDone && srsDone) break;
      if (Date.now() - t0 + 2.5 * stepMs > budgetMs) { console.log(`  time budget reached before N=${n}`); break; }
      if (!rawDone) {
        const ports = (await sink.ask<{ ports: number[] }>({ cmd: 'bind', count: 2 * n })).ports;
        const a = await sink.ask<{ received: number; cpuMs: number }>({ cmd: 'mark' });
        const k0 = rcvbufErrors();
        const s = await send(ports);
        // What is still in its socket buffers is not lost: wait until the count stops moving (5 s at most).
        let b = await sink.ask<{ received: number; cpuMs: number }>({ cmd: 'mark' });
        for (const until = Date.now() + 5000; Date.now() < until && b.received - a.received < s.sent;) {
          await sleep(250);
          const c = await sink.ask<{ received: number; cpuMs: number }>({ cmd: 'mark' });
          const moved = c.received !== b.received;
          b = c;
          if (!moved) break;
        }
        const r = row(n, s, b.received - a.received, b.cpuMs - a.cpuMs, rcvbufErrors() - k0, senderKeptUp(s, n) ? '' : 'SENDER BEHIND');
        raw.push(r);
        print('raw dgram', r);
        if (r.lost > 0 || r.senderPps < 0.9 * r.target) rawDone = true;
      }
      const setupGuessMs = (n / setupRate) * 1000;
      // set-up and teardown, the media, and the drain wait (at most 5 s)
      if (!srsDone && Date.now() - t0 + 2 * setupGuessMs + stepMs + 6000 > budgetMs) { console.log(`  time budget: tsip Srs step N=${n} left out`); srsDone = true; }
      if (!srsDone) {
        const tag = `media-${n}`;
        const setup0 = Date.now();
        const o = await openRecordings(m, n, tag);
        const setupMs = Date.now() - setup0;
        setupRate = Math.max(1, o.callIds.length / Math.max(0.001, setupMs / 1000));
        const c0 = await srs.ask<{ cpuMs: number }>({ cmd: 'cpu' });
        const k0 = rcvbufErrors();
        const s = await send(o.ports);
        // Let the SRS work off what its sockets still hold (a BYE now would close them with
        // packets unread): wait until it idles (< 5 % of a core over 250 ms), at most 5 s.
        let c1 = await srs.ask<{ cpuMs: number; maxLoopDelayMs: number }>({ cmd: 'cpu' });
        const maxLoopDelayMs = c1.maxLoopDelayMs;
        for (const until = Date.now() + 5000; Date.now() < until;) {
          await sleep(250);
          const c = await srs.ask<{ cpuMs: number; maxLoopDelayMs: number }>({ cmd: 'cpu' });
          const busy = c.cpuMs - c1.cpuMs;
          c1 = c;
          if (busy < 12.5) break;
        }
        const kernelDrops = rcvbufErrors() - k0;
        await closeRecordings(m, o.callIds);
        await sleep(300);
        const got = await srs.ask<{ recordings: number; packets: number; dropped: number; streams: number; unwrittenBytes: number }>({ cmd: 'collect' });
        const note = [
          o.failed ? `${o.failed} setups failed` : '', `${o.callIds.length} set up in ${(setupMs / 1000).toFixed(1)} s`,
          `SRS event loop stalled up to ${maxLoopDelayMs.toFixed(0)} ms`,
          got.recordings !== o.callIds.length ? `${got.recordings} indexes read` : '', got.dropped ? `${got.dropped} dropped by the SRS rate limit` : '',
          got.unwrittenBytes ? `${got.unwrittenBytes} bytes of audio not written (disk behind: silence in the WAVs)` : '',
          senderKeptUp(s, n) ? '' : 'SENDER BEHIND',
        ].filter(Boolean).join(', ');
        const r = row(n, s, got.packets, c1.cpuMs - c0.cpuMs, kernelDrops, note);
        rec.push(r);
        print('tsip Srs', r);
        if (r.lost > 0 || o.failed > 0 || r.senderPps < 0.9 * r.target) srsDone = true;
      }
    }
  } finally {
    await m.shutdown();
    await Promise.all([srs.stop(), sink.stop(), ...senders.map((x) => x.stop())]);
  }
  const clean = (rows: Row[]): Row | undefined => [...rows].reverse().find((r) => r.lost === 0 && !r.note.includes('SENDER'));
  const bestSrs = clean(rec);
  const bestRaw = clean(raw);
  const topLossless = (rows: Row[]): string => { const r = rows.filter((x) => x.lost === 0).sort((a, b) => b.received - a.received)[0]; return r ? `; highest rate received whole: ${((r.senderPps * r.received) / Math.max(1, r.sent)).toFixed(0)} packets/s at N=${r.n}` : ''; };
  const firstLossSrs = rec.find((r) => r.lost > 0);
  const firstLossRaw = raw.find((r) => r.lost > 0);
  // CPU per packet at the largest clean step: at low rates fixed costs (timers, index checkpoints) dominate.
  const cpu = (r: Row | undefined): string => (r ? `${r.cpuUsPerPacket.toFixed(1)} µs CPU per packet at N=${r.n} (${(r.load * 100).toFixed(0)} % of a core)` : 'no clean step');
  console.log(`tsip Srs: ${bestSrs ? `N max without loss ${bestSrs.n} recordings (${bestSrs.target} packets/s)` : 'no clean step'}${firstLossSrs ? `, loss from N=${firstLossSrs.n} (${firstLossSrs.lost} of ${firstLossSrs.sent})` : ', no loss on the ladder'}${topLossless(rec)}; ${cpu(bestSrs)}`);
  console.log(`raw node:dgram: ${bestRaw ? `no loss up to ${bestRaw.target} packets/s (${2 * bestRaw.n} sockets)` : 'no clean step'}${firstLossRaw ? `, loss from ${firstLossRaw.target} packets/s (${firstLossRaw.lost} of ${firstLossRaw.sent})` : ''}${topLossless(raw)}; ${cpu(bestRaw)}`);
  const top = (rows: Row[]): string => { const r = rows.at(-1); return r ? `${r.senderPps.toFixed(0)} pps (target ${r.target})` : '-'; };
  console.log(`sender at the last step: SRS ${top(rec)}, raw ${top(raw)}; whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
