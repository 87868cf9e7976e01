/**
 * How many calls per second a UAS sustains: SIPp offers rising rates in bounded steps and we keep
 * the best step the UAS handled cleanly.
 *
 * Peer-agnostic on purpose: Kamailio (bench/lib/kamailio-uas.ts) and tsip's UAS
 * (samples/uas.ts) are measured by the same function on the same machine in the same run, so
 * their ratio means something even though the absolute numbers depend on the machine (and on
 * SIPp itself, which shares the CPUs and is single-threaded).
 */
import { runSippLoad, type LoadStepResult, type UasTarget } from './sipp-load.js';
import { udpKernelDrops } from '../../lib/transport/udp-kernel-drops.js';

export interface MeasureUasOptions {
  /** Label in the printed table, e.g. "kamailio" or "tsip". */
  name: string;
  /** SIPp scenario per call (default the built-in `uac`); see LoadStepOptions.scenario. */
  scenario?: string;
  /** Offered rates in calls/s, ascending. */
  rates?: readonly number[];
  /** Planned length of each step; calls per step = rate × seconds. */
  secondsPerStep?: number;
  /** Pid whose memory is sampled (the UAS process). */
  watchPid?: number;
  /** A step is sustained when (failed + unfinished) ≤ this share of its calls ... */
  maxFailRatio?: number;
  /** ... and it achieved at least this share of the offered rate. */
  minAchievedRatio?: number;
  /** Stop climbing after the first step that is not sustained (saves time; default true). */
  stopWhenUnsustained?: boolean;
  /** Quiet time between steps so the UAS drains its transactions (ms). */
  pauseBetweenStepsMs?: number;
  /** Calls placed at 100 cps before measuring (JIT, caches, sockets); 0 to skip. */
  warmupCalls?: number;
  /** Print each step as it finishes (default true). */
  print?: boolean;
}

export interface UasStep extends LoadStepResult {
  sustained: boolean;
  /**
   * Datagrams the OS dropped on the UAS's UDP socket during the step because its receive buffer was
   * full (Linux, /proc/net/udp; undefined over TCP or elsewhere): why a UDP step collapses.
   */
  kernelDrops: number | undefined;
}

/** The OS's drop count of the UAS's UDP socket now (undefined over TCP or off Linux). */
function socketDrops(target: UasTarget): number | undefined {
  if (!target.transport.startsWith('u')) return undefined;
  return udpKernelDrops([{ family: target.host.includes(':') ? 6 : 4, address: target.host, port: target.port }]);
}

export interface UasMeasurement {
  name: string;
  target: UasTarget;
  steps: UasStep[];
  /** Achieved calls/s of the best sustained step; 0 when none was sustained. */
  maxSustainedCps: number;
  /** Offered rate of that step. */
  maxSustainedOfferedCps: number;
  peakRssKb: number;
  peakTreePssKb: number;
}

/**
 * The UDP ladder. Steps of 1 000 up to 4 000, then of 500: a UDP UAS that falls behind loses
 * datagrams and collapses under the retransmissions (no flow control), so its best step is its
 * capacity to within a step, and wider steps near the top hid up to a step of it (a change that
 * cut tsip's CPU per call by a fifth moved its UDP figure not at all with steps of 1 000).
 */
export const DEFAULT_RATES: readonly number[] = [500, 1000, 2000, 3000, 4000, 4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000];

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** One printed line per step. */
export function formatStep(name: string, s: UasStep): string {
  return [
    name.padEnd(10),
    `offered ${fmt(s.offeredCps).padStart(5)} cps`,
    `achieved ${fmt(s.achievedCps, 1).padStart(7)} cps`,
    `ok ${String(s.successful).padStart(6)}`,
    `failed ${String(s.failed).padStart(5)}`,
    `unfinished ${String(s.unfinished).padStart(5)}`,
    `retrans ${String(s.retransmissions).padStart(5)}`,
    ...(s.kernelDrops !== undefined ? [`drops ${String(s.kernelDrops).padStart(5)}`] : []),
    `rt ${fmt(s.responseTimeMs, 1).padStart(6)} ms`,
    `rss ${fmt(s.peakRssKb / 1024, 1).padStart(6)} MB`,
    `pss(tree) ${fmt(s.peakTreePssKb / 1024, 1).padStart(6)} MB`,
    s.sustained ? 'sustained' : 'NOT sustained',
  ].join('  ');
}

