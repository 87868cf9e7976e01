/**
 * Recorded calls per second: how many SIPREC sessions one `tsip srs` process sets up, records to
 * disk and closes per second, with its defaults (every set-up fsyncs its index before the 200,
 * every BYE's 200 waits for the closed files and the final index). The `siprec` bench measures
 * set-ups with signalling only (no media sockets, no files): this is what an operator who stores
 * recordings gets.
 *
 * - Load: SIPp's SRC scenario (test/interop/scenarios/src-uac.xml: multipart INVITE with two
 *   audio streams and RFC 7865 metadata, 200, ACK, 1 s held, BYE) over UDP, a ladder of rates
 *   (SRS_RATES, default 100,200,300,400,600) of SECONDS (default 6) each, after an unjudged
 *   warm-up step (V8 compiles the hot paths); recordings under TSIP_BENCH_DIR (default the OS
 *   temp dir: a real disk, where a file's creation and an fsync cost what they cost).
 * - Per step: calls set up and ended, mean INVITE→200 time (SIPp's response time), SIPp's
 *   retransmissions (a BYE answered after T1 = 500 ms is retransmitted), the SRS's CPU per call
 *   (user + system of the process, its I/O threads included, from /proc). A step is sustained
 *   when no call failed and at least 90 % of the offered rate was achieved (as in the uas bench).
 * - The same SRS with `--durability none` (a set-up's 200 waits for no fsync): what the fsyncs cost.
 * - Peer in the same run: SIPp's SRS scenario (srs-uas.xml: checks each INVITE, answers, stores
 *   nothing) on the same ladder: what the signalling alone allows on this machine.
 * - The file-system floor, measured in this process on the same directory: the file-system calls
 *   of one recording done synchronously (directory, two WAVs, metadata file, two atomic index
 *   writes with their fsyncs, as the SRS's strace shows), CPU per recording. On the project's
 *   shared 2-core VM creating a file costs ~0.3 ms of kernel CPU on ext4 (~0.01 ms on tmpfs), so
 *   this floor, not tsip's own code, is most of a recorded call's CPU there.
 *
 * Bounded: each step's calls are rate × SECONDS, with SIPp's timeout and our hard kill; ~2.5 min.
 * Run alone: `npx tsx bench/run.ts srs-recording` (BASE_BUILD=dir adds the SRS of an older tree
 * compiled there, e.g. `bash bench/lib/ab-uas.sh`'s, as one more peer; SKIP_SIPP=1 leaves SIPp out).
 */
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSipp } from '../test/interop/lib/index.js';
import { scenarioPath } from '../test/interop/lib/paths.js';
import { benchTree } from './lib/compile.js';
import { skippedWithout } from './lib/peer-tools.js';
import { cpuMs } from './lib/proc-mem.js';
import { runSippLoad, type LoadStepResult } from './lib/sipp-load.js';
import { withTsipSrs } from './lib/uas-process.js';

const RATES = (process.env.SRS_RATES ?? '100,200,300,400,600').split(',').map(Number);
const SECONDS = Number(process.env.SECONDS ?? 6);
const WARM_UP = { rate: 100, seconds: 3 };
const SCENARIO = scenarioPath('src-uac.xml');

interface Step {
  result: LoadStepResult;
  /** CPU of the answering process per successful call, µs (undefined for SIPp: its own CPU is not the point). */
  cpuPerCallUs?: number;
}

const sustained = (s: LoadStepResult): boolean => s.failed === 0 && s.unfinished === 0 && s.achievedCps >= 0.9 * s.offeredCps;

/** The ladder against one SRS on 127.0.0.1:`port`; `pid` is measured for CPU when `cpu`. */
async function ladder(port: number, pid: number, cpu: boolean): Promise<Step[]> {
  const step = (rate: number, seconds: number) =>
    runSippLoad({ host: '127.0.0.1', port, transport: 'u1' }, { rate, calls: rate * seconds, watchPid: pid, timeoutSeconds: seconds * 3 + 15, scenario: SCENARIO });
  await step(WARM_UP.rate, WARM_UP.seconds);
  const steps: Step[] = [];
  for (const rate of RATES) {
    const before = cpuMs(pid);
    const result = await step(rate, SECONDS);
    const used = cpuMs(pid) - before;
    steps.push({ result, ...(cpu && result.successful > 0 ? { cpuPerCallUs: (used * 1000) / result.successful } : {}) });
    if (result.successful === 0) break; // nothing more to learn above a step that set up nothing
  }
  return steps;
}

async function tsipSrs(root: string, build: string, args: readonly string[] = []): Promise<Step[]> {
  return withTsipSrs(build, ['--max-sessions', '20000', ...args], (srs) => ladder(srs.port, srs.proc.pid, true), root);
}

