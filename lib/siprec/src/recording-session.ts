/**
 * One recording session (RS) of one call towards one SRS entry: an InviteDialogAssoc per attempt.
 *
 * States: Starting (trying the SRS URIs in order: a final non-2xx, Timer B, a transport error or
 * our own invite timeout fails over to the next URI, unless skipFailoverCodes matches the code;
 * or, SRS-initiated, our offer sent in the 2xx and the answer awaited in the ACK)
 * → Active (media forked; pause/resume/update by re-INVITE, one at a time; RFC 4028 refresh by
 * re-INVITE at half the interval) → Stopping (BYE sent) → Ended.
 * Inputs: responses and errors routed by the user agent, SRS requests (ACK, BYE, re-INVITE, UPDATE).
 *
 * The class is the session's face; its parts share a `SessionCore` (session-core.ts): the start
 * and failover (session-start.ts), an SRS's INVITE (session-srs-initiated.ts), requests from the
 * SRS (session-inbound.ts), the end (session-end.ts), our in-dialog requests (session-requests.ts).
 */
import {
  RecordingEndReason, SrsAttemptOutcome,
  type CallParams, type LiveRecording, type RecordedMessage, type RecordedStreamInfo, type RecordingChanges, type RecordingEventBase,
  type SrsRequest, type SrsResponse,
} from '../../../include-types/siprec.js';
import { epochNow } from '../common/timers.js';
import { liveRecording } from './recordings-list.js';
import { sendSrsRequest } from './session-srs-request.js';
import type { ClientTransaction, InviteDialogAssoc, ServerTransaction } from '../common/api.js';
import { applyAnswer, replyTo } from './session-answer.js';
import type { RtpPacket } from '../media/index.js';
import type { MessageElementsView } from '../../../include-types/api.js';
import { SessionMedia } from './session-media.js';
import type { RecordingSessionLike, SessionHost } from './session-host.js';
import { SessionMetadata, type SessionMetadataLike } from './session-metadata.js';
import { offerSdp, sessionElements, sessionHeaders, srsInitiatedHeaders } from './session-offer.js';
import { SessionLog } from './session-log.js';
import { allowsUpdate, SessionRequests } from './session-requests.js';
import { acceptSrsInvite } from './session-srs-initiated.js';
import { SessionState } from './session-core.js';
import { SessionStart } from './session-start.js';
import { onSrsRequest } from './session-inbound.js';
import { abortSession, stopSession } from './session-end.js';
import { WiredCore, WiredMediaEvents, WiredRequestHost } from './session-wiring.js';
import type { MessageElements } from '../common/api.js';

export { SessionState } from './session-core.js';

/** A recording session of one call to one SRS entry. */
export class RecordingSession implements RecordingSessionLike {
  state: SessionState = SessionState.Starting;
  paused = false;
  /** RTP fork and MSRP streams (session-media.ts). */
  private readonly media: SessionMedia;
  private readonly meta: SessionMetadataLike;
  private readonly sdpSessionId = Math.floor(Math.random() * 2 ** 31);
  private sdpVersion = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: SessionLog;
  /** SRS-initiated (RFC 7866 §6.2): the SRS that asked, from its INVITE's From. */
  private srsUri: string | undefined;
  /** re-INVITE / UPDATE / BYE and the transaction awaited (session-requests.ts). */
  private readonly requests: SessionRequests;
  /** What the parts of the session share (session-core.ts): the dialog, the attempts, the stop asked for. */
  private readonly core: WiredCore;
  /** The INVITE attempts and failover of an SRC-initiated start (session-start.ts). */
  private readonly starting: SessionStart;
  /** For the recordings list: the streams as last answered; epoch ms asked for / accepted. */
  private answered: RecordedStreamInfo[] = [];
  private readonly startedAt: number;
  private activeSince: number | undefined;

