/**
 * The SIPREC conformance probe's contract (`tsip probe srs` / `tsip probe src`): one result per
 * check, graded by the RFC keyword behind it (MUST broken → FAIL, SHOULD or an allowed choice →
 * WARN), and the report that gathers them. Types and const objects only.
 */
import type { Clock } from './settings.js';
import type { SiprecTlsMaterial, SrcTlsSettings } from './siprec-tls.js';

/**
 * Digest credentials `probeSrs` answers 401/407 challenges with (RFC 3261 §22.2, RFC 7616), for
 * whatever realm the SRS names.
 */
export interface ProbeCredentials {
  /** User name. */
  username: string;
  /** Password (the CLI reads it from a file or TSIP_PROBE_PASSWORD, never from its arguments). */
  password: string;
}

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
  /**
   * Transport to the SRS (default `udp`, or the target URI's `transport` parameter; `tls` for a
   * `sips:` URI).
   */
  transport?: 'udp' | 'tcp' | 'tls';
  /**
   * Answer the SRS's Digest challenges with these. The probe then first sends one SIPREC INVITE
   * with a wrong password (check `auth-wrong-password`: it must not be accepted) and reports
   * `auth-challenge` (challenged, and the credentials accepted). Without them a 401/407 ends the
   * run with one `auth-challenge` FAIL saying that authentication is required.
   */
  credentials?: ProbeCredentials;
  /**
   * TLS towards the SRS (`transport: 'tls'` or a `sips:` / `;transport=tls` URI): the CA to
   * verify its certificate with (default: Node's public CAs), `verify: false` to accept any
   * certificate (reported as a WARN), `servername`, and a client certificate and key for mutual
   * TLS (needed for `sips:` URIs: RFC 5630 §3.1.3 wants a `sips:` Contact). `port` is not used.
   */
  tls?: SrcTlsSettings;
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
  /** Transport to listen on (default `udp`; `tls` needs `tls.cert`/`tls.key`). */
  transport?: 'udp' | 'tcp' | 'tls';
  /**
   * The probe's server certificate and key for `transport: 'tls'` (and `ca` to trust, which with
   * `requireClientCertificate` asks every SRC for a certificate chaining to it: mutual TLS).
   */
  tls?: SiprecTlsMaterial & { requireClientCertificate?: boolean };
  /** Recording sessions to take before the report (default 1). */
  calls?: number;
  /** Longest wait for the SRC's next step (its INVITE, its BYE), ms (default 30000). */
  timeoutMs?: number;
  /** SIP T1 in ms for the probe's own stack (default 500). */
  t1?: number;
  /** Time source of the probe's waits and its stack (default: real time). */
  clock?: Clock;
}
