/**
 * SIPREC contract, recording client calls and events (DESIGN §4): the call the app describes, the changes it sends, and the payloads of `SrcManager` events.
 * Types and const objects only; `siprec.ts` re-exports every part.
 */
import type { HeaderField } from './api.js';
import type { RecordedMediaKind, RecordingEndReason, SrsAttemptOutcome } from './siprec-common.js';
import type { AudioTapUnavailableEvent, SrcAudioTap, SrcAudioTapEndedEvent } from './siprec-live-audio.js';
import type { RecordedCodec, RecordingIndication, RecordingPreference, SrcMsrpSettings, SrcSettings } from './siprec-src-settings.js';
import type { RecordingPolicyBrokenEvent, RecordingPolicySatisfiedEvent } from './siprec-src-controls.js';

/** A participant of the recorded call. */
export interface CallParticipantParams {
  /** The app's key for the participant (e.g. 'caller'); never sent. */
  key: string;
  /** Address of record. */
  aor: string;
  /** Display name. */
  name?: string;
}

/** A recorded stream: one RS m-line. */
export interface RecordedStreamParams {
  /** The RS `a=label` (RFC 4574); stable for the life of the recording. */
  label: string;
  /**
   * Media kind (default audio). `'message'` is an MSRP stream (RFC 4975): the app feeds its
   * messages with `CallRecording.forwardMessage`, not RTP (see {@link SrcMsrpSettings}).
   */
  media?: RecordedMediaKind;
  /** Key of the participant whose media the stream carries. */
  sender?: string;
  /** Keys of the participants who receive it (default: everyone else). */
  receivers?: string[];
  /** Codecs offered (default: the entry's media codecs). */
  codecs?: RecordedCodec[];
}

/** What the app knows about the call to record (seed 000's SrcCallParameters). */
export interface CallParams {
  /** SIP Call-ID of the recorded call (CS); the key of every later call. */
  callId: string;
  /** Participants at the start. */
  participants: CallParticipantParams[];
  /** Streams to record. */
  streams: RecordedStreamParams[];
  /** RFC 7989 Session-ID values of the CS. */
  sipSessionIds?: string[];
  /** NG9-1-1 call id URN (`urn:emergency:uid:callid:...`), copied to Call-Info. */
  emergencyCallId?: string;
  /** NG9-1-1 incident id URN. */
  emergencyIncidentId?: string;
  /** Direction of the CS for log events (default incoming). */
  direction?: 'incoming' | 'outgoing';
  /** Extra headers for this call's INVITEs. */
  headers?: HeaderField[];
  /**
   * The participants' recording preference at the start (RFC 7866 §7.1.3; from the CS SDP's
   * `a=recordpref`, e.g. with `callRecordingPreference`); later ones go to
   * `SrcManager.setRecordingPreference`. Applied per `SrcSettings.honourRecordingPreference`.
   */
  recordingPreference?: RecordingPreference;
}

/** Changes to a recorded call, sent to the SRS as a partial metadata update. */
export interface RecordingChanges {
  /** Participants who joined. */
  participantsJoined?: CallParticipantParams[];
  /** Keys of participants who left. */
  participantsLeft?: string[];
  /** Streams added (a new m-line each; re-INVITE). */
  streamsAdded?: RecordedStreamParams[];
  /** Participants put on hold or taken off hold. */
  hold?: { key: string; onHold: boolean }[];
}

/** Fields every recording event carries. */
export interface RecordingEventBase {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The RS's own Call-ID (recording session id). */
  recordingId: string;
  /** The SRS entry name. */
  srsName: string;
  /** The SRS URI that handles (or last handled) the recording. */
  srs: string;
  /**
   * The RFC 7865 `<session>` element's `session_id` in the metadata this recording sends (base64
   * of 128 random bits, RFC 7865 §6.8), the same for the life of the recording. A persistent RS
   * (`openPersistentSession`) reports the call attached most recently ('' before the first).
   */
  sessionId: string;
}

/** A recorded stream as the SRS accepted it. */
export interface RecordedStreamInfo {
  /** Its label. */
  label: string;
  /** False when the SRS rejected it (port 0) or left it out. */
  accepted: boolean;
  /** Where RTP goes, when accepted. */
  remote?: { address: string; port: number };
}