  /** @param meta - the metadata it sends (default: one CS, `call`; a persistent RS brings its own) */
  constructor(private readonly host: SessionHost, readonly call: CallParams, meta?: SessionMetadataLike) {
    this.media = new SessionMedia(host, new WiredMediaEvents(this, host));
    this.meta = meta ?? new SessionMetadata(call, host.entry.metadataExtensions);
    this.log = new SessionLog(host.ng911, call);
    this.startedAt = epochNow(host.clock)();
    // classes, not objects of closures made per recording (session-wiring.ts)
    this.requests = new SessionRequests(new WiredRequestHost(this, host, host.metadataUpdateMethod, host.clock));
    this.core = new WiredCore(this, { host, call, media: this.media, meta: this.meta, log: this.log, requests: this.requests });
    this.starting = new SessionStart(this.core);
  }

  /** The RS Call-ID (the recording session id). */
  get recordingId(): string {
    return this.core.assoc?.dialog.callId ?? '';
  }

  /** The SRS URI of the current or last attempt. */
  get srs(): string {
    return this.srsUri ?? this.starting.uri ?? '';
  }

  /** A snapshot for `SrcManager.recordings()`; undefined once ended (recordings-list.ts). */
  snapshot(): LiveRecording | undefined {
    return liveRecording({
      ...this.base(), state: this.state, paused: this.paused, srsInitiated: this.srsInitiated, streams: this.media.streams, callStreams: this.call.streams, answered: this.answered,
      fork: this.media.fork, messages: this.media.messageStats(), startedAt: this.startedAt, activeSince: this.activeSince,
    });
  }

  /** Sends an app request to the SRS in the dialog, queued like the session's own (session-srs-request.ts). */
  request(req: SrsRequest): Promise<SrsResponse> {
    const self = this;
    return this.enqueue(() => sendSrsRequest({
      get assoc() { return self.core.assoc; }, requests: this.requests, usable: () => this.state === SessionState.Active,
      sent: (tx) => this.log.sent(tx), lost: (reason) => { void this.core.lost(reason); },
    }, req));
  }

  /** True when the SRS asked for this session. */
  get srsInitiated(): boolean {
    return this.srsUri !== undefined;
  }

  /** Binds the local ports and starts trying the SRS list. */
  async begin(): Promise<void> {
    try {
      for (const s of this.call.streams) await this.media.open(s);
    } catch {
      return this.core.fail(RecordingEndReason.LocalError);
    }
    if (this.core.stopRequested) return this.core.fail(this.core.stopRequested);
    this.starting.next();
  }

  /**
   * An SRS asked for this recording session with an offer-less INVITE (RFC 7866 §6.2): the
   * dialog is made on its transaction, our offer (SDP + complete metadata, RFC 7866 §7.1.1, §9.1)
   * goes in the 2xx (RFC 3261 §13.3.1 / RFC 3264), and the SRS's answer comes in the ACK
   * ({@link onRequest}). `srs` is the SRS's URI for the events. See session-srs-initiated.ts.
   */
  async acceptSrs(tx: ServerTransaction, srs: string): Promise<void> {
    this.srsUri = srs;
    this.requests.srsAllowsUpdate = allowsUpdate(tx.requestElements.messageElements.headerValues('Allow'));
    const core = this.core;
    await acceptSrsInvite({
      host: this.host, log: this.log, get stopRequested() { return core.stopRequested; },
      adopt: (assoc) => { core.assoc = assoc; this.host.bind(assoc, this); },
      openStreams: async () => { for (const s of this.call.streams) await this.media.open(s); },
      offer: () => sessionElements(srsInitiatedHeaders(), this.sdp(), this.meta.completeXml()),
      attempt: (a) => { core.attempts.push(a); },
      reply: (t, status) => this.reply(t, status),
      fail: (reason) => core.fail(reason),
      offered: (res) => { core.lastStatus = 200; this.log.replied(res); },
      answeredOffer: (answer) => { core.srsOfferAnswered = answer; },
    }, tx, srs);
  }

  /** Feeds one CS packet of a stream. */
  forward(label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): boolean {
    return this.state === SessionState.Active && this.media.fork.forward(label, packet, arrivalMs);
  }

  /** Relays one RTCP datagram of the call for a stream (RFC 7866 §8.1.1; see MediaFork.relayRtcp). */
  forwardRtcp(label: string, data: Uint8Array, nowMs?: number): boolean {
    return this.state === SessionState.Active && this.media.fork.relayRtcp(label, data, nowMs);
  }

