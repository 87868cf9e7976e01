/**
 * One recording session (RS) of one call towards one SRS entry: an InviteDialogAssoc per attempt.
 *
 * States: Starting (trying the SRS URIs in order: a final non-2xx, Timer B, a transport error or
 * our own invite timeout fails over to the next URI, unless skipFailoverCodes matches the code;
 * or, SRS-initiated, our offer sent in the 2xx and the answer awaited in the ACK)
 * → Active (media forked; pause/resume/update by re-INVITE, one at a time; RFC 4028 refresh by
 * re-INVITE at half the interval) → Stopping (BYE sent) → Ended.
 * Inputs: responses and errors routed by the user agent, SRS requests (ACK, BYE, re-INVITE, UPDATE).
 */
import { SipErrorCode } from '../../../include-types/errors.js';
import type { TimerHandle } from '../../../include-types/settings.js';
import {
  RecordingEndReason, SrsAttemptOutcome,
  type CallParams, type LiveRecording, type RecordedMessage, type RecordedStreamInfo, type RecordingChanges, type RecordingEventBase, type SrsAttempt,
  type SrsRequest, type SrsResponse,
} from '../../../include-types/siprec.js';
import { epochNow } from '../common/timers.js';
import { liveRecording } from './recordings-list.js';
import { sendSrsRequest } from './session-srs-request.js';
import { splitRecordingBody, type SrcAnswer } from '../body/index.js';
import { InviteDialogAssoc, type ClientTransaction, type ServerTransaction } from '../common/api.js';
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

/** Where the session is. */
export const SessionState = { Starting: 'Starting', Active: 'Active', Stopping: 'Stopping', Ended: 'Ended' } as const;
/** One of the {@link SessionState} values. */
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** A recording session of one call to one SRS entry. */
export class RecordingSession implements RecordingSessionLike {
  state: SessionState = SessionState.Starting;
  paused = false;
  private readonly attempts: SrsAttempt[] = [];
  private uriIndex = -1;
  private assoc: InviteDialogAssoc | undefined;
  private inviteTx: ClientTransaction | undefined;
  private inviteTimer: TimerHandle | undefined;
  /** RTP fork and MSRP streams (session-media.ts). */
  private readonly media: SessionMedia;
  private readonly meta: SessionMetadataLike;
  private readonly sdpSessionId = Math.floor(Math.random() * 2 ** 31);
  private sdpVersion = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private stopRequested: RecordingEndReason | undefined;
  private minSe: number | undefined;
  private lastStatus: number | undefined;
  private readonly log: SessionLog;
  /** SRS-initiated (RFC 7866 §6.2): the SRS that asked, from its INVITE's From. */
  private srsUri: string | undefined;
  /** The SRS's offer we answered in our 2xx (SRS-initiated), until its ACK. */
  private srsOfferAnswered: SrcAnswer | undefined;
  /** Set once the session sits on the SRS's m-lines (it offered first; see session-layout.ts). */
  private layout: SrcAnswer | undefined;
  /** re-INVITE / UPDATE / BYE and the transaction awaited (session-requests.ts). */
  private readonly requests: SessionRequests;
  /** For the recordings list: the streams as last answered; epoch ms asked for / accepted. */
  private answered: RecordedStreamInfo[] = [];
  private readonly startedAt: number;
  private activeSince: number | undefined;

  /** @param meta - the metadata it sends (default: one CS, `call`; a persistent RS brings its own) */
  constructor(private readonly host: SessionHost, readonly call: CallParams, meta?: SessionMetadataLike) {
    this.media = new SessionMedia(host, {
      failed: (label, reason, message, statusCode) => host.listener.streamFailed?.({ ...this.base(), label, reason, message, ...(statusCode !== undefined ? { statusCode } : {}) }),
      dropped: (label, reason, bytes, statusCode) => host.listener.messageDropped?.({ ...this.base(), label, reason, bytes, ...(statusCode !== undefined ? { statusCode } : {}) }),
    });
    this.meta = meta ?? new SessionMetadata(call, host.entry.metadataExtensions);
    this.log = new SessionLog(host.ng911, call);
    this.startedAt = epochNow(host.clock)();
    const self = this;
    this.requests = new SessionRequests({
      get assoc() { return self.assoc; },
      updateMethod: host.metadataUpdateMethod,
      clock: host.clock,
      usable: (stopping) => this.state === SessionState.Active || (stopping && this.state === SessionState.Stopping),
      pausedChanges: (paused) => paused !== this.paused,
      bumpVersion: () => { this.sdpVersion++; },
      elements: (sdpPaused, xml) => sessionElements(sessionHeaders(host.entry, call, false, !this.srsInitiated), sdpPaused === undefined ? undefined : this.sdp(sdpPaused), xml),
      sent: (tx) => this.log.sent(tx),
      readAnswer: (tx) => { this.readAnswer(tx.responseElements?.messageElements); },
      ack: (tx) => this.ack(tx),
      holdInvite: (tx) => host.holdInvite(tx),
      lost: (reason) => { void this.lost(reason); },
    });
  }