/** One SRS URI tried for a recording. */
export interface SrsAttempt {
  /** The URI. */
  srs: string;
  /** How it ended. */
  outcome: SrsAttemptOutcome;
  /** The final response code, when there was one. */
  statusCode?: number;
  /**
   * What went wrong, in words, for a `TransportError` (e.g. "TLS certificate verification
   * failed: …", "connection refused").
   */
  message?: string;
}

/** `recordingStarted`. */
export interface RecordingStartedEvent extends RecordingEventBase {
  /** Streams as answered. */
  streams: RecordedStreamInfo[];
  /** URIs tried before this one succeeded, with the outcome of each. */
  attempts: SrsAttempt[];
  /** True when the SRS asked for this recording session (RFC 7866 §6.2; `acceptSrsInitiated`). */
  srsInitiated?: boolean;
}

/** `recordingFailed`: no SRS of an entry records the call. */
export interface RecordingFailedEvent extends RecordingEventBase {
  /** Why. */
  reason: RecordingEndReason;
  /** The last final response code, if any. */
  statusCode?: number;
  /** Every URI tried. */
  attempts: SrsAttempt[];
}

/** `recordingPaused` / `recordingResumed`. */
export type RecordingPausedEvent = RecordingEventBase;

/** `recordingStopped`. */
export interface RecordingStoppedEvent extends RecordingEventBase {
  /** Why. */
  reason: RecordingEndReason;
  /** Status of the BYE response, when the SRC sent BYE. */
  byeStatusCode?: number;
  /** RTP packets forwarded per label. */
  packetsSent: Record<string, number>;
  /** MSRP streams: counters per label (only when the recording has message streams). */
  messages?: Record<string, MessageStreamStats>;
}

/** Why one recorded MSRP stream stopped (`streamFailed.reason`): a value to switch on; `message` has the words. */
export const StreamFailureReason = {
  /** No TCP connection to the answered a=path. */
  Connect: 'connect',
  /** An MSRP error response (`statusCode`). */
  Response: 'response',
  /** No response to a SEND in time. */
  Timeout: 'timeout',
  /** The SRS closed the connection. */
  Closed: 'closed',
  /** What came back is not MSRP. */
  Protocol: 'protocol',
  /** An a=setup in the answer the SRC cannot honour. */
  Setup: 'setup',
} as const;
/** One of the {@link StreamFailureReason} values. */
export type StreamFailureReason = (typeof StreamFailureReason)[keyof typeof StreamFailureReason];

/** Why a message fed with `forwardMessage` will not reach one SRS (`messageDropped.reason`). */
export const MessageDropReason = {
  /** Over `maxQueueMessages` / `maxQueueBytes`. */
  QueueFull: 'queueFull',
  /** The SRS answered 413 or 415 (`statusCode`). */
  Rejected: 'rejected',
  /** Still queued when the recording stopped. */
  Closed: 'closed',
  /** Queued when the stream failed. */
  Failed: 'failed',
} as const;
/** One of the {@link MessageDropReason} values. */
export type MessageDropReason = (typeof MessageDropReason)[keyof typeof MessageDropReason];

/** `streamFailed`: one recorded stream stopped carrying media (the recording goes on without it). */
export interface StreamFailedEvent extends RecordingEventBase {
  /** The stream's label. */
  label: string;
  /**
   * MSRP: `connect` (no TCP connection to the answered a=path), `response` (an MSRP error
   * response), `timeout` (no response to a SEND in time), `closed` (the SRS closed the
   * connection), `protocol` (not MSRP), `setup` (an a=setup in the answer the SRC cannot honour).
   */
  reason: StreamFailureReason;
  /** The MSRP status, for `response`. */
  statusCode?: number;
  /** Words. */
  message: string;
}

/** `messageDropped`: a message fed with `forwardMessage` will not reach one SRS. */
export interface MessageDroppedEvent extends RecordingEventBase {
  /** The stream's label. */
  label: string;
  /**
   * `queueFull` (over `maxQueueMessages`/`maxQueueBytes`), `rejected` (the SRS answered 413 or
   * 415), `closed` (still queued when the recording stopped), `failed` (queued when the stream failed).
   */
  reason: MessageDropReason;
  /** Body bytes of the message. */
  bytes: number;
  /** The MSRP status, for `rejected`. */
  statusCode?: number;
}