  /**
   * Queues one CS message of an MSRP stream (RFC 4975; msrp-streams.ts): false when not queued
   * (not Active, not a message stream, no connection, paused: counted, queue full: messageDropped).
   */
  forwardMessage(label: string, message: RecordedMessage): boolean {
    return this.state === SessionState.Active && this.media.forwardMessage(label, message);
  }

  /** Packets sent per label. */
  packetsSent(): Record<string, number> {
    return this.media.fork.packetsSent();
  }

  /** RTP packets and bytes sent so far, all streams together. */
  mediaTotals(): { packets: number; bytes: number } {
    return this.media.fork.totals();
  }

  /** Pauses: the fork stops first (PCI-safe), then a=inactive (RFC 7866 §7.1.1, SIPREC-NOTES SRC-8). */
  pause(): Promise<boolean> {
    this.media.setPaused(true);
    return this.enqueue(async () => {
      if (this.paused) return true;
      const ok = await this.requests.send(true, undefined);
      if (ok) {
        this.paused = true;
        this.host.listener.paused(this.base());
      } else if (!this.paused) this.media.setPaused(false);
      return ok;
    });
  }

  /** Resumes: a=sendonly again, then the fork restarts. */
  resume(): Promise<boolean> {
    return this.enqueue(async () => {
      if (!this.paused) return true;
      const ok = await this.requests.send(false, undefined);
      if (ok) {
        this.paused = false;
        this.media.setPaused(false);
        this.host.listener.resumed(this.base());
      }
      return ok;
    });
  }

  /** Sends a partial metadata update, with new m-lines for added streams (RFC 7866 §7.1.1.1, §9.1). */
  update(changes: RecordingChanges): Promise<boolean> {
    return this.enqueue(async () => {
      const xml = this.meta.changesXml(changes);
      for (const s of changes.streamsAdded ?? []) await this.media.open(s);
      const ok = await this.requests.send(this.paused, xml, (changes.streamsAdded?.length ?? 0) > 0);
      if (ok && this.paused) this.media.setPaused(true);
      return ok;
    });
  }

  /**
   * A persistent RS (RFC 7866 §10, persistent-session.ts): a metadata update, with the streams'
   * direction (`paused`: a=inactive) in the same request; the fork follows the direction.
   */
  sendMetadata(xml: string, paused: boolean = this.paused): Promise<boolean> {
    if (paused) this.media.setPaused(true);
    return this.enqueue(async () => {
      const ok = await this.requests.send(paused, xml, false);
      if (ok) this.paused = paused;
      this.media.setPaused(this.paused);
      return ok;
    });
  }

  /** Ends the recording: BYE when established, CANCEL/abandon while starting (session-end.ts). */
  stop(reason: RecordingEndReason): Promise<void> {
    return stopSession(this.core, reason);
  }

  /** Ends at once without waiting for the SRS (shutdown past its bound): ports closed, event sent. */
  abort(reason: RecordingEndReason): Promise<void> {
    return abortSession(this.core, reason);
  }

  // ---- routed callbacks ----

  /** A response in the dialog (INVITE attempts, re-INVITEs, BYE). */
  onResponse(tx: ClientTransaction): void {
    const res = tx.responseElements;
    if (!res) return;
    if (res.statusCode >= 200) this.log.answered(tx);
    if (this.starting.onResponse(tx, res.statusCode)) return;
    this.requests.onResponse(tx);
  }

  /** A transaction of the dialog failed (Timer B/F, transport error). */
  onError(code: string, tx: ClientTransaction, message?: string): void {
    if (this.starting.onError(code, tx, message)) return;
    this.requests.onError(code, tx);
  }

