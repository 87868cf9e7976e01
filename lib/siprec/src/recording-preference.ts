/**
 * What a recording-aware participant's preference does to a call being recorded (RFC 7866
 * §7.1.3, `a=recordpref` in the CS SDP), with `honourRecordingPreference` on (the default):
 * - 'off' stops every recording of the call (reason `PreferenceOff`) and withholds it: the call
 *   stays known but unrecorded;
 * - after an 'off', 'on' / 'nopreference' / 'pause' start it again (a new RS per entry; an entry
 *   whose session is still ending starts once it ended, `CallState.restarts`);
 * - 'pause' pauses it; 'on' / 'nopreference' resume a pause a preference caused, never one the
 *   app asked for (per entry: `CallState.appPaused`).
 * Each outcome is reported as `recordingPreferenceApplied` (through `applied`).
 */
import { RecordingEndReason, type RecordingPreference, type RecordingPreferenceAppliedEvent, type RecordingSelection } from '../../../include-types/siprec.js';
import type { CallState } from './call-state.js';
import type { SrcUserAgent } from './src-user-agent.js';

/** What the rules need of the SrcManager. */
export interface PreferenceHost {
  /** Every SRS entry's user agent. */
  readonly agents: readonly SrcUserAgent[];
  /** `honourRecordingPreference` (default true). */
  honours(): boolean;
  /** Reports what a preference did (after the call that caused it returned); returns true. */
  applied(callId: string, preference: RecordingPreference, action: RecordingPreferenceAppliedEvent['action']): true;
  /** The entries a control applies to (the call's, without a selection). */
  chosen(st: CallState, selection: RecordingSelection): SrcUserAgent[];
}

/**
 * Applies `preference` (already validated and stored in `st.preference`) to the call. Resolves
 * true when every SRS took the change (a start: once asked; its events follow).
 */
export async function applyRecordingPreference(host: PreferenceHost, st: CallState, callId: string, preference: RecordingPreference): Promise<boolean> {
  if (!host.honours()) return host.applied(callId, preference, 'ignored');
  if (preference === 'off') {
    if (st.withheld) return host.applied(callId, preference, 'none');
    st.withheld = true;
    st.restarts = undefined;
    if (st.pausedBy === 'preference') st.pausedBy = undefined;
    const live = host.agents.some((a) => a.session(callId) !== undefined);
    host.applied(callId, preference, live ? 'stopped' : 'withheld');
    await Promise.all(host.agents.map((a) => a.stop(callId, RecordingEndReason.PreferenceOff)));
    return true;
  }
  if (st.withheld) {
    // RFC 7866 §7.1.3: no longer 'off': the recording the app asked for starts (a new RS).
    st.withheld = false;
    if (preference === 'pause') st.pausedBy = 'preference';
    const params = st.recording!.params;
    const ending = new Set<string>();
    for (const a of host.chosen(st, {})) {
      if (a.session(callId)) ending.add(a.name); // still ending after the 'off': starts once ended
      else a.startRecording(params);
    }
    if (ending.size > 0) st.restarts = ending;
    return host.applied(callId, preference, 'started');
  }
  if (preference === 'pause') {
    if (st.pausedBy !== undefined) return host.applied(callId, preference, 'none');
    st.pausedBy = 'preference';
    host.applied(callId, preference, 'paused');
    return (await Promise.all(host.chosen(st, {}).map((a) => a.pause(callId)))).every(Boolean);
  }
  if (st.pausedBy !== 'preference') return host.applied(callId, preference, 'none');
  st.pausedBy = undefined;
  host.applied(callId, preference, 'resumed');
  // entries the app paused itself stay paused
  return (await Promise.all(host.chosen(st, {}).filter((a) => !st.appPaused.has(a.name)).map((a) => a.resume(callId)))).every(Boolean);
}
