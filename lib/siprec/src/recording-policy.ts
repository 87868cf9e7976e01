/**
 * The recording requirement of each call (`SrcSettings.recordingRequired`,
 * `StartRecordingOptions.recordingRequired`): which entries were asked to record it and how each
 * fared, and the verdict — 'any': satisfied once one records, broken once every one failed or
 * ended abnormally; 'all': satisfied once every one records, broken once one failed or ended
 * abnormally. A change of verdict is reported once (`recordingPolicySatisfied` /
 * `recordingPolicyBroken`), after the entry's own event.
 *
 * Not failures: the app's stop (the entry is no longer asked for), shutdown, and a participant's
 * preference 'off' (RFC 7866 §7.1.3: the entry waits, as if starting, until the preference allows
 * it again).
 */
import {
  RecordingEndReason, RecordingRequirement,
  type RecordingEventBase, type RecordingPolicyBrokenEvent, type RecordingPolicyFailure, type RecordingPolicySatisfiedEvent,
} from '../../../include-types/siprec.js';

/** How one entry asked for fares. */
type Outcome = { kind: 'pending' } | { kind: 'active' } | { kind: 'failed'; failure: RecordingPolicyFailure };

/** One call's requirement. */
interface Tracked {
  policy: RecordingRequirement;
  entries: Map<string, Outcome>;
  verdict: 'pending' | 'satisfied' | 'broken';
  /** Satisfied at least once (a later break is 'live'). */
  wasSatisfied: boolean;
}

/** Where verdicts go. */
export interface RecordingPolicySink {
  broken(e: RecordingPolicyBrokenEvent): void;
  satisfied(e: RecordingPolicySatisfiedEvent): void;
}

/** Reasons an ended or failed recording does not count against the requirement. */
const NOT_FAILURES: ReadonlySet<RecordingEndReason> = new Set([RecordingEndReason.Stopped, RecordingEndReason.Shutdown, RecordingEndReason.PreferenceOff]);

/** Checks a requirement value. @throws RangeError for anything else */
export function checkRequirement(value: unknown): asserts value is RecordingRequirement | undefined {
  if (value !== undefined && !Object.values(RecordingRequirement).includes(value as RecordingRequirement)) {
    throw new RangeError(`recordingRequired must be 'none', 'any' or 'all' (not ${String(value)})`);
  }
}

/** The requirements of every call the manager records with one. */
export class RecordingPolicy {
  private readonly calls = new Map<string, Tracked>();

  /** @param sink - told every change of verdict */
  constructor(private readonly sink: RecordingPolicySink) {}

  /**
   * Entries `names` are asked to record `callId` (a new call, or entries added to one). `policy`
   * replaces the call's requirement when given; 'none' (or none at all) tracks nothing.
   */
  expect(callId: string, names: readonly string[], policy: RecordingRequirement | undefined): void {
    let t = this.calls.get(callId);
    if (policy === RecordingRequirement.None && t === undefined) return;
    if (policy === RecordingRequirement.None) return void this.calls.delete(callId);
    if (t === undefined) {
      if (policy === undefined) return;
      t = { policy, entries: new Map(), verdict: 'pending', wasSatisfied: false };
      this.calls.set(callId, t);
    } else if (policy !== undefined) t.policy = policy;
    for (const n of names) t.entries.set(n, { kind: 'pending' });
    this.judge(callId, t);
  }

  /** The app no longer asks `names` (undefined: any entry) to record the call. */
  release(callId: string, names?: readonly string[]): void {
    const t = this.calls.get(callId);
    if (!t) return;
    if (names === undefined) return void this.calls.delete(callId);
    for (const n of names) t.entries.delete(n);
    if (t.entries.size === 0) this.calls.delete(callId);
    else this.judge(callId, t);
  }

  /** An entry's recording is up. */
  started(e: RecordingEventBase): void {
    this.set(e, { kind: 'active' });
  }

  /** An entry's recording failed or ended (`recordingFailed` / `recordingStopped`). */
  ended(e: RecordingEventBase & { reason: RecordingEndReason; statusCode?: number }): void {
    if (NOT_FAILURES.has(e.reason)) {
      // the preference may let it start again; the app's stop and shutdown release it anyway
      if (e.reason === RecordingEndReason.PreferenceOff) this.set(e, { kind: 'pending' });
      return;
    }
    this.set(e, { kind: 'failed', failure: { srsName: e.srsName, reason: e.reason, ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}) } });
  }

  /** Forgets every call (shutdown). */
  clear(): void {
    this.calls.clear();
  }

  private set(e: RecordingEventBase, o: Outcome): void {
    const t = this.calls.get(e.callId);
    if (!t?.entries.has(e.srsName)) return; // not asked for (e.g. an SRS-initiated extra)
    t.entries.set(e.srsName, o);
    this.judge(e.callId, t);
  }

  private judge(callId: string, t: Tracked): void {
    const all = [...t.entries];
    const active = all.filter(([, o]) => o.kind === 'active').map(([n]) => n);
    const failed = all.flatMap(([, o]) => (o.kind === 'failed' ? [o.failure] : []));
    let verdict: Tracked['verdict'];
    if (t.policy === RecordingRequirement.Any) verdict = active.length > 0 ? 'satisfied' : failed.length === all.length && all.length > 0 ? 'broken' : 'pending';
    else verdict = failed.length > 0 ? 'broken' : active.length === all.length && all.length > 0 ? 'satisfied' : 'pending';
    if (verdict === t.verdict) return;
    t.verdict = verdict;
    if (verdict === 'satisfied') {
      t.wasSatisfied = true;
      this.sink.satisfied({ callId, policy: t.policy, active });
    } else if (verdict === 'broken') {
      this.sink.broken({ callId, policy: t.policy, phase: t.wasSatisfied ? 'live' : 'start', failed, active });
    }
  }
}
