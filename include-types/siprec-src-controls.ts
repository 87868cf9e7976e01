/**
 * SIPREC contract, recording client controls (DESIGN §4): which SRS entries a call is recorded by,
 * the recording requirement (policy) and its events, the list of live recordings, and requests the
 * app sends to an SRS in a recording session's dialog. Types and const objects only; `siprec.ts`
 * re-exports every part.
 */
import type { HeaderField } from './api.js';
import type { RecordedMediaKind, RecordingEndReason } from './siprec-common.js';

/**
 * How many SRS entries must record a call (OpenSIPS siprec parity and beyond): a value to switch on.
 * `SrcSettings.recordingRequired` sets it for every call, `StartRecordingOptions.recordingRequired`
 * for one call.
 */
export const RecordingRequirement = {
  /** No requirement: nothing is reported (the default). */
  None: 'none',
  /** At least one entry must record: broken when every entry asked for failed or ended abnormally. */
  Any: 'any',
  /** Every entry asked for must record: broken as soon as one fails or ends abnormally. */
  All: 'all',
} as const;
/** One of the {@link RecordingRequirement} values. */
export type RecordingRequirement = (typeof RecordingRequirement)[keyof typeof RecordingRequirement];

/** Which SRS entries a control applies to. */
export interface RecordingSelection {
  /**
   * SRS entry names (`SrsEntrySettings.name`). Absent: every entry the call is recorded by (for
   * `startRecording`: every entry). An unknown name is a RangeError.
   */
  srs?: readonly string[];
}

/** Options of `SrcManager.startRecording`. */
export interface StartRecordingOptions extends RecordingSelection {
  /**
   * The requirement for this call (default `SrcSettings.recordingRequired`, else 'none'). Given
   * again when entries are added to a call already recorded, it replaces the call's requirement.
   */
  recordingRequired?: RecordingRequirement;
}

/** Where a live recording is (`LiveRecording.state`): a value to switch on. */
export const LiveRecordingState = {
  /** The INVITE is out (or, SRS-initiated, the ACK awaited); nothing forwarded yet. */
  Starting: 'Starting',
  /** The SRS records: media is forwarded. */
  Active: 'Active',
  /** Paused (`a=inactive` taken by the SRS): nothing forwarded. */
  Paused: 'Paused',
  /** Stopping: MSRP queues draining, stop-time metadata and BYE on their way. */
  Stopping: 'Stopping',
} as const;
/** One of the {@link LiveRecordingState} values. */
export type LiveRecordingState = (typeof LiveRecordingState)[keyof typeof LiveRecordingState];

/** One stream of a live recording, as {@link LiveRecording} shows it. */
export interface LiveRecordingStream {
  /** The RS `a=label`. */
  label: string;
  /** Media kind (audio, video, text, message). */
  media: RecordedMediaKind;
  /** True once the SRS accepted the stream (false while starting, or when refused with port 0). */
  accepted: boolean;
  /** RTP packets forwarded (MSRP: SEND chunks answered 200). */
  packetsSent: number;
  /** Bytes forwarded (RTP: whole packets as sent; MSRP: body bytes). */
  bytesSent: number;
}

/** A snapshot of one live recording (one call towards one SRS entry); `SrcManager.recordings()`. */
export interface LiveRecording {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The SRS entry name. */
  srsName: string;
  /** Where it is. */
  state: LiveRecordingState;
  /** The SRS URI in use (while starting: the one being tried). */
  srs: string;
  /** The RS's own Call-ID ('' before the first INVITE went out). */
  recordingId: string;
  /** The RFC 7865 `<session>` element's `session_id` in the metadata sent to this SRS (base64, RFC 7865 §6.8). */
  sessionId: string;
  /** True when the SRS asked for the recording session (RFC 7866 §6.2). */
  srsInitiated: boolean;
  /** The streams in m-line order. */
  streams: LiveRecordingStream[];
  /** When the recording was asked for, epoch ms (on `SrcSettings.clock`). */
  startedAt: number;
  /** When the SRS accepted it, epoch ms; absent while starting. */
  activeSince?: number;
}

/**
 * A request the app sends to the SRS in a live recording session's dialog
 * (`SrcManager.sendRequest`), e.g. INFO or MESSAGE. Methods with a role in the dialog (INVITE,
 * ACK, BYE, CANCEL, PRACK, SUBSCRIBE, NOTIFY, REFER, REGISTER) and an UPDATE carrying SDP are
 * refused (SipError `MethodNotAllowed`).
 */
export interface SrsRequest {
  /** The SRS entry whose recording session of the call gets the request. */
  srs: string;
  /** The method (an RFC 3261 token, e.g. INFO). */
  method: string;
  /** Extra headers (not the ones the stack owns: Via, Call-ID, CSeq, From, To...). */
  headers?: HeaderField[];
  /** Body; needs `contentType`. */
  body?: Buffer | string;
  /** The body's Content-Type. */
  contentType?: string;
}

/** The SRS's final response to a {@link SrsRequest}. */
export interface SrsResponse {
  /** Status code (any final: 2xx–6xx). */
  statusCode: number;
  /** Reason phrase. */
  reasonPhrase: string;
  /** Headers of the response the stack lets the app see. */
  headers: HeaderField[];
  /** Body (empty when none). */
  body: Buffer;
  /** The body's Content-Type, when there is a body. */
  contentType?: string;
}

/** One entry that broke a recording requirement. */
export interface RecordingPolicyFailure {
  /** The SRS entry name. */
  srsName: string;
  /** Why its recording failed or ended. */
  reason: RecordingEndReason;
  /** The last final response code, when there was one. */
  statusCode?: number;
}

/**
 * When a requirement broke (`RecordingPolicyBrokenEvent.phase`): 'start' before it was ever
 * satisfied, 'live' after (a recording it counted on ended abnormally).
 */
export type RecordingPolicyPhase = 'start' | 'live';

/**
 * `recordingPolicyBroken`: a call's {@link RecordingRequirement} no longer holds: 'any' when no
 * entry asked for records it any more (each failed or ended abnormally: by the SRS's BYE, a failed
 * refresh, a lost connection), 'all' when one of them failed or ended so. Stops the app asked for,
 * a participant's preference 'off' and shutdown never break it. Reported once per break.
 */
export interface RecordingPolicyBrokenEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The requirement ('any' or 'all'). */
  policy: RecordingRequirement;
  /** See {@link RecordingPolicyPhase}. */
  phase: RecordingPolicyPhase;
  /** The entries that failed or ended abnormally, and why. */
  failed: RecordingPolicyFailure[];
  /** Entries that still record the call. */
  active: string[];
}

/**
 * `recordingPolicySatisfied`: a call's {@link RecordingRequirement} holds: 'any' once one entry
 * records it, 'all' once every entry asked for does. Reported once per change into it.
 */
export interface RecordingPolicySatisfiedEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The requirement ('any' or 'all'). */
  policy: RecordingRequirement;
  /** Entries that record the call. */
  active: string[];
}