/** Per MSRP stream counters in `recordingStopped`. */
export interface MessageStreamStats {
  /** Messages sent whole. */
  sent: number;
  /** SEND chunks answered 200. */
  chunks: number;
  /** Body bytes sent. */
  bytes: number;
  /** Messages fed while paused (not sent). */
  notSentPaused: number;
  /** Messages dropped (see `messageDropped`). */
  dropped: number;
  /** Messages ended with '#' at stop (the queue did not drain in time). */
  aborted: number;
}

/** `srsStateChanged`: OPTIONS keep-alive saw an SRS go down or come back. */
export interface SrsStateChangedEvent {
  /** The SRS entry name. */
  srsName: string;
  /** The SRS URI. */
  srs: string;
  /** True when reachable. */
  up: boolean;
  /** The OPTIONS response code, when one came. */
  statusCode?: number;
}

/** `logEvent`: an NG9-1-1 log event was produced (and queued for the log servers). */
export interface LogEventEmitted {
  /** The log event type, e.g. RecCallStartLogEvent. */
  logEventType: string;
  /** The event as JSON. */
  event: Readonly<Record<string, unknown>>;
  /** The recorded call's Call-ID, when call related. */
  callId?: string;
}

/**
 * `recordingIndicationChanged`: the call's recording indication changed (RFC 7866 §7.1.2). An app
 * puts it in the CS SDP as `a=record` towards recording-aware participants (and tells the others
 * some other way). It follows what the SRSs confirmed: 'on' once any entry records, 'paused' once
 * every recording entry has paused, 'off' once none records.
 */
export interface RecordingIndicationChangedEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The new indication. */
  indication: RecordingIndication;
}

/**
 * `recordingPreferenceApplied`: what a call's recording preference did (RFC 7866 §7.1.3):
 * 'withheld' (not started), 'stopped', 'paused', 'resumed', 'started', 'none' (nothing to change),
 * or 'ignored' (`honourRecordingPreference` false).
 */
export interface RecordingPreferenceAppliedEvent {
  /** Call-ID of the recorded call (CS). */
  callId: string;
  /** The preference. */
  preference: RecordingPreference;
  /** What it did. */
  action: 'withheld' | 'stopped' | 'paused' | 'resumed' | 'started' | 'none' | 'ignored';
}

/** Event map of `SrcManager`. */
export interface SrcManagerEvents {
  recordingStarted: (e: RecordingStartedEvent) => void;
  recordingFailed: (e: RecordingFailedEvent) => void;
  recordingPaused: (e: RecordingPausedEvent) => void;
  recordingResumed: (e: RecordingPausedEvent) => void;
  recordingStopped: (e: RecordingStoppedEvent) => void;
  srsStateChanged: (e: SrsStateChangedEvent) => void;
  logEvent: (e: LogEventEmitted) => void;
  /** The call's recording indication (`a=record` value) changed; see {@link RecordingIndicationChangedEvent}. */
  recordingIndicationChanged: (e: RecordingIndicationChangedEvent) => void;
  /** A recording preference was applied; see {@link RecordingPreferenceAppliedEvent}. */
  recordingPreferenceApplied: (e: RecordingPreferenceAppliedEvent) => void;
  /** A recorded stream failed (MSRP connection or response); the recording goes on. See {@link StreamFailedEvent}. */
  streamFailed: (e: StreamFailedEvent) => void;
  /** A message fed with `forwardMessage` will not reach an SRS. See {@link MessageDroppedEvent}. */
  messageDropped: (e: MessageDroppedEvent) => void;
  /**
   * A recorded audio stream of a call started (the first SRS entry recording the call) and can be
   * listened to live: what `CallRecording.forward` sends to the SRSs, decoded (see
   * {@link SrcAudioTap}). Only emitted while a listener is attached (no listener: nothing decoded).
   */
  audioTap: (tap: SrcAudioTap) => void;
  /** A tap's stream ended (no SRS entry records the call any more): the final counts. */
  audioTapEnded: (e: SrcAudioTapEndedEvent) => void;
  /** A recorded audio stream has no tap (no codec the tap decodes); only while an `audioTap` listener is attached. */
  audioTapUnavailable: (e: AudioTapUnavailableEvent) => void;
  /** A call's recording requirement broke; see {@link RecordingPolicyBrokenEvent}. */
  recordingPolicyBroken: (e: RecordingPolicyBrokenEvent) => void;
  /** A call's recording requirement holds; see {@link RecordingPolicySatisfiedEvent}. */
  recordingPolicySatisfied: (e: RecordingPolicySatisfiedEvent) => void;
}
