/**
 * Parsing what SIPp reports about a run: the `-trace_stat` CSV (`-stf`) and, as a fallback, the
 * last statistics screen written by `-trace_screen` (`-screen_file`).
 *
 * The CSV has a `;`-separated header line (`StartTime;...;SuccessfulCall(C);FailedCall(C);...`)
 * and one line per dump; the last line is the final dump SIPp writes on exit. `(P)` columns are
 * for the last period, `(C)` cumulative. Durations look like `00:00:05:123456` (h:m:s:µs).
 */

/** The figures a test or benchmark asserts on, taken from the final dump. */
export interface SippStats {
  /** Every column of the final CSV line, raw. Empty when no CSV was written. */
  raw: Record<string, string>;
  successful: number;
  failed: number;
  /** Calls created (outgoing for a UAC, incoming for a UAS). */
  created: number;
  /** Cumulative call rate SIPp computed (calls created per second), cps. */
  callRate: number;
  /** Seconds from SIPp's start to the final dump. */
  elapsedSeconds: number;
  /** Mean of the first response-time measure (`rtd="true"`), ms; NaN when the scenario has none. */
  responseTimeMs: number;
  /** Mean call length (first message to end of scenario), ms; NaN when unknown. */
  callLengthMs: number;
  /** Failed-call reasons with a non-zero count, e.g. `{ FailedMaxUDPRetrans: 3 }`. */
  failureReasons: Record<string, number>;
  /** Where the figures came from. */
  source: 'csv' | 'screen' | 'none';
}

/** `hh:mm:ss:uuuuuu` (or `hh:mm:ss`) to seconds; NaN when it is not a duration. */
export function parseSippDuration(s: string): number {
  const m = /^(\d+):(\d{2}):(\d{2})(?:[:.](\d+))?$/.exec(s.trim());
  if (!m) return Number.NaN;
  const frac = m[4] ? Number(m[4]) / 10 ** m[4].length : 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + frac;
}

/** The epoch seconds at the end of SIPp's `date\ttime\tepoch` timestamps; NaN otherwise. */
function epoch(s: string | undefined): number {
  const last = s?.split('\t').pop();
  return last ? Number(last) : Number.NaN;
}

function num(raw: Record<string, string>, key: string): number {
  const v = raw[key];
  return v === undefined || v === '' ? Number.NaN : Number(v);
}

/** Parses the `-trace_stat` CSV text; undefined when it has no data line. */
export function parseSippCsv(text: string): SippStats | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return undefined;
  const header = lines[0].split(';');
  const values = lines[lines.length - 1].split(';');
  const raw: Record<string, string> = {};
  header.forEach((h, i) => {
    if (h) raw[h] = values[i] ?? '';
  });
  const failureReasons: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const m = /^(Failed[A-Za-z]+)\(C\)$/.exec(k);
    if (m && m[1] !== 'FailedCall' && Number(v) > 0) failureReasons[m[1]] = Number(v);
  }
  const incoming = num(raw, 'IncomingCall(C)');
  const outgoing = num(raw, 'OutgoingCall(C)');
  return {
    raw,
    successful: num(raw, 'SuccessfulCall(C)'),
    failed: num(raw, 'FailedCall(C)'),
    created: num(raw, 'TotalCallCreated') || (incoming || 0) + (outgoing || 0),
    callRate: num(raw, 'CallRate(C)'),
    // ElapsedTime(C) has whole seconds only; the start/current epochs have microseconds.
    elapsedSeconds: epoch(raw.CurrentTime) - epoch(raw.StartTime) || parseSippDuration(raw['ElapsedTime(C)'] ?? ''),
    // Older SIPp names it ResponseTime1(C); it is the mean in h:m:s:µs.
    responseTimeMs: parseSippDuration(raw['ResponseTime1(C)'] ?? '') * 1000,
    callLengthMs: parseSippDuration(raw['CallLength(C)'] ?? '') * 1000,
    failureReasons,
    source: 'csv',
  };
}

/** The cumulative column of a `  Name  |  periodic  |  cumulative` row of the last screen. */
function screenValue(screen: string, label: string): string | undefined {
  const re = new RegExp(`^\\s*${label}\\s*\\|[^|]*\\|\\s*(\\S+(?:\\s\\S+)?)`, 'gm');
  let last: string | undefined;
  for (const m of screen.matchAll(re)) last = m[1];
  return last;
}

/** Parses the last statistics screen of a `-trace_screen` file; undefined when it has none. */
export function parseSippScreen(screen: string): SippStats | undefined {
  const ok = screenValue(screen, 'Successful call');
  const failed = screenValue(screen, 'Failed call');
  if (ok === undefined || failed === undefined) return undefined;
  const total = screenValue(screen, 'Total Calls created');
  const rate = screenValue(screen, 'Call Rate');
  const elapsed = screenValue(screen, 'Elapsed Time');
  const rt = screenValue(screen, 'Response Time 1');
  const len = screenValue(screen, 'Call Length');
  return {
    raw: {},
    successful: Number(ok),
    failed: Number(failed),
    created: total === undefined ? Number.NaN : Number(total),
    callRate: rate === undefined ? Number.NaN : Number.parseFloat(rate),
    elapsedSeconds: elapsed === undefined ? Number.NaN : parseSippDuration(elapsed),
    responseTimeMs: rt === undefined ? Number.NaN : parseSippDuration(rt) * 1000,
    callLengthMs: len === undefined ? Number.NaN : parseSippDuration(len) * 1000,
    failureReasons: {},
    source: 'screen',
  };
}

/** Stats for a run that produced neither file (SIPp died before its first dump). */
export function emptySippStats(): SippStats {
  return {
    raw: {},
    successful: 0,
    failed: 0,
    created: 0,
    callRate: Number.NaN,
    elapsedSeconds: Number.NaN,
    responseTimeMs: Number.NaN,
    callLengthMs: Number.NaN,
    failureReasons: {},
    source: 'none',
  };
}