  /** The RS Call-ID (the recording session id). */
  get recordingId(): string {
    return this.assoc?.dialog.callId ?? '';
  }

  /** The SRS URI of the current or last attempt. */
  get srs(): string {
    return this.srsUri ?? this.host.entry.srsUris[Math.max(0, this.uriIndex)] ?? '';
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
      get assoc() { return self.assoc; }, requests: this.requests, usable: () => this.state === SessionState.Active,
      sent: (tx) => this.log.sent(tx), lost: (reason) => { void this.lost(reason); },
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
      return this.fail(RecordingEndReason.LocalError);
    }
    if (this.stopRequested) return this.fail(this.stopRequested);
    this.tryNext();
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
    const self = this;
    await acceptSrsInvite({
      host: this.host, log: this.log, get stopRequested() { return self.stopRequested; },
      adopt: (assoc) => { this.assoc = assoc; this.host.bind(assoc, this); },
      openStreams: async () => { for (const s of this.call.streams) await this.media.open(s); },
      offer: () => sessionElements(srsInitiatedHeaders(), this.sdp(), this.meta.completeXml()),
      attempt: (a) => { this.attempts.push(a); },
      reply: (t, status) => this.reply(t, status),
      fail: (reason) => this.fail(reason),
      offered: (res) => { this.lastStatus = 200; this.log.replied(res); },
      answeredOffer: (answer) => { this.srsOfferAnswered = answer; },
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

  /** Ends the recording: BYE when established, CANCEL/abandon while starting. */
  stop(reason: RecordingEndReason): Promise<void> {
    if (this.state === SessionState.Ended || this.state === SessionState.Stopping) return Promise.resolve();
    if (this.state === SessionState.Starting) {
      this.stopRequested = reason;
      if (this.inviteTx?.cancelAllowed) {
        try { this.inviteTx.cancel().dispose(); } catch { /* already answered */ }
      }
      return Promise.resolve();
    }
    this.state = SessionState.Stopping;
    this.media.setRtpPaused(true);
    return this.enqueue(async () => {
      let status: number | undefined;
      // MSRP: what the app fed goes out first (bounded), a message half-way is ended with '#'.
      await this.media.closeMessages();
      if (this.host.entry.stopMetadata ?? true) {
        // SIPREC-NOTES SRC-18 / RFC 7866 §9.1: the CS stop-time reaches the SRS before the BYE;
        // stopped by a participant's preference, the CS goes on: only the RS disassociation.
        const xml = reason === RecordingEndReason.Stopped ? this.meta.endedXml('call ended')
          : reason === RecordingEndReason.PreferenceOff ? this.meta.disassociatedXml() : undefined;
        if (xml !== undefined) await this.requests.send(this.paused, xml, false, true);
      }
      try {
        const tx = this.assoc!.sendBye(sessionElements([], undefined, undefined));
        this.log.sent(tx);
        status = await this.requests.await(tx);
      } catch {
        status = undefined;
      }
      await this.finish(reason, status);
    });
  }

  /** Ends at once without waiting for the SRS (shutdown past its bound): ports closed, event sent. */
  async abort(reason: RecordingEndReason): Promise<void> {
    if (this.state === SessionState.Starting) return this.fail(reason);
    this.requests.drop();
    await this.finish(reason, undefined);
  }

  // ---- routed callbacks ----

  /** A response in the dialog (INVITE attempts, re-INVITEs, BYE). */
  onResponse(tx: ClientTransaction): void {
    const res = tx.responseElements;
    if (!res) return;
    if (res.statusCode >= 200) this.log.answered(tx);
    if (tx === this.inviteTx) return this.inviteResponse(tx, res.statusCode);
    this.requests.onResponse(tx);
  }

  /** A transaction of the dialog failed (Timer B/F, transport error). */
  onError(code: string, tx: ClientTransaction, message?: string): void {
    if (tx === this.inviteTx) {
      if (this.assoc) this.host.bind(this.assoc, undefined);
      if (code === SipErrorCode.Timeout) this.nextAfter(SrsAttemptOutcome.Timeout, undefined, true);
      else this.nextAfter(SrsAttemptOutcome.TransportError, undefined, true, message);
      return;
    }
    this.requests.onError(code, tx);
  }

  /** The SRS never ACKed our 2xx (RFC 3261 §13.3.1.4; the API sent BYE). */
  onAckTimeout(): void {
    if (!this.srsInitiated || this.state !== SessionState.Starting) return;
    this.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Timeout, statusCode: 200 });
    void this.fail(this.stopRequested ?? RecordingEndReason.AllSrsFailed, 200);
  }

