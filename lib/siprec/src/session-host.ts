/**
 * What a recording session needs from its user agent (SrcUserAgent implements it), and what it
 * tells its manager: kept as interfaces so the session file knows neither class.
 */
import type {
  MessageDroppedEvent, RecordingFailedEvent, RecordingPausedEvent, RecordingStartedEvent, RecordingStoppedEvent, SrsEntrySettings, StreamFailedEvent,
} from '../../../include-types/siprec.js';
import type { Clock } from '../../../include-types/settings.js';
import type { EndpointPool } from './endpoint-pool.js';
import type { Ng911Logger } from '../ng911/index.js';
import type { ClientTransaction, InviteDialogAssoc, SipConnection } from '../common/api.js';
import type { SkipMatcher } from './skip-failover.js';

/** Where a session's events go. */
export interface SessionListener {
  started(e: RecordingStartedEvent): void;
  failed(e: RecordingFailedEvent): void;
  paused(e: RecordingPausedEvent): void;
  resumed(e: RecordingPausedEvent): void;
  stopped(e: RecordingStoppedEvent): void;
  /** A stream of a live recording failed (MSRP connection or response). */
  streamFailed?(e: StreamFailedEvent): void;
  /** A message fed for an MSRP stream will not reach the SRS. */
  messageDropped?(e: MessageDroppedEvent): void;
}

/** The user agent as a session sees it. */
export interface SessionHost {
  /** Entry name. */
  readonly name: string;
  /** The entry's settings. */
  readonly entry: SrsEntrySettings;
  /** The connection INVITEs go out on. */
  readonly connection: SipConnection;
  /** Our Contact with +sip.src. */
  readonly contact: string;
  /** From of the RS dialogs. */
  readonly fromUri: string;
  /** Local media address. */
  readonly mediaAddress: string;
  /** Bound RTP/RTCP endpoints. */
  readonly endpoints: EndpointPool;
  /** skipFailoverCodes. */
  readonly skip: SkipMatcher;
  /** Time source of every timer of the session (invite timeout, refresh, 491 retry, media). */
  readonly clock: Clock;
  /** Final-answer wait before failing over, ms. */
  readonly inviteTimeoutMs: number;
  /** How metadata-only updates go (SrcSettings.metadataUpdateMethod). */
  readonly metadataUpdateMethod: 'reinvite' | 'update' | 'auto';
  /** NG9-1-1 logger, if configured. */
  readonly ng911: Ng911Logger | undefined;
  /** Event sink. */
  readonly listener: SessionListener;
  /** False when keep-alive marked the URI down. */
  isUp(uri: string): boolean;
  /** Reports an URI down after a timeout or transport error. */
  markDown(uri: string): void;
  /** Routes the association's callbacks to `session` (undefined: stop routing). */
  bind(assoc: InviteDialogAssoc, session: RecordingSessionLike | undefined): void;
  /** Keeps an INVITE transaction until inviteCompleted (DESIGN §3 ownership), then disposes it. */
  holdInvite(tx: ClientTransaction): void;
  /** The session ended: forget it. */
  forget(callId: string): void;
}

/** The callbacks a user agent routes to a session. */
export interface RecordingSessionLike {
  onResponse(tx: ClientTransaction): void;
  /** A transaction failed: the SipError code and, for a transport error, its words. */
  onError(code: string, tx: ClientTransaction, message?: string): void;
  onRequest(tx: import('../common/api.js').ServerTransaction): void;
  /** Our 2xx to an SRS-initiated INVITE was never ACKed. */
  onAckTimeout(): void;
  /** The API's session timer ended the dialog. */
  onRefreshError(): void;
}
