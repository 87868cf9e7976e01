/**
 * The objects a `RecordingSession` hands its parts: the `SessionCore` (session-core.ts) and the
 * host of its in-dialog requests (session-requests.ts), and its MSRP stream events, as classes whose methods call the session.
 * They were objects of some thirty arrow functions made per recording: a closure allocated for
 * each, kept for the session's life (and under tsx, esbuild's `keepNames`, an
 * `Object.defineProperty` of each name; ~1.5 % of the SRC's CPU per set-up in the bench, issue 15).
 * @module
 */
import type { MessageElementsView } from '../../../include-types/api.js';
import type { CallParams, RecordedStreamInfo, RecordingEndReason, RecordingEventBase, SrsAttempt, StreamFailedEvent } from '../../../include-types/siprec.js';
import type { SrcAnswer } from '../body/index.js';
import type { Clock } from '../../../include-types/settings.js';
import type { SessionTimerPolicy } from '../../dialog/session-timer-negotiation.js';
import { entryTimerPolicy } from './session-offer.js';
import type { ClientTransaction, InviteDialogAssoc, MessageElements, ServerTransaction } from '../common/api.js';
import { SessionState, type SessionCore } from './session-core.js';
import { failSession, finishSession, loseSession } from './session-end.js';
import type { RecordingSessionLike, SessionHost } from './session-host.js';
import type { SessionLog } from './session-log.js';
import type { SessionMedia } from './session-media.js';
import type { SessionMetadataLike } from './session-metadata.js';
import type { MsrpDropReason } from './msrp-sender.js';
import type { MsrpStreamsEvents } from './msrp-streams.js';
import type { SessionRequestHost, SessionRequests } from './session-requests.js';

/**
 * The core's members the session itself implements (the core forwards them to it: same
 * signatures, one declaration in session-core.ts).
 */
type SessionSide = 'state' | 'paused' | 'srs' | 'srsInitiated' | 'base' | 'enqueue' | 'sdp' | 'readAnswer' | 'reply' | 'ack' | 'established' | 'cancelInvite' | 'clearInviteTimer' | 'stop';

/** What the wiring calls on its `RecordingSession` (members the session keeps out of its public API). */
export interface WiredSession extends RecordingSessionLike, Pick<SessionCore, SessionSide> {
  /** The RS dialog now (the core's). */
  readonly currentAssoc: InviteDialogAssoc | undefined;
  /** The elements of an in-dialog request: SDP (when `sdpPaused` is set) and metadata. */
  requestElements(sdpPaused: boolean | undefined, metadataXml: string | undefined): MessageElements;
  bumpSdpVersion(): void;
  logSent(tx: ClientTransaction): void;
  /** The session failed in the dialog (the core's `lost`, not awaited). */
  lostInDialog(reason: RecordingEndReason): void;
}

/** The parts the core is made of, besides the session. */
export interface CoreParts {
  host: SessionHost;
  call: CallParams;
  media: SessionMedia;
  meta: SessionMetadataLike;
  log: SessionLog;
  requests: SessionRequests;
}

/** The {@link SessionCore} of one recording session. */
export class WiredCore implements SessionCore {
  readonly host: SessionHost;
  readonly call: CallParams;
  readonly media: SessionMedia;
  readonly meta: SessionMetadataLike;
  readonly log: SessionLog;
  readonly requests: SessionRequests;
  readonly attempts: SrsAttempt[] = [];
  assoc: InviteDialogAssoc | undefined = undefined;
  stopRequested: RecordingEndReason | undefined = undefined;
  lastStatus: number | undefined = undefined;
  srsOfferAnswered: SrcAnswer | undefined = undefined;
  layout: SrcAnswer | undefined = undefined;

  constructor(private readonly session: WiredSession, parts: CoreParts) {
    this.host = parts.host;
    this.call = parts.call;
    this.media = parts.media;
    this.meta = parts.meta;
    this.log = parts.log;
    this.requests = parts.requests;
  }

  get state(): SessionState {
    return this.session.state;
  }

