/**
 * One bounded SIPp load step against a UAS: `sipp -sn uac` (INVITE, 200, ACK, BYE, 200 per call,
 * or another scenario) at a fixed rate for a fixed number of calls, with SIPp's own timeout and
 * our hard kill above it.
 * Returns what was achieved, not what was asked: calls/s from the successful calls over SIPp's
 * measured elapsed time (less one mean call length, the tail in which the last calls finish),
 * failed and never-finished calls, and the peak memory of a watched pid.
 */
import { runSipp, type SippResult, type SippTransport } from '../../test/interop/lib/index.js';
import { sampleMemory } from './proc-mem.js';

/** Where the UAS under test listens. */
export interface UasTarget {
  host: string;
  port: number;
  /** SIPp transport: `u1` UDP one socket, `un` UDP socket per call, `t1`/`tn` the same on TCP. */
  transport: SippTransport;
}

export interface LoadStepOptions {
  /**
   * The SIPp scenario placing each call: the built-in `uac` (INVITE/200/ACK/BYE/200) by default,
   * or a scenario file, e.g. test/interop/scenarios/src-uac.xml to load an SRS with SIPREC calls.
   */
  scenario?: string;
  /** Offered load, calls per second. */
  rate: number;
  /** Calls to place; with `rate` this sets the step's length (calls / rate seconds). */
  calls: number;
  /** Bound on the step; SIPp stops at it and we kill 5 s later. Default: 2 × planned + 10 s. */
  timeoutSeconds?: number;
  /** Pid to sample for peak memory (the UAS process). */
  watchPid?: number;
  /** Maximum simultaneous calls (`-l`); default 10 s worth of calls, so a stalled UAS stops the offer. */
  limit?: number;
  /** A call that waits longer than this for a response fails (ms). */
  recvTimeoutMs?: number;
  /** More SIPp arguments. */
  extraArgs?: readonly string[];
}

export interface LoadStepResult {
  offeredCps: number;
  /** Successful calls per second of SIPp's measured run time minus the last calls' tail. */
  achievedCps: number;
  calls: number;
  successful: number;
  failed: number;
  /** Calls neither successful nor failed when SIPp ended (stopped at its timeout). */
  unfinished: number;
  /** Mean INVITE→200 time measured by SIPp (`rtd`), ms. */
  responseTimeMs: number;
  elapsedSeconds: number;
  retransmissions: number;
  /** Peak VmRSS of `watchPid` and peak Pss of its process tree, kB (0 when not watched). */
  peakRssKb: number;
  peakTreePssKb: number;
  sipp: SippResult;
}

/** Runs one load step; never throws for a failing UAS, only for a broken harness. */
export async function runSippLoad(target: UasTarget, opts: LoadStepOptions): Promise<LoadStepResult> {
  const plannedSeconds = opts.calls / opts.rate;
  const mem = opts.watchPid !== undefined ? sampleMemory(opts.watchPid) : undefined;
  let sipp: SippResult;
  try {
    sipp = await runSipp({
      scenario: opts.scenario ?? 'uac',
      target: { host: target.host, port: target.port },
      transport: target.transport,
      calls: opts.calls,
      rate: opts.rate,
      limit: opts.limit ?? Math.max(100, opts.rate * 10),
      timeoutSeconds: opts.timeoutSeconds ?? Math.ceil(plannedSeconds * 2 + 10),
      extraArgs: [
        '-recv_timeout', String(opts.recvTimeoutMs ?? 5000),
        // Bigger socket buffers: at thousands of cps the default drops datagrams in SIPp itself.
        '-buff_size', String(4 * 1024 * 1024),
        ...(opts.extraArgs ?? []),
      ],
    });
  } catch (err) {
    mem?.stop();
    throw err;
  }
  const peak = mem?.stop();
  const s = sipp.stats;
  const elapsed = Number.isFinite(s.elapsedSeconds) && s.elapsedSeconds > 0 ? s.elapsedSeconds : sipp.durationMs / 1000;
  // The run ends one call length after the last call started; that tail is not time spent
  // offering calls, and for held calls (src-uac.xml holds 1 s) it would halve a short step's rate.
  const tail = Number.isFinite(s.callLengthMs) ? s.callLengthMs / 1000 : 0;
  const offering = elapsed - tail > 0 ? elapsed - tail : elapsed;
  const successful = Number.isFinite(sipp.successful) ? sipp.successful : 0;
  const failed = Number.isFinite(sipp.failed) ? sipp.failed : 0;
  return {
    offeredCps: opts.rate,
    achievedCps: offering > 0 ? successful / offering : 0,
    calls: opts.calls,
    successful,
    failed,
    unfinished: Math.max(0, opts.calls - successful - failed),
    responseTimeMs: s.responseTimeMs,
    elapsedSeconds: elapsed,
    retransmissions: Number(s.raw['Retransmissions(C)'] ?? 0),
    peakRssKb: peak?.peakRssKb ?? 0,
    peakTreePssKb: peak?.peakTreePssKb ?? 0,
    sipp,
  };
}
