/**
 * The load and the checks of the SRS cluster interop tests (srs-cluster-drain.test.ts,
 * srs-cluster-kill.test.ts; two files so tap runs the two scenarios side by side): calls started
 * through Kamailio's dispatcher at a rate, each stopped after a hold, and the recordings each
 * SRS stored.
 */
import type { Test } from 'tap';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { listRecordings, type StoredRecording } from '../../../lib/siprec/srs/index.js';
import type { SrsCluster } from './srs-cluster.js';

export const CALLS = 100;
export const RATE = 20;
export const HOLD_MS = 4000;
/**
 * Kamailio's waits, longer than dispatcher.cfg's defaults (2 s for an INVITE's first answer, 4 s
 * for other requests): an SRS answers 100 within 200 ms, but on a loaded 2-core machine a process
 * can stall for seconds (event-loop lag max 2.4 s measured with the machine at load 18), and the
 * test is about drain and failover, not latency. A kill -9 is still noticed within FR_TIMEOUT_MS.
 */
export const VARS = { FR_TIMEOUT_MS: 6000, FR_NONINVITE_MS: 8000 };

export interface CallOutcome {
  callId: string;
  sentMs: number;
  recordingId?: string;
  failedStatus?: number;
  stopped?: { reason: string; bye?: number };
}

let callNo = 0;

/**
 * Starts `calls` recordings at `rate`/s through `uri`, each stopped after `holdMs`; `at` runs once at
 * its time (given the ms since the first call it really ran at: a loaded machine runs timers late).
 */
export async function runLoad(t: Test, uri: string, opts: { calls: number; rate: number; holdMs: number; at?: { ms: number; fn: (elapsedMs: number) => void } }): Promise<CallOutcome[]> {
  const m = new SrcManager({
    srs: [{
      name: 'cluster', srsUris: [`${uri};transport=tcp`], localAddress: '127.0.0.1', transport: 'tcp',
      inviteTimeoutMs: 15_000, stopMetadata: false, sessionExpires: 0,
    }],
  });
  await m.start();
  t.teardown(() => m.shutdown());
  const calls = new Map<string, CallOutcome>();
  let settled = 0;
  let allDone!: () => void;
  const done = new Promise<void>((r) => { allDone = r; });
  const settle = (): void => { if (++settled === opts.calls) allDone(); };
  m.on('recordingStarted', (e) => {
    const c = calls.get(e.callId);
    if (!c) return;
    c.recordingId = e.recordingId;
    setTimeout(() => void m.stopRecording(e.callId).catch(() => undefined), opts.holdMs);
  });
  m.on('recordingFailed', (e) => {
    const c = calls.get(e.callId);
    if (!c || c.failedStatus !== undefined) return;
    c.failedStatus = e.statusCode ?? 0;
    settle();
  });
  m.on('recordingStopped', (e) => {
    const c = calls.get(e.callId);
    if (!c || c.stopped) return;
    c.stopped = { reason: e.reason, ...(e.byeStatusCode !== undefined ? { bye: e.byeStatusCode } : {}) };
    settle();
  });
  const t0 = Date.now();
  let fired = false;
  for (let i = 0; i < opts.calls; i++) {
    const due = t0 + (i * 1000) / opts.rate;
    if (opts.at && !fired && due - t0 >= opts.at.ms) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + opts.at!.ms - Date.now())));
      opts.at.fn(Date.now() - t0);
      fired = true;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const callId = `cluster-${process.pid}-${++callNo}@test`;
    calls.set(callId, { callId, sentMs: Date.now() - t0 });
    m.startRecording({
      callId,
      participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
      streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
    });
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, opts.holdMs + 20_000))]);
  return [...calls.values()];
}

/** What the SRSs refused and what Kamailio said about failover, for a failing run's diagnostics. */
export function diagnostics(cluster: SrsCluster): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of cluster.srs) out[`srs${s.index}`] = s.out().split('\n').filter((l) => /rejected|drain|SIG|recovered/.test(l)).slice(0, 20);
  out.kamailio = cluster.kamailio.log().split('\n').filter((l) => /SRS|ERROR|WARN/.test(l)).slice(-30);
  return out;
}

/**
 * Every SRS's recordings by recording id (the RS Call-ID). One id can be on both SRSs: a set-up
 * cut by the kill leaves a directory on the killed SRS, and Kamailio then fails the same INVITE
 * (same Call-ID) over to the other. The recording that went on is the one wanted: a `complete`
 * one, else one still `recording`, else the first found.
 */
export function recordingsOf(cluster: SrsCluster): Map<string, StoredRecording & { srs: number }> {
  const out = new Map<string, StoredRecording & { srs: number }>();
  const rank = (state: string): number => (state === 'complete' ? 2 : state === 'recording' ? 1 : 0);
  for (const s of cluster.srs) {
    for (const r of listRecordings(s.dir)) {
      const seen = out.get(r.index.recordingId);
      if (seen === undefined || rank(r.index.state) > rank(seen.index.state)) out.set(r.index.recordingId, { ...r, srs: s.index });
    }
  }
  return out;
}

/**
 * The recordings once those of `ids` are closed: the SRS answers the BYE first and closes the
 * files right after, so the last calls' indexes may still say `recording` for a moment (bounded).
 */
export async function settled(cluster: SrsCluster, ids: (string | undefined)[], ms = 5000): Promise<Map<string, StoredRecording & { srs: number }>> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    const recs = recordingsOf(cluster);
    if (ids.every((id) => recs.get(id ?? '')?.index.state !== 'recording') || Date.now() > end) return recs;
  }
}

export const count = <T>(xs: T[], p: (x: T) => boolean): number => xs.filter(p).length;