  /** The API's session timer (RFC 4028) ended the dialog: no refresh in time. */
  onRefreshError(): void {
    if (this.state === SessionState.Active || this.state === SessionState.Stopping) void this.finish(RecordingEndReason.SessionRefreshFailed, undefined);
    else if (this.state === SessionState.Starting && this.srsInitiated) void this.fail(RecordingEndReason.SessionRefreshFailed);
  }

  /** A request from the SRS in the dialog. */
  onRequest(tx: ServerTransaction): void {
    const t = tx.type;
    if (t === 'ACK') return this.srsInitiated && this.state === SessionState.Starting ? this.srsAck(tx) : tx.dispose();
    this.log.got(tx.requestElements);
    if (t === 'BYE') {
      this.reply(tx, 200);
      if (this.state === SessionState.Active || this.state === SessionState.Stopping) void this.finish(RecordingEndReason.RemoteBye, undefined);
      return;
    }
    if (t === 'INVITE' || t === 'UPDATE') return this.srsOffer(tx);
    this.reply(tx, t === 'OPTIONS' ? 200 : 405);
  }

  // ---- starting ----

  private tryNext(): void {
    const uris = this.host.entry.srsUris;
    for (;;) {
      this.uriIndex++;
      if (this.stopRequested) return void this.fail(this.stopRequested);
      if (this.uriIndex >= uris.length) return void this.fail(RecordingEndReason.AllSrsFailed);
      const uri = uris[this.uriIndex];
      if (this.host.isUp(uri)) break;
      this.attempts.push({ srs: uri, outcome: SrsAttemptOutcome.Down });
    }
    this.sendInitialInvite(this.srs);
  }

  private sendInitialInvite(uri: string): void {
    const entry = this.host.entry;
    try {
      const assoc = InviteDialogAssoc.create(this.host.connection, {
        to: `<${entry.toUri ?? uri}>`, remoteUri: uri, from: `<${this.host.fromUri}>`, contact: this.host.contact,
      });
      this.assoc = assoc;
      this.host.bind(assoc, this);
      const headers = sessionHeaders(entry, this.call, true);
      if (this.minSe !== undefined) {
        for (const h of headers) if (h[0] === 'Min-SE') h[1] = String(this.minSe);
        for (const h of headers) if (h[0] === 'Session-Expires') h[1] = `${Math.max(this.minSe, entry.sessionExpires ?? 1800)};refresher=uac`;
      }
      const tx = assoc.sendInvite(sessionElements(headers, this.sdp(), this.meta.completeXml()));
      this.inviteTx = tx;
      this.log.sent(tx);
      this.inviteTimer = this.host.clock.setTimer(() => this.inviteTimedOut(tx), this.host.inviteTimeoutMs);
    } catch (e) {
      this.nextAfter(SrsAttemptOutcome.TransportError, undefined, true, e instanceof Error ? e.message : undefined);
    }
  }

  private clearInviteTimer(): void {
    if (this.inviteTimer !== undefined) this.host.clock.clearTimer(this.inviteTimer);
    this.inviteTimer = undefined;
  }

  private inviteTimedOut(tx: ClientTransaction): void {
    this.inviteTimer = undefined;
    if (tx !== this.inviteTx) return;
    // Our own bound on the wait (OpenSIPS#2772: a silent SRS must fail over too).
    try { if (tx.cancelAllowed) tx.cancel().dispose(); } catch { /* answered meanwhile */ }
    if (this.assoc) this.host.bind(this.assoc, undefined);
    this.nextAfter(SrsAttemptOutcome.Timeout, undefined, true);
  }