/** Runs the steps against `target` and returns every step and the best sustained rate. */
export async function measureUas(target: UasTarget, opts: MeasureUasOptions): Promise<UasMeasurement> {
  const rates = opts.rates ?? DEFAULT_RATES;
  const seconds = opts.secondsPerStep ?? 4;
  const maxFail = opts.maxFailRatio ?? 0.001;
  const minAchieved = opts.minAchievedRatio ?? 0.9;
  const pause = opts.pauseBetweenStepsMs ?? 1500;
  const print = opts.print ?? true;

  if ((opts.warmupCalls ?? 200) > 0) {
    await runSippLoad(target, { scenario: opts.scenario, rate: 100, calls: opts.warmupCalls ?? 200, timeoutSeconds: 15 });
    await new Promise((r) => setTimeout(r, pause));
  }

  const steps: UasStep[] = [];
  for (const rate of rates) {
    const calls = Math.max(1, Math.round(rate * seconds));
    const dropsBefore = socketDrops(target);
    const r = await runSippLoad(target, {
      scenario: opts.scenario,
      rate,
      calls,
      watchPid: opts.watchPid,
      timeoutSeconds: Math.ceil(seconds * 2 + 8),
    });
    const bad = r.failed + r.unfinished;
    const dropsAfter = socketDrops(target);
    const kernelDrops = dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore;
    const step: UasStep = { ...r, kernelDrops, sustained: bad <= maxFail * calls && r.achievedCps >= minAchieved * rate };
    steps.push(step);
    if (print) console.log(formatStep(opts.name, step));
    if (!step.sustained && (opts.stopWhenUnsustained ?? true)) break;
    await new Promise((res) => setTimeout(res, pause));
  }

  const best = steps.filter((s) => s.sustained).sort((a, b) => b.achievedCps - a.achievedCps)[0];
  return {
    name: opts.name,
    target,
    steps,
    maxSustainedCps: best?.achievedCps ?? 0,
    maxSustainedOfferedCps: best?.offeredCps ?? 0,
    peakRssKb: Math.max(0, ...steps.map((s) => s.peakRssKb)),
    peakTreePssKb: Math.max(0, ...steps.map((s) => s.peakTreePssKb)),
  };
}

/** One summary line for a measurement. */
export function formatMeasurement(m: UasMeasurement): string {
  const last = m.steps[m.steps.length - 1];
  // When even the top step held, the ladder ran out before the UAS did: say so.
  const capped = last?.sustained ? ', the highest step offered: the UAS may sustain more' : '';
  return (
    `${m.name}: max sustained ${fmt(m.maxSustainedCps, 1)} calls/s (offered ${m.maxSustainedOfferedCps}${capped}) ` +
    `over ${m.target.transport} ${m.target.host}:${m.target.port}; peak RSS ${fmt(m.peakRssKb / 1024, 1)} MB, ` +
    `peak Pss of process tree ${fmt(m.peakTreePssKb / 1024, 1)} MB`
  );
}

/**
 * The highest offered rate both sustained, with each side's Pss at that step (kB): memory at the
 * same load. The ladder's peak is taken wherever each side stopped, often at a step it failed,
 * where a UDP UAS holds the retransmissions of a collapse; at one rate both handled the two
 * figures measure the same work. Undefined when no offered rate was sustained by both.
 */
export function pssAtSharedRate(subject: UasMeasurement, peer: UasMeasurement): { offeredCps: number; subjectKb: number; peerKb: number } | undefined {
  let best: { offeredCps: number; subjectKb: number; peerKb: number } | undefined;
  for (const s of subject.steps) {
    if (!s.sustained || s.peakTreePssKb <= 0) continue;
    const p = peer.steps.find((x) => x.sustained && x.offeredCps === s.offeredCps && x.peakTreePssKb > 0);
    if (p !== undefined && (best === undefined || s.offeredCps > best.offeredCps)) best = { offeredCps: s.offeredCps, subjectKb: s.peakTreePssKb, peerKb: p.peakTreePssKb };
  }
  return best;
}

/**
 * Prints `subject` against `peer` (e.g. tsip against Kamailio) as ratios: > 1 means the subject
 * sustained more calls/s, or used more memory (over the whole ladder, and at the highest rate both
 * sustained: {@link pssAtSharedRate}).
 */
export function formatComparison(subject: UasMeasurement, peer: UasMeasurement): string {
  const cps = peer.maxSustainedCps > 0 ? subject.maxSustainedCps / peer.maxSustainedCps : Number.NaN;
  const mem = peer.peakTreePssKb > 0 ? subject.peakTreePssKb / peer.peakTreePssKb : Number.NaN;
  const same = pssAtSharedRate(subject, peer);
  const atSame =
    same === undefined
      ? ''
      : `; at ${same.offeredCps} calls/s (the highest rate both sustained) ${fmt(same.subjectKb / 1024, 1)} vs ${fmt(same.peerKb / 1024, 1)} MB, ratio ${fmt(same.subjectKb / same.peerKb, 2)}`;
  return (
    `${subject.name}/${peer.name}: calls/s ratio ${fmt(cps, 2)} ` +
    `(${fmt(subject.maxSustainedCps, 1)} vs ${fmt(peer.maxSustainedCps, 1)}), ` +
    `memory (Pss) ratio ${fmt(mem, 2)} (peak over the ladder)${atSame}`
  );
}
