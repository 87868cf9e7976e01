/**
 * Options and events of the recording B2BUA ({@link B2bua}).
 */
import type { RecordingEndReason, RecordingRequirement } from '../../include-types/siprec.js';
import type { SrcManager } from '../siprec/src/index.js';
import type { B2buaCallState } from './call-state.js';

/** Options of the B2BUA. */
export interface B2buaOptions {
  /** Local SIP address and port the B2BUA listens on (UDP and TCP) and calls from. */
  listen: { address: string; port: number };
  /**
   * Where every call goes (e.g. `sip:127.0.0.1:5080`): the callee leg's Request-URI is this URI
   * with the user part of the caller's Request-URI.
   */
  target: string;
  /** Transport of the callee leg (default udp; tcp adds `;transport=tcp` to the target). */
  transport?: 'udp' | 'tcp';
  /** Address the RTP relay binds and puts in the SDP (default: the listen address). */
  mediaAddress?: string;
  /** RTP port range of the relay, RTCP on RTP + 1 (default 40000–49999). */
  rtpPorts?: { min: number; max: number };
  /** The recording client; without one, calls are relayed but not recorded. */
  recorder?: SrcManager;
  /**
   * Refuse calls that cannot be recorded (default false: a failed SRS leaves the call going,
   * unrecorded). When true (or 'any'), the caller's 2xx waits for the recording to start on at
   * least one of the recorder's SRS entries; with 'all', on every entry. If the requirement breaks
   * (the recorder's `recordingPolicyBroken`) the callee gets BYE and the caller 503 (see
   * `RECORDING_UNAVAILABLE_STATUS`). The call's recording state follows the recorder's requirement
   * events ('any' unless 'all'): `on` once it holds, `failed` once it breaks.
   */
  recordingRequired?: boolean | RecordingRequirement;
  /** With `recordingRequired`, how long the answer waits for the recording, ms (default 10000). */
  recordingStartTimeoutMs?: number;
  /** How long the callee may ring before the call is given up (CANCEL, 408 to the caller), ms (default 120000). */
  answerTimeoutMs?: number;
  /** Calls at once at most; more are refused with 503 (default 100). */
  maxCalls?: number;
  /** User-Agent / Server header (default tsip-b2bua). */
  userAgent?: string;
}

/** How a call ended. */
export type B2buaEndReason = 'hangup-caller' | 'hangup-callee' | 'canceled' | 'rejected' | 'no-answer' | 'failed' | 'recording-unavailable' | 'shutdown';

/** Where a call's recording is. */
export type B2buaRecordingState = 'off' | 'starting' | 'on' | 'paused' | 'failed' | 'stopped';

/** A call as the B2BUA reports it. */
export interface B2buaCallInfo {
  /** Call-ID of the caller's leg (also the recorded call's Call-ID in the SIPREC metadata). */
  callId: string;
  /** Call-ID of the callee's leg. */
  calleeCallId?: string;
  /** The call's state. */
  state: B2buaCallState;
  /** The recording's state. */
  recording: B2buaRecordingState;
  /** True while either side holds the call. */
  held: boolean;
  /** Codec the call uses (from the callee's answer), e.g. PCMU/8000. */
  codec?: string;
}

/** `callEnded`. */
export interface B2buaCallEndedEvent extends B2buaCallInfo {
  /** Why it ended. */
  reason: B2buaEndReason;
  /** The final status the caller got, when the call was never answered. */
  statusCode?: number;
}

/** `recordingStateChanged`. */
export interface B2buaRecordingEvent {
  /** The caller leg's Call-ID. */
  callId: string;
  /** New recording state. */
  recording: B2buaRecordingState;
  /** Why a recording failed or stopped, from the SrcManager. */
  reason?: RecordingEndReason;
}

/** Events of the B2BUA. */
export interface B2buaEvents {
  /** A call changed state. */
  callStateChanged: (call: B2buaCallInfo) => void;
  /** A call is over (both legs ended, relay closed). */
  callEnded: (e: B2buaCallEndedEvent) => void;
  /** A call's recording changed state. */
  recordingStateChanged: (e: B2buaRecordingEvent) => void;
}
