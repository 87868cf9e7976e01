/**
 * SIPREC contract, shared part (DESIGN §4): why recordings end, failover outcomes, media kinds.
 * Types and const objects only; `siprec.ts` re-exports every part.
 */

/** Why a recording ended or could not start: a value to switch on, never a message string. */
export const RecordingEndReason = {
  /** The app called `stopRecording`. */
  Stopped: 'Stopped',
  /** The app called `shutdown`. */
  Shutdown: 'Shutdown',
  /** The SRS sent BYE. */
  RemoteBye: 'RemoteBye',
  /** The SRS answered with a final response matched by `skipFailoverCodes` (no failover). */
  Rejected: 'Rejected',
  /** Every SRS URI of the entry was tried and none recorded. */
  AllSrsFailed: 'AllSrsFailed',
  /** The SRS accepted the session but no recorded stream (all port 0). */
  NoStreamsAccepted: 'NoStreamsAccepted',
  /**
   * RFC 4028: a session refresh failed or the session timer expired; also any request in the RS
   * dialog (metadata update, pause, `sendRequest`) answered 481 or 408 or not at all by Timer F
   * (RFC 3261 §12.2.1.2: the dialog is gone).
   */
  SessionRefreshFailed: 'SessionRefreshFailed',
  /** The SIP connection of the SRC user agent went down. */
  ConnectionLost: 'ConnectionLost',
  /** A local error (ports, bad call parameters). */
  LocalError: 'LocalError',
  /**
   * A participant asked for no recording (`a=recordpref:off`, RFC 7866 §7.1.3, given to
   * `SrcManager` as `recordingPreference`) and `honourRecordingPreference` is on.
   */
  PreferenceOff: 'PreferenceOff',
} as const;
/** One of the {@link RecordingEndReason} values. */
export type RecordingEndReason = (typeof RecordingEndReason)[keyof typeof RecordingEndReason];

/** Why one SRS URI was given up during failover. */
export const SrsAttemptOutcome = {
  /** A final non-2xx response. */
  Response: 'Response',
  /** Timer B: no final response in time. */
  Timeout: 'Timeout',
  /** Connection refused, ICMP unreachable, resolution failure. */
  TransportError: 'TransportError',
  /** Marked down by the OPTIONS keep-alive, not tried. */
  Down: 'Down',
  /** Recorded (2xx). */
  Accepted: 'Accepted',
} as const;
/** One of the {@link SrsAttemptOutcome} values. */
export type SrsAttemptOutcome = (typeof SrsAttemptOutcome)[keyof typeof SrsAttemptOutcome];

/** Media kinds a recorded stream may carry (RFC 7866 §8: audio, video, RTT, MSRP). */
export type RecordedMediaKind = 'audio' | 'video' | 'text' | 'message';