async function sippSrs(): Promise<Step[]> {
  const calls = WARM_UP.rate * WARM_UP.seconds + RATES.reduce((n, r) => n + r * SECONDS, 0);
  const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport: 'u1', calls, limit: calls, timeoutSeconds: RATES.length * (SECONDS * 3 + 15) + 60 });
  try {
    await srs.ready;
    return await ladder(srs.localPort, srs.pid, false);
  } finally {
    await srs.stop();
  }
}

/**
 * The file-system calls of one recording, synchronously, `n` times under `root`: CPU per
 * recording, µs. What the SRS cannot do with less on this file system (it makes these calls off
 * its event loop, through libuv's threads, which costs more, not less).
 */
function fileSystemFloorUs(root: string, n = 300): number {
  const dir = mkdtempSync(join(root, 'tsip-bench-fsfloor-'));
  const index = Buffer.alloc(2800, 0x20);
  const metadata = Buffer.alloc(1900, 0x20);
  const header = Buffer.alloc(44, 1);
  const atomicIndex = (d: string, k: number): void => {
    const tmp = join(d, `.index.json.${k}.tmp`);
    const fd = openSync(tmp, 'wx');
    writeSync(fd, index);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(d, 'index.json'));
    const dfd = openSync(d, 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  };
  try {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const d = join(dir, `r${i}`);
      mkdirSync(d);
      const m = openSync(join(d, 'metadata-000.xml'), 'wx');
      writeSync(m, metadata);
      fsyncSync(m);
      closeSync(m);
      const wavs = ['stream-1.wav', 'stream-2.wav'].map((f) => {
        const fd = openSync(join(d, f), 'wx');
        writeSync(fd, header, 0, header.length, 0);
        return fd;
      });
      atomicIndex(d, 1);
      for (const fd of wavs) {
        writeSync(fd, header, 0, header.length, 0);
        fsyncSync(fd);
        closeSync(fd);
      }
      atomicIndex(d, 2);
    }
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(name: string, steps: Step[]): void {
  const best = steps.filter((s) => sustained(s.result)).at(-1);
  // the offered rate: SIPp's achieved figure takes the mean call length as the tail, and BYEs
  // answered late lengthen it, so a step with retransmitted BYEs can show more than was offered
  console.log(`${name}: best sustained step ${best ? `${best.result.offeredCps} recorded calls/s offered (${Math.round(best.result.achievedCps)} achieved)` : 'none'}`);
  for (const { result: r, cpuPerCallUs } of steps) {
    console.log(
      `  ${String(r.offeredCps).padStart(4)}/s: ${r.successful}/${r.calls} ok, ${r.failed} failed, ${r.unfinished} unfinished, ` +
        `achieved ${Math.round(r.achievedCps)}/s, INVITE→200 mean ${Number.isFinite(r.responseTimeMs) ? r.responseTimeMs.toFixed(0) : '?'} ms, ` +
        `${r.retransmissions} retransmissions${cpuPerCallUs !== undefined ? `, ${(cpuPerCallUs / 1000).toFixed(2)} ms CPU per call` : ''}${sustained(r) ? '' : ' (not sustained)'}`,
    );
  }
}

export async function run(): Promise<void> {
  if (skippedWithout('srs-recording', ['sipp'])) return;
  const started = Date.now();
  const root = process.env.TSIP_BENCH_DIR ?? tmpdir();
  console.log(
    `\n# recorded calls per second (SIPp src-uac.xml over UDP: SIPREC INVITE, 200, ACK, 1 s held, BYE; ladder ${RATES.join(', ')}/s, ${SECONDS} s each, ` +
      `after a warm-up of ${WARM_UP.seconds} s at ${WARM_UP.rate}/s); recordings under ${root}`,
  );
  const floor = fileSystemFloorUs(root);
  console.log(`file-system floor of one recording under ${root} (directory, 2 WAVs, metadata, 2 atomic index writes, 7 fsyncs; synchronous): ${(floor / 1000).toFixed(2)} ms CPU`);
  print('tsip srs (recording, fsync)', await tsipSrs(root, benchTree()));
  print('tsip srs --durability none (no fsync before the 200)', await tsipSrs(root, benchTree(), ['--durability', 'none']));
  const base = process.env.BASE_BUILD;
  if (base !== undefined && base !== '') print(`tsip srs at ${base}`, await tsipSrs(root, base));
  if (process.env.SKIP_SIPP !== '1') print('SIPp srs-uas (signalling only, stores nothing)', await sippSrs());
  console.log(`# srs-recording bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
