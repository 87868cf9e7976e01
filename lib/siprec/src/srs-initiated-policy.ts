/**
 * The SrcManager's verdict on an SRS-initiated INVITE (RFC 7866 §6.2) that reached one entry's
 * user agent: the app's `acceptSrsInitiated` policy names the call, then the checks, each with
 * its refusal (the user agent sends it): 488 no policy (or shut down), 404 no such call, 403 a
 * participant's preference is 'off' (RFC 7866 §7.1.3), 486 already recorded to this entry, 500
 * bad call parameters. An accepted call is recorded by this entry too (stop/pause include it).
 */
import type { CallParams, SrcSettings, SrsInitiatedRequest } from '../../../include-types/siprec.js';
import type { CallRecording } from './call-recording.js';
import type { CallState } from './call-state.js';
import type { SrcUserAgent, SrsInitiatedVerdict } from './src-user-agent.js';

/** What the verdict needs of the SrcManager. */
export interface SrsInitiatedHost {
  /** `SrcSettings.acceptSrsInitiated`. */
  policy(): SrcSettings['acceptSrsInitiated'];
  /** True after shutdown(). */
  stopped(): boolean;
  /** Per CS Call-ID, the manager's state. */
  readonly calls: ReadonlyMap<string, CallState>;
  /** `honourRecordingPreference` (default true). */
  honours(): boolean;
  /** The state of a call, made on first use. */
  state(callId: string): CallState;
  /** A new handle for a call recorded from now on. */
  newRecording(call: CallParams): CallRecording;
}

/** The verdict: the call to record, or the refusal. */
export function srsInitiatedVerdict(host: SrsInitiatedHost, agent: SrcUserAgent, req: SrsInitiatedRequest): SrsInitiatedVerdict {
  const policy = host.policy();
  if (!policy || host.stopped()) return { status: 488, reason: 'SRS-initiated recording not accepted' };
  let pick: CallParams | string | undefined;
  try {
    pick = policy({ ...req, calls: [...host.calls].filter(([, st]) => st.recording !== undefined).map(([id]) => id) });
  } catch {
    pick = undefined; // a throwing policy refuses, as one returning undefined does
  }
  const known = pick === undefined ? undefined : host.calls.get(typeof pick === 'string' ? pick : pick.callId)?.recording;
  const call = typeof pick === 'string' ? known?.params : pick;
  if (!call) return { status: 404, reason: 'No such call to record' };
  if (host.honours() && (host.calls.get(call.callId)?.withheld === true || (!known && call.recordingPreference === 'off'))) {
    return { status: 403, reason: 'Recording declined by participant preference' }; // RFC 7866 §7.1.3
  }
  if (agent.session(call.callId)) return { status: 486, reason: 'Call already recorded to this SRS entry' };
  if (call.streams.length === 0 || new Set(call.streams.map((s) => s.label)).size !== call.streams.length) {
    return { status: 500, reason: 'Bad call parameters' };
  }
  const st = host.state(call.callId);
  st.selected.add(agent.name);
  if (!known) {
    st.recording = host.newRecording(call);
    if (call.recordingPreference !== undefined) st.preference = call.recordingPreference;
    if (call.recordingPreference === 'pause' && host.honours()) st.pausedBy = 'preference';
  }
  return { call };
}
