/**
 * Persistent recording sessions (RFC 7866 §10): one RS between the SRC and each SRS that stays up
 * while calls come and go; each call (CS) is associated with it in the metadata when it starts and
 * disassociated when it ends. The SRC side is `SrcManager.openPersistentSession`.
 */
import type {
  CallParams, RecordedStreamParams, RecordingFailedEvent, RecordingStartedEvent, RecordingStoppedEvent,
} from './siprec-src-events.js';

/**
 * How the RS's streams sit while no call is attached (RFC 7866 §10).
 * - `'sendonly'` (default): as offered; no RTP flows, no request is sent between calls (RFC 7866
 *   §10 keeps the streams allocated so a new CS needs only a metadata update).
 * - `'inactive'`: the last detach sends `a=inactive` with the disassociation, the next attach
 *   `a=sendonly` with the association, each in one re-INVITE (for an SRS that would otherwise
 *   count the silence as recorded time).
 */
export type PersistentIdleMode = 'sendonly' | 'inactive';

/** Options of `SrcManager.openPersistentSession`. */
export interface PersistentSessionOptions {
  /**
   * The RS's key: the `callId` of the `SrcManager` events of the RS itself (started, failed,
   * stopped, paused) and of `recording(id)`. Default `persistent-<uuid>`.
   */
  id?: string;
  /**
   * The RS's streams, offered once in the INVITE (one `a=sendonly` m-line each, `a=label`);
   * every attached call names the labels its media goes in. `sender` / `receivers` are per call
   * and ignored here.
   */
  streams: RecordedStreamParams[];
  /** Names of the SRS entries the RS is opened to (default: every entry). */
  srs?: string[];
  /** Stream direction while no call is attached (default `'sendonly'`); see {@link PersistentIdleMode}. */
  idle?: PersistentIdleMode;
}

/**
 * A call attached to a persistent RS: its Call-ID, participants and the RS streams (by label)
 * that carry its media, each with its sender and receivers among the participants.
 */
export type PersistentCallParams = Pick<CallParams, 'callId' | 'participants' | 'streams' | 'sipSessionIds'>;

/** Options of `PersistentRecording.detachCall`. */
export interface PersistentDetachOptions {
  /**
   * True (default): the call ended: the CS gets its stop-time with the disassociation (RFC 7865
   * session `stop-time`, sessionrecordingassoc `disassociate-time`). False: the call goes on
   * unrecorded: the disassociation alone.
   */
  callEnded?: boolean;
  /** The reason text written with the stop-time (default `call ended`). */
  reason?: string;
}

/** `callAttached` / `callDetached` of a persistent RS. */
export interface PersistentCallEvent {
  /** The persistent RS's key. */
  id: string;
  /** The call's Call-ID. */
  callId: string;
  /** The metadata `session_id` of the CS, per SRS entry name (each entry has its own ids). */
  sessionIds: Record<string, string>;
  /** SRS entries that took the update (2xx). */
  srsNames: string[];
  /** SRS entries whose RS was up but refused it or did not answer. */
  failedSrsNames: string[];
}

/** Event map of `PersistentRecording`. */
export interface PersistentRecordingEvents {
  /** The RS is up on one SRS entry. */
  started: (e: RecordingStartedEvent) => void;
  /** One SRS entry never got the RS. */
  failed: (e: RecordingFailedEvent) => void;
  /** The RS on one SRS entry ended (`close()`, the SRS's BYE, a lost dialog, shutdown). */
  stopped: (e: RecordingStoppedEvent) => void;
  /** A call's association went to every entry whose RS is up; its media is forwarded from now on. */
  callAttached: (e: PersistentCallEvent) => void;
  /** A call's disassociation went out; its media was stopped before. */
  callDetached: (e: PersistentCallEvent) => void;
}