  private inviteResponse(tx: ClientTransaction, status: number): void {
    if (status < 200) return;
    this.clearInviteTimer();
    this.inviteTx = undefined;
    this.lastStatus = status;
    if (status >= 300) {
      try { tx.dispose(); } catch { /* kept by the API */ }
      if (this.assoc) this.host.bind(this.assoc, undefined);
      // RFC 4028 §7.4: 422 names the Min-SE to use; try the same SRS once more with it.
      const minSe = Number(tx.responseElements?.messageElements.header('Min-SE'));
      if (status === 422 && this.minSe === undefined && minSe > 0) {
        this.minSe = minSe;
        this.assoc?.dispose();
        return this.sendInitialInvite(this.srs);
      }
      if (this.host.skip(status)) {
        this.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Response, statusCode: status });
        return void this.fail(RecordingEndReason.Rejected, status);
      }
      return this.nextAfter(SrsAttemptOutcome.Response, status, false);
    }
    this.host.holdInvite(tx);
    this.ack(tx);
    this.requests.srsAllowsUpdate = allowsUpdate(tx.responseElements?.messageElements.headerValues('Allow') ?? []);
    const answered = this.readAnswer(tx.responseElements?.messageElements);
    if (this.stopRequested) {
      this.state = SessionState.Active;
      void this.stop(this.stopRequested);
      return;
    }
    if (!answered.some((s) => s.accepted)) {
      // Every stream refused: this SRS does not record; end the RS and fail over.
      try { this.assoc?.sendBye().dispose(); } catch { /* gone */ }
      if (this.assoc) this.host.bind(this.assoc, undefined);
      this.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Response, statusCode: status });
      this.assoc?.dispose();
      this.assoc = undefined;
      return this.uriIndex + 1 < this.host.entry.srsUris.length ? this.tryNext() : void this.fail(RecordingEndReason.NoStreamsAccepted, status);
    }
    // RFC 4028: refresh by re-INVITE at half the interval when we are the refresher.
    this.requests.armRefresh(tx, () => void this.enqueue(async () => {
      if (this.state !== SessionState.Active) return;
      const ok = await this.requests.send(this.paused, undefined, false);
      if (!ok && this.state === SessionState.Active) await this.lost(RecordingEndReason.SessionRefreshFailed);
    }));
    this.established(answered, status, tx.responseElements?.messageElements.contentText ?? '');
  }

  /** The SRS answered our offer from the 2xx in its ACK (SRS-initiated; RFC 3264 §4, RFC 3261 §13.2.1). */
  private srsAck(tx: ServerTransaction): void {
    const me = tx.requestElements.messageElements;
    // The SRS offered and our 2xx answered: the ACK has no SDP; the session sits on its m-lines now.
    const srsSide = this.srsOfferAnswered;
    this.srsOfferAnswered = undefined;
    if (srsSide) this.layout = srsSide;
    const answered = this.readAnswer(me, srsSide?.remote);
    this.log.got(tx.requestElements);
    tx.dispose();
    if (this.stopRequested) {
      this.state = SessionState.Active;
      void this.stop(this.stopRequested);
      return;
    }
    if (!answered.some((s) => s.accepted)) {
      // No answer in the ACK, or one refusing every stream: nothing to record, the RS ends (BYE).
      this.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Response, statusCode: 200 });
      try { this.assoc?.sendBye().dispose(); } catch { /* gone */ }
      return void this.fail(RecordingEndReason.NoStreamsAccepted, 200);
    }
    this.established(answered, 200, me.contentText ?? '');
  }

  /** Starting → Active: started event and NG9-1-1 start events. */
  private established(answered: RecordedStreamInfo[], status: number, answerText: string): void {
    this.attempts.push({ srs: this.srs, outcome: SrsAttemptOutcome.Accepted, statusCode: status });
    this.state = SessionState.Active;
    this.activeSince = epochNow(this.host.clock)();
    this.host.listener.started({ ...this.base(), streams: answered, attempts: [...this.attempts], ...(this.srsInitiated ? { srsInitiated: true } : {}) });
    this.log.started(answered.filter((s) => s.accepted).map((s) => s.label), answerText);
  }

  private nextAfter(outcome: SrsAttemptOutcome, status: number | undefined, down: boolean, message?: string): void {
    this.clearInviteTimer();
    this.attempts.push({ srs: this.srs, outcome, ...(status !== undefined ? { statusCode: status } : {}), ...(message !== undefined ? { message } : {}) });
    if (down) this.host.markDown(this.srs);
    const tx = this.inviteTx;
    this.inviteTx = undefined;
    if (tx) { try { tx.dispose(); } catch { /* kept until the API lets go */ } }
    try { this.assoc?.dispose(); } catch { /* already gone */ }
    this.assoc = undefined;
    this.tryNext();
  }

  /** Reads an SDP answer (of a 2xx, or SRS-initiated of the ACK) into the fork and the MSRP streams. */
  private readAnswer(me: MessageElementsView | undefined, srsAnswer?: string): RecordedStreamInfo[] {
    this.media.answerMessages(me);
    return (this.answered = applyAnswer(this.media.fork, this.media.streams, me, this.host.entry.media?.codecs, this.host.entry.media?.srtp, this.layout, srsAnswer));
  }

  // ---- established ----

  private sdp(paused = this.paused): string {
    return offerSdp(this.media.streams, this.host.mediaAddress, this.sdpSessionId, this.sdpVersion, paused, this.host.entry.media?.srtp, this.layout);
  }


  /** The SRS re-INVITEs or UPDATEs: answer with our streams; a snapshot request gets a full snapshot. */
  private srsOffer(tx: ServerTransaction): void {
    const me = tx.requestElements.messageElements;
    let parts;
    try {
      parts = splitRecordingBody(me.contentType, me.content);
    } catch {
      return this.reply(tx, 488);
    }
    // Our answer mirrors our streams: sendonly (inactive while paused) on the same m-lines.
    this.reply(tx, 200, this.sdp());
    if (parts.snapshotRequest) {
      // RFC 7866 §9.1: a snapshot request is answered with a complete snapshot in a new request.
      void this.enqueue(() => this.requests.send(this.paused, this.meta.completeXml(), false));
    }
  }

  /** The session failed in the dialog: BYE (best effort) and end. */
  private async lost(reason: RecordingEndReason): Promise<void> {
    if (this.state === SessionState.Ended) return;
    try { this.assoc?.sendBye().dispose(); } catch { /* dialog gone */ }
    await this.finish(reason, undefined);
  }

  private async finish(reason: RecordingEndReason, byeStatus: number | undefined): Promise<void> {
    if (this.state === SessionState.Ended) return;
    this.state = SessionState.Ended;
    this.requests.stopRefreshing();
    const packets = this.media.fork.packetsSent();
    const messages = this.media.messageStats();
    await this.media.close();
    if (this.assoc) {
      this.host.bind(this.assoc, undefined);
      this.assoc.dispose();
    }
    this.host.forget(this.call.callId);
    this.log.ended(this.media.streams.map((s) => s.params.label));
    this.host.listener.stopped({ ...this.base(), reason, packetsSent: packets, ...(messages ? { messages } : {}), ...(byeStatus !== undefined ? { byeStatusCode: byeStatus } : {}) });
  }

  private async fail(reason: RecordingEndReason, status?: number): Promise<void> {
    if (this.state === SessionState.Ended) return;
    this.state = SessionState.Ended;
    this.clearInviteTimer();
    await this.media.close();
    if (this.assoc) {
      this.host.bind(this.assoc, undefined);
      try { this.assoc.dispose(); } catch { /* gone */ }
    }
    this.host.forget(this.call.callId);
    const st = status ?? this.lastStatus;
    this.host.listener.failed({ ...this.base(), reason, attempts: [...this.attempts], ...(st !== undefined ? { statusCode: st } : {}) });
  }

  // ---- helpers ----

  private base(): RecordingEventBase {
    return { callId: this.call.callId, recordingId: this.recordingId, srsName: this.host.name, srs: this.srs, sessionId: this.meta.eventSessionId };
  }

  private ack(tx: ClientTransaction): void {
    try {
      this.assoc?.sendAck(tx);
    } catch {
      // the dialog ended meanwhile
    }
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private reply(tx: ServerTransaction, status: number, sdp?: string): void {
    const sent = replyTo(tx, status, sdp);
    if (sent) this.log.replied(sent);
  }
}
