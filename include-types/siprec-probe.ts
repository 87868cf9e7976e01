/**
 * The SIPREC conformance probe's contract (`tsip probe srs` / `tsip probe src`): one result per
 * check, graded by the RFC keyword behind it (MUST broken → FAIL, SHOULD or an allowed choice →
 * WARN), and the report that gathers them. Types and const objects only.
 */
import type { Clock } from './settings.js';

/** How a check came out. */
export const ProbeLevel = {
  /** The peer did what the RFC asks. */
  Pass: 'PASS',
  /** The peer broke a MUST (or did something that cannot work). */
  Fail: 'FAIL',
  /** The peer broke a SHOULD, or made a choice the RFC allows that other peers may not expect. */
  Warn: 'WARN',
  /** Not checked: an earlier step failed, so this one could not run. */
  Skip: 'SKIP',
} as const;
/** One of the {@link ProbeLevel} values. */
export type ProbeLevel = (typeof ProbeLevel)[keyof typeof ProbeLevel];

/** The outcome of one check. */
export interface ProbeCheckResult {
  /** Stable id of the check (e.g. `answer-direction`), the same in every run. */
  readonly id: string;
  /** Where the rule is written, e.g. `RFC 7866 §6.2`. */
  readonly rfc: string;
  /** How it came out. */
  readonly level: ProbeLevel;
  /** A short reason: what was seen. */
  readonly message: string;
  /** `probe src` with several calls: which one (1-based). */
  readonly call?: number;
}

/** Counts per level. */
export interface ProbeSummary {
  /** Checks that held. */
  readonly pass: number;
  /** Checks that broke a MUST. */
  readonly fail: number;
  /** Checks that broke a SHOULD or met an allowed but unexpected choice. */
  readonly warn: number;
  /** Checks that could not run. */
  readonly skip: number;
}

/** What a probe run found. */
export interface ProbeReport {
  /** `srs`: the probe acted as an SRC against an SRS; `src`: as an SRS for an SRC. */
  readonly role: 'srs' | 'src';
  /** The SRS URI probed, or the address the probe listened on. */
  readonly target: string;
  /** Every check in the order run. */
  readonly results: readonly ProbeCheckResult[];
  /** Counts per level. */
  readonly summary: ProbeSummary;
  /** True when no check failed (the CLI exits 0 only then). */
  readonly ok: boolean;
}

/** Options of `probeSrs`. */
export interface ProbeSrsOptions {
  /** Transport to the SRS (default `udp`, or the target URI's `transport` parameter). */
  transport?: 'udp' | 'tcp';
  /** Longest wait for any one response or event, ms (default 4000). */
  timeoutMs?: number;
  /** Local address to bind SIP and RTP on, put in Via, Contact and SDP (default: the one the system routes to the target by). */
  localAddress?: string;
  /** RTP packets sent to each answered stream (default 10, one per 20 ms). */
  rtpPackets?: number;
  /** SIP T1 in ms for the probe's own stack (default 500). */
  t1?: number;
  /** Time source of the probe's waits and its stack (default: real time). */
  clock?: Clock;
}

/** Options of `probeSrc` / `startSrcProbe`. */
export interface ProbeSrcOptions {
  /** Address to listen on. */
  host: string;
  /** Port to listen on (0: any free port; see the handle's `port`). */
  port: number;
  /** Transport to listen on (default `udp`). */
  transport?: 'udp' | 'tcp';
  /** Recording sessions to take before the report (default 1). */
  calls?: number;
  /** Longest wait for the SRC's next step (its INVITE, its BYE), ms (default 30000). */
  timeoutMs?: number;
  /** SIP T1 in ms for the probe's own stack (default 500). */
  t1?: number;
  /** Time source of the probe's waits and its stack (default: real time). */
  clock?: Clock;
}
