/**
 * Persistent recording sessions (RFC 7866 §10): one RS between the SRC and each SRS that stays up
 * while calls come and go; each call (CS) is associated with it in the metadata when it starts and
 * disassociated when it ends. The SRC side is `SrcManager.openPersistentSession`.
 */
import type { RecordingEndReason } from './siprec-common.js';
import type {
  CallParams, RecordedStreamParams, RecordingFailedEvent, RecordingStartedEvent, RecordingStoppedEvent,
} from './siprec-src-events.js';

/**
 * How the RS's streams sit while no call is attached (RFC 7866 §10).
 * - `'sendonly'` (default): as offered; no RTP flows, no request is sent between calls (RFC 7866
 *   §10, as recalled, keeps the streams allocated so a new CS needs only a metadata update).
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
  /**
   * Reopening the RS on an entry where it ended without `close()` (the SRS's BYE, a failed
   * refresh, a lost dialog or connection); see {@link PersistentReopenSettings}. Default: on.
   */
  reopen?: PersistentReopenSettings;
}

/**
 * How a persistent RS that ended mid-shift is opened again (tsip's choice; no RFC text asks for it):
 * per entry, a new INVITE (the entry's SRS URIs in order, failed over like any recording) whose
 * complete metadata holds the calls attached now, after a delay on the manager's clock that
 * doubles after each failed attempt. The media of the attached calls flows again once it is up.
 */
export interface PersistentReopenSettings {
  /** Attempts after one loss before `reopenFailed` (default 5; 0: never reopen). */
  maxAttempts?: number;
  /** Delay before the first attempt in ms (default 1000). */
  initialDelayMs?: number;
  /** Bound of the doubling delay in ms (default 30000). */
  maxDelayMs?: number;
}

/** `reopening`: an attempt to open the RS again on one entry is scheduled. */
export interface PersistentReopeningEvent {
  /** The persistent RS's key. */
  id: string;
  /** The SRS entry. */
  srsName: string;
  /** The attempt about to be made (1 for the first after the loss). */
  attempt: number;
  /** Of {@link PersistentReopenSettings.maxAttempts}. */
  maxAttempts: number;
  /** When it is made, in ms from now. */
  delayMs: number;
  /** What ended the RS (attempt 1) or the previous attempt. */
  reason: RecordingEndReason;
  /** The last final response of the previous attempt, if any. */
  statusCode?: number;
}

/** `reopened`: the RS is up again on one entry (its `started` event comes too). */
export interface PersistentReopenedEvent {
  /** The persistent RS's key. */
  id: string;
  /** The SRS entry. */
  srsName: string;
  /** The attempt that succeeded. */
  attempt: number;
  /** The SRS URI that took it. */
  srs: string;
  /** The new RS's Call-ID. */
  recordingId: string;
  /** Calls attached again (in its complete metadata), in attach order. */
  callIds: string[];
}

/** `reopenFailed`: every attempt failed; the RS stays down on that entry. */
export interface PersistentReopenFailedEvent {
  /** The persistent RS's key. */
  id: string;
  /** The SRS entry. */
  srsName: string;
  /** Attempts made. */
  attempts: number;
  /** Why the last one failed. */
  reason: RecordingEndReason;
  /** Its last final response, if any. */
  statusCode?: number;
  /** Calls attached now, no longer recorded by that entry. */
  callIds: string[];
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
  /**
   * The RS on one SRS entry ended (`close()`, the SRS's BYE, a lost dialog, shutdown); unless
   * closed or shut down, `reopening` follows.
   */
  stopped: (e: RecordingStoppedEvent) => void;
  /** A call's association went to every entry whose RS is up; its media is forwarded from now on. */
  callAttached: (e: PersistentCallEvent) => void;
  /** A call's disassociation went out; its media was stopped before. */
  callDetached: (e: PersistentCallEvent) => void;
  /** The RS ended on an entry without `close()`; it is opened again after `delayMs`. */
  reopening: (e: PersistentReopeningEvent) => void;
  /** The RS is up again on an entry, with the calls attached now in its metadata. */
  reopened: (e: PersistentReopenedEvent) => void;
  /** Reopening gave up on an entry after its bounded attempts. */
  reopenFailed: (e: PersistentReopenFailedEvent) => void;
}
