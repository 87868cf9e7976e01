/**
 * The SRS's counters behind `Srs.stats()` (and so its /metrics): session outcomes counted where
 * the Srs emits its events, media read from the sessions on demand. A session's media counters
 * are summed live while it is tracked and folded into the totals when it ends, in one synchronous
 * step, so every counter only grows (a Prometheus counter that dipped would read as a restart).
 */
import type { SrsEndReason, SrsMediaCounters, SrsStats } from '../../../include-types/siprec.js';

/** What the counters need of a session. */
export interface CountedSession {
  mediaCounters(): SrsMediaCounters;
}

/**
 * Every field of {@link SrsMediaCounters}, once: the compile-time check below fails when a counter
 * is added to the type and not here, so none is left out of the sums (a fixed array walked, not
 * `Object.keys` per session end; issue 15).
 */
const MEDIA_KEYS = ['rtpPackets', 'rtpBytes', 'rtcpPackets', 'packetsLost', 'packetsLate', 'packetsDropped', 'srtpAuthFailures', 'filesWritten', 'bytesWritten'] as const;
const everyMediaKey: Exclude<keyof SrsMediaCounters, (typeof MEDIA_KEYS)[number]> extends never ? true : never = true;
void everyMediaKey;

/** A zeroed {@link SrsMediaCounters}. */
export function emptyMedia(): SrsMediaCounters {
  return { rtpPackets: 0, rtpBytes: 0, rtcpPackets: 0, packetsLost: 0, packetsLate: 0, packetsDropped: 0, srtpAuthFailures: 0, filesWritten: 0, bytesWritten: 0 };
}

function addMedia(into: SrsMediaCounters, c: SrsMediaCounters): void {
  for (let i = 0; i < MEDIA_KEYS.length; i++) into[MEDIA_KEYS[i]] += c[MEDIA_KEYS[i]];
}

/** Session outcome and media counters of one Srs. */
export class SrsCounters {
  setupAttempts = 0;
  recordingsStarted = 0;
  recordingsCompleted = 0;
  recordingsFailed = 0;
  readonly ended: Partial<Record<SrsEndReason, number>> = {};
  readonly rejected: Record<string, number> = {};
  private readonly mediaDone = emptyMedia();
  private readonly live = new Set<CountedSession>();

  /** A new recording INVITE arrived. */
  attempt(): void {
    this.setupAttempts++;
  }

  /** A new INVITE was refused with `status`. */
  reject(status: number): void {
    const k = String(status);
    this.rejected[k] = (this.rejected[k] ?? 0) + 1;
  }

  /** A session started (`sessionStarted`). */
  start(): void {
    this.recordingsStarted++;
  }

  /** A session ended (`sessionEnded`); `ok`: its recording is complete. */
  end(reason: SrsEndReason, ok: boolean): void {
    this.ended[reason] = (this.ended[reason] ?? 0) + 1;
    if (ok) this.recordingsCompleted++;
    else this.recordingsFailed++;
  }

  /** A session was made: its media counts from now on. */
  track(s: CountedSession): void {
    this.live.add(s);
  }

  /** A session's files and sockets are closed: its final media counts join the totals. */
  fold(s: CountedSession): void {
    if (!this.live.delete(s)) return;
    addMedia(this.mediaDone, s.mediaCounters());
  }

  /** The whole {@link SrsStats}: these counters and the gauges the Srs knows. */
  snapshot(now: Pick<SrsStats, 'liveSessions' | 'pendingSetups' | 'unconfirmedSessions' | 'maxSessions' | 'draining' | 'ports'>): SrsStats {
    return {
      ...now, setupAttempts: this.setupAttempts, recordingsStarted: this.recordingsStarted, recordingsCompleted: this.recordingsCompleted,
      recordingsFailed: this.recordingsFailed, ended: { ...this.ended }, rejected: { ...this.rejected }, media: this.media(),
    };
  }

  /** Media of every session so far, the live ones included. */
  media(): SrsMediaCounters {
    const c = { ...this.mediaDone };
    for (const s of this.live) addMedia(c, s.mediaCounters());
    return c;
  }
}