  set state(state: SessionState) {
    this.session.state = state;
  }

  get paused(): boolean {
    return this.session.paused;
  }

  get srs(): string {
    return this.session.srs;
  }

  get srsInitiated(): boolean {
    return this.session.srsInitiated;
  }

  base(): RecordingEventBase {
    return this.session.base();
  }

  route(assoc: InviteDialogAssoc): void {
    this.host.bind(assoc, this.session);
  }

  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    return this.session.enqueue(fn);
  }

  sdp(paused?: boolean): string {
    return this.session.sdp(paused);
  }

  readAnswer(me: MessageElementsView | undefined, srsAnswer?: string): RecordedStreamInfo[] {
    return this.session.readAnswer(me, srsAnswer);
  }

  reply(tx: ServerTransaction, status: number, sdp?: string, headers?: ReadonlyArray<readonly [string, string]>): void {
    this.session.reply(tx, status, sdp, headers);
  }

  ack(tx: ClientTransaction): void {
    this.session.ack(tx);
  }

  established(answered: RecordedStreamInfo[], status: number, answerText: string): void {
    this.session.established(answered, status, answerText);
  }

  cancelInvite(): void {
    this.session.cancelInvite();
  }

  clearInviteTimer(): void {
    this.session.clearInviteTimer();
  }

  stop(reason: RecordingEndReason): Promise<void> {
    return this.session.stop(reason);
  }

  finish(reason: RecordingEndReason, byeStatus: number | undefined): Promise<void> {
    return finishSession(this, reason, byeStatus);
  }

  fail(reason: RecordingEndReason, status?: number): Promise<void> {
    return failSession(this, reason, status);
  }

  lost(reason: RecordingEndReason): Promise<void> {
    return loseSession(this, reason);
  }
}

/** The {@link SessionRequestHost} of one recording session. */
export class WiredRequestHost implements SessionRequestHost {
  constructor(
    private readonly session: WiredSession,
    private readonly host: SessionHost,
    readonly updateMethod: 'reinvite' | 'update' | 'auto',
    readonly clock: Clock,
  ) {}

  get assoc(): InviteDialogAssoc | undefined {
    return this.session.currentAssoc;
  }

  usable(stopping: boolean): boolean {
    const state = this.session.state;
    return state === SessionState.Active || (stopping && state === SessionState.Stopping);
  }

  pausedChanges(paused: boolean): boolean {
    return paused !== this.session.paused;
  }

  bumpVersion(): void {
    this.session.bumpSdpVersion();
  }

  elements(sdpPaused: boolean | undefined, metadataXml: string | undefined): MessageElements {
    return this.session.requestElements(sdpPaused, metadataXml);
  }

  sent(tx: ClientTransaction): void {
    this.session.logSent(tx);
  }

  readAnswer(tx: ClientTransaction): void {
    this.session.readAnswer(tx.responseElements?.messageElements);
  }

  ack(tx: ClientTransaction): void {
    this.session.ack(tx);
  }

  holdInvite(tx: ClientTransaction): void {
    this.host.holdInvite(tx);
  }

  lost(reason: RecordingEndReason): void {
    this.session.lostInDialog(reason);
  }

  get timerPolicy(): SessionTimerPolicy {
    return entryTimerPolicy(this.host.entry);
  }
}

/** The MSRP stream events of one recording, reported to the manager's listener. */
export class WiredMediaEvents implements MsrpStreamsEvents {
  constructor(
    private readonly session: WiredSession,
    private readonly host: SessionHost,
  ) {}

  failed(label: string, reason: StreamFailedEvent['reason'], message: string, statusCode?: number): void {
    this.host.listener.streamFailed?.({ ...this.session.base(), label, reason, message, ...(statusCode !== undefined ? { statusCode } : {}) });
  }

  dropped(label: string, reason: MsrpDropReason, bytes: number, statusCode?: number): void {
    this.host.listener.messageDropped?.({ ...this.session.base(), label, reason, bytes, ...(statusCode !== undefined ? { statusCode } : {}) });
  }
}