  /** The SRS never ACKed our 2xx (RFC 3261 §13.3.1.4; the API sent BYE). */
  onAckTimeout(): void {
    if (!this.srsInitiated || this.state !== SessionState.Starting) return;
    this.core.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Timeout, statusCode: 200 });
    void this.core.fail(this.core.stopRequested ?? RecordingEndReason.AllSrsFailed, 200);
  }

  /** The API's session timer (RFC 4028) ended the dialog: no refresh in time. */
  onRefreshError(): void {
    if (this.state === SessionState.Active || this.state === SessionState.Stopping) void this.core.finish(RecordingEndReason.SessionRefreshFailed, undefined);
    else if (this.state === SessionState.Starting && this.srsInitiated) void this.core.fail(RecordingEndReason.SessionRefreshFailed);
  }

  /** A request from the SRS in the dialog (session-inbound.ts). */
  onRequest(tx: ServerTransaction): void {
    onSrsRequest(this.core, tx);
  }

  // ---- becoming Active ----

  /** @internal Starting → Active: started event and NG9-1-1 start events. */
  established(answered: RecordedStreamInfo[], status: number, answerText: string): void {
    this.core.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Accepted, statusCode: status });
    this.state = SessionState.Active;
    this.activeSince = epochNow(this.host.clock)();
    this.host.listener.started({ ...this.base(), streams: answered, attempts: [...this.core.attempts], ...(this.srsInitiated ? { srsInitiated: true } : {}) });
    this.log.started(answered.filter((s) => s.accepted).map((s) => s.label), answerText);
  }

  /** @internal Reads an SDP answer (of a 2xx, or SRS-initiated of the ACK) into the fork and the MSRP streams. */
  readAnswer(me: MessageElementsView | undefined, srsAnswer?: string): RecordedStreamInfo[] {
    this.media.answerMessages(me);
    return (this.answered = applyAnswer(this.media.fork, this.media.streams, me, this.host.entry.media?.codecs, this.host.entry.media?.srtp, this.core.layout, srsAnswer));
  }

  /** @internal The RS dialog now. */
  get currentAssoc(): InviteDialogAssoc | undefined {
    return this.core.assoc;
  }

  /** @internal Cancels the INVITE out, if it may be (a stop while starting). */
  cancelInvite(): void {
    this.starting.cancel();
  }

  /** @internal Stops our own wait for the INVITE's final answer. */
  clearInviteTimer(): void {
    this.starting.clearTimer();
  }

  /** @internal The elements of an in-dialog request of ours (session-requests.ts). */
  requestElements(sdpPaused: boolean | undefined, metadataXml: string | undefined): MessageElements {
    return sessionElements(sessionHeaders(this.host.entry, this.call, false, !this.srsInitiated), sdpPaused === undefined ? undefined : this.sdp(sdpPaused), metadataXml);
  }

  /** @internal A new SDP version for the next offer. */
  bumpSdpVersion(): void {
    this.sdpVersion++;
  }

  /** @internal Logs a request we sent. */
  logSent(tx: ClientTransaction): void {
    this.log.sent(tx);
  }

  /** @internal The session failed in the dialog: BYE (best effort) and end. */
  lostInDialog(reason: RecordingEndReason): void {
    void this.core.lost(reason);
  }

  // ---- helpers ----

  /** @internal Our SDP now (a=inactive when paused). */
  sdp(paused = this.paused): string {
    return offerSdp(this.media.streams, this.host.mediaAddress, this.sdpSessionId, this.sdpVersion, paused, this.host.entry.media?.srtp, this.core.layout);
  }

  /** @internal Call-ID, RS Call-ID, entry, SRS and session id of every event. */
  base(): RecordingEventBase {
    return { callId: this.call.callId, recordingId: this.recordingId, srsName: this.host.name, srs: this.srs, sessionId: this.meta.eventSessionId };
  }

  /** @internal ACKs a 2xx to an INVITE of ours. */
  ack(tx: ClientTransaction): void {
    try {
      this.core.assoc?.sendAck(tx);
    } catch {
      // the dialog ended meanwhile
    }
  }

  /** @internal Runs `fn` after the session's earlier requests (one at a time). */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** @internal Answers an SRS request (logged), with `headers` added (RFC 4028 §9 ...). */
  reply(tx: ServerTransaction, status: number, sdp?: string, headers?: ReadonlyArray<readonly [string, string]>): void {
    const sent = replyTo(tx, status, sdp, headers);
    if (sent) this.log.replied(sent);
  }
}
