/**
 * What the parts of a recording session share: its state (`SessionState`) and `SessionCore`, the
 * one object recording-session.ts makes and hands to session-start.ts, session-inbound.ts and
 * session-end.ts (each names the subset it uses with `Pick`). Every field is the session's own:
 * the state and the pause are read and written on the `RecordingSession` itself.
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { CallParams, RecordedStreamInfo, RecordingEndReason, RecordingEventBase, SrsAttempt } from '../../../include-types/siprec.js';
import type { SrcAnswer } from '../body/index.js';
import type { ClientTransaction, InviteDialogAssoc, ServerTransaction } from '../common/api.js';
import type { SessionHost } from './session-host.js';
import type { SessionLog } from './session-log.js';
import type { SessionMedia } from './session-media.js';
import type { SessionMetadataLike } from './session-metadata.js';
import type { SessionRequests } from './session-requests.js';

/** Where the session is. */
export const SessionState = { Starting: 'Starting', Active: 'Active', Stopping: 'Stopping', Ended: 'Ended' } as const;
/** One of the {@link SessionState} values. */
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** One recording session as its parts see it. */
export interface SessionCore {
  /** The entry's user agent. */
  readonly host: SessionHost;
  /** The CS being recorded. */
  readonly call: CallParams;
  /** RTP fork and MSRP streams (session-media.ts). */
  readonly media: SessionMedia;
  /** The metadata it sends (one CS, or a persistent RS's own). */
  readonly meta: SessionMetadataLike;
  /** NG9-1-1 log events. */
  readonly log: SessionLog;
  /** re-INVITE / UPDATE / BYE and the transaction awaited (session-requests.ts). */
  readonly requests: SessionRequests;
  /** Every try to start, for `recordingStarted` / `recordingFailed`. */
  readonly attempts: SrsAttempt[];
  /** Where the session is (`RecordingSession.state`). */
  state: SessionState;
  /** The SRS took the a=inactive offer (`RecordingSession.paused`). */
  readonly paused: boolean;
  /** The RS dialog (per attempt while starting). */
  assoc: InviteDialogAssoc | undefined;
  /** Set when the app stopped the recording while it was starting. */
  stopRequested: RecordingEndReason | undefined;
  /** The last final status of a start, for `recordingFailed`. */
  lastStatus: number | undefined;
  /** The SRS's offer we answered in our 2xx (SRS-initiated), until its ACK. */
  srsOfferAnswered: SrcAnswer | undefined;
  /** Set once the session sits on the SRS's m-lines (it offered first; see session-layout.ts). */
  layout: SrcAnswer | undefined;
  /** The SRS URI of the current or last attempt. */
  readonly srs: string;
  /** True when the SRS asked for this session. */
  readonly srsInitiated: boolean;
  /** Call-ID, RS Call-ID, entry, SRS and session id of every event. */
  base(): RecordingEventBase;
  /** Routes the dialog's callbacks to this session (`SessionHost.bind`). */
  route(assoc: InviteDialogAssoc): void;
  /** Runs `fn` after the session's earlier requests (one at a time). */
  enqueue<T>(fn: () => Promise<T>): Promise<T>;
  /** Our SDP now (a=inactive when `paused`). */
  sdp(paused?: boolean): string;
  /** Reads an SDP answer (of a 2xx, or SRS-initiated of the ACK) into the fork and the MSRP streams. */
  readAnswer(me: MessageElementsView | undefined, srsAnswer?: string): RecordedStreamInfo[];
  /** Answers an SRS request (logged). */
  reply(tx: ServerTransaction, status: number, sdp?: string, headers?: ReadonlyArray<readonly [string, string]>): void;
  /** ACKs a 2xx to an INVITE of ours. */
  ack(tx: ClientTransaction): void;
  /** Starting → Active: started event and NG9-1-1 start events. */
  established(answered: RecordedStreamInfo[], status: number, answerText: string): void;
  /** Cancels the INVITE out, if it may be (a stop while starting). */
  cancelInvite(): void;
  /** Stops our own wait for the INVITE's final answer. */
  clearInviteTimer(): void;
  /** Ends the recording (session-end.ts). */
  stop(reason: RecordingEndReason): Promise<void>;
  /** An Active session ended: `recordingStopped`. */
  finish(reason: RecordingEndReason, byeStatus: number | undefined): Promise<void>;
  /** The session ended before it started: `recordingFailed`. */
  fail(reason: RecordingEndReason, status?: number): Promise<void>;
  /** The session failed in the dialog: BYE (best effort) and end. */
  lost(reason: RecordingEndReason): Promise<void>;
}
