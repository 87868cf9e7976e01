/**
 * The SRS's health (`Srs.health()`): whether it takes new recordings now, and if not why. One
 * answer for the SIP side (OPTIONS 200 or 503 + Retry-After, which a dispatcher such as
 * Kamailio's probes to take an SRS out of rotation) and for the HTTP side (/healthz).
 */
import type { SrsHealth, SrsHealthProblem } from '../../../include-types/siprec.js';
import { bytesText } from './limits.js';

/** RTP port pairs a new recording needs at least (two streams: one per party). */
export const PORT_PAIRS_PER_RECORDING = 2;

/** What the health is judged from. */
export interface HealthInput {
  /** Draining or shutting down, with the seconds the drain may still take (if known). */
  draining?: { retryAfter?: number; why: string };
  /** Sessions live and being set up. */
  sessions: number;
  /** `maxSessions`. */
  maxSessions: number;
  /** Port pairs free. */
  freePortPairs: number;
  /** Port pairs in the range. */
  portCapacity: number;
  /** The disk: its floor (0 = not checked) and what the last probe saw. */
  disk?: { floor: number; free?: number; error?: string };
  /** Retry-After for a low disk (the disk check interval), seconds. */
  diskRetryAfter: number;
}

/** Judges the health; problems in the order of {@link SrsHealthProblem}. */
export function assessHealth(h: HealthInput): SrsHealth {
  const problems: { state: SrsHealthProblem; reason: string }[] = [];
  let retryAfter: number | undefined;
  const later = (s: number | undefined): void => {
    if (s !== undefined) retryAfter = Math.max(retryAfter ?? 0, s);
  };
  if (h.draining) {
    problems.push({ state: 'draining', reason: h.draining.why });
    later(h.draining.retryAfter);
  }
  const d = h.disk;
  if (d && d.floor > 0) {
    if (d.error !== undefined) {
      problems.push({ state: 'lowDisk', reason: `free disk space unknown (${d.error})` });
      later(h.diskRetryAfter);
    } else if (d.free !== undefined && d.free < d.floor) {
      problems.push({ state: 'lowDisk', reason: `free disk space ${bytesText(d.free)} below minFreeDiskBytes ${bytesText(d.floor)}` });
      later(h.diskRetryAfter);
    }
  }
  const need = Math.min(PORT_PAIRS_PER_RECORDING, h.portCapacity);
  if (h.freePortPairs < need) {
    problems.push({ state: 'noPorts', reason: `${h.freePortPairs} of ${h.portCapacity} RTP port pairs free (a recording needs ${need})` });
    later(5);
  }
  if (h.sessions >= h.maxSessions) {
    problems.push({ state: 'overSessions', reason: `${h.sessions} sessions: at maxSessions ${h.maxSessions}` });
    later(5);
  }
  return {
    state: problems[0]?.state ?? 'ok',
    healthy: problems.length === 0,
    problems,
    ...(retryAfter !== undefined && problems.length > 0 ? { retryAfter } : {}),
    sessions: h.sessions,
    maxSessions: h.maxSessions,
    freePortPairs: h.freePortPairs,
    ...(d?.free !== undefined ? { freeDiskBytes: d.free } : {}),
  };
}

/** The SIP reason phrase of an OPTIONS 503 for a health state. */
export function healthReasonPhrase(h: SrsHealth): string {
  switch (h.state) {
    case 'draining': return 'Draining';
    case 'lowDisk': return 'Insufficient disk space';
    case 'noPorts': return 'No media ports available';
    case 'overSessions': return 'Too many recording sessions';
    default: return 'OK';
  }
}

/**
 * A free-space probe whose answer is kept for `maxAgeMs`, so a busy OPTIONS prober or a scrape
 * does not call statfs for each request. Concurrent callers share one probe.
 */
export class DiskProbe {
  private last: { at: number; free?: number; error?: string } | undefined;
  private running: Promise<{ free?: number; error?: string }> | undefined;

  constructor(private readonly probe: () => Promise<number>, private readonly now: () => number, private readonly maxAgeMs: number) {}

  /** Free bytes (or the probe's error code), at most `maxAgeMs` old. */
  async read(): Promise<{ free?: number; error?: string }> {
    const l = this.last;
    if (l && this.now() - l.at < this.maxAgeMs) return l.error !== undefined ? { error: l.error } : { ...(l.free !== undefined ? { free: l.free } : {}) };
    this.running ??= this.probe().then(
      (free) => ({ free }),
      (e: unknown) => ({ error: (e as NodeJS.ErrnoException)?.code ?? 'statfs failed' }),
    ).then((r) => {
      this.last = { at: this.now(), ...r };
      this.running = undefined;
      return r;
    });
    return this.running;
  }
}
