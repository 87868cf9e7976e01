/**
 * One call through the B2BUA: the caller's leg (a, our UAS side, built on the caller's INVITE
 * transaction) and the callee's leg (b, our UAC side), each its own dialog (RFC 3261 §6: a B2BUA
 * is a UAS and a UAC back to back), the RTP relay between them, and the recording.
 *
 * What it does with what real calls send:
 * - 1xx from the callee go to the caller with the same code; an SDP in them (early media, 183)
 *   is rewritten onto the relay, so early media flows through it (it is not recorded: see
 *   call-recorder.ts).
 * - the callee's 2xx is ACKed at once, and the caller gets 200 with the callee's SDP rewritten;
 *   a final refusal goes to the caller with the same status and reason phrase.
 * - an INVITE without an offer (RFC 3261 §13.2.1, "delayed offer") goes to the callee without
 *   one; the callee's offer in its 2xx goes to the caller (on the relay, one voice codec: the one
 *   recorded) and the callee's ACK waits for the caller's, whose answer it carries. No answer in
 *   the caller's ACK: both legs get BYE.
 * - CANCEL from the caller (the stack has answered it and sent 487) cancels the callee's INVITE
 *   (RFC 3261 §9.1, once a provisional response came); a 2xx that crosses it gets ACK and BYE.
 * - BYE from either side: 200, BYE to the other side, recording stopped, relay closed.
 * - a re-INVITE or an UPDATE with an offer from either side goes to the other side with the SDP
 *   rewritten (reinvite-relay.ts), the answer comes back the same way; a hold (sendonly /
 *   inactive / c=0.0.0.0, RFC 3264 §8.4) pauses the recording and the unhold resumes it. One while
 *   another is in progress gets 491 (RFC 3261 §14.2); one without SDP (a session refresh) is
 *   answered here.
 *
 * A little over 500 lines on purpose: this is one call's state machine, and its set-up and
 * teardown paths move the same private state together (both legs' transactions, the delayed
 * offer's pending ACK, the relay, the recording); the re-INVITE relay, which needs little of it,
 * is its own module (reinvite-relay.ts).
 */
import type { RecordedCodec } from '../../include-types/siprec.js';
import { type ClientTransaction, InviteDialogAssoc, MessageElements, ResponseElements, type ServerTransaction } from '../api/index.js';
import { other, RECORDING_UNAVAILABLE_STATUS, respondTo, respondToCaller, sdpBody, sdpOf, type CallHost } from './call-host.js';
import { B2buaCallState, canMove, isUnanswered } from './call-state.js';
import { CallRecorder, recordedCall } from './call-recorder.js';
import { ReinviteRelay } from './reinvite-relay.js';
import { RtpRelay, type LegName } from './rtp-relay.js';
import { describeAudio, keepFirstVoiceCodec, rewriteForRelay, voiceCodec, type AudioDescription } from './sdp-legs.js';
import type { B2buaCallInfo, B2buaEndReason, B2buaRecordingState } from './types.js';

export { RECORDING_UNAVAILABLE_STATUS, type CallHost } from './call-host.js';

/** One call: both legs, the relay and the recording. */
export class B2buaCall {
  /** Where the call is. */
  state: B2buaCallState = B2buaCallState.Calling;
  /** The callee leg's Call-ID, once its INVITE went out. */
  calleeCallId: string | undefined;
  /** Codec the call uses, from the callee's answer. */
  codec: RecordedCodec | undefined;
  private readonly assoc: Partial<Record<LegName, InviteDialogAssoc>> = {};
  private inviteA: ServerTransaction | undefined;
  private inviteB: ClientTransaction | undefined;
  private relay: RtpRelay | undefined;
  private recorder: CallRecorder | undefined;
  private offerA: AudioDescription | undefined;
  /** The caller's INVITE had no SDP (delayed offer): the callee offers in its 2xx, the caller answers in its ACK. */
  private offerless = false;
  /** With {@link offerless}: the callee's offer, and its 2xx, whose ACK waits for the caller's answer. */
  private offerB: { offer: AudioDescription; tx: ClientTransaction } | undefined;
  /** The latest 1xx for a caller that requires 100rel, held while the previous one waits for its PRACK (RFC 3262 §3). */
  private held1xx: { code: number; phrase: string | undefined; body: MessageElements | undefined } | undefined;
  private earlyB: AudioDescription | undefined;
  private canceled = false;
  private answeredByB = false;
  private rangTooLong = false;
  private cancelWhenProvisional = false;
  /** re-INVITEs relayed between the phones (hold, unhold, codec changes). */
  private readonly reinvites = new ReinviteRelay({
    connected: () => this.state === B2buaCallState.Connected,
    relay: () => this.relay,
    leg: (leg) => this.assoc[leg],
    lastSdpTo: () => this.lastSdpTo,
    held: (held) => {
      this.held = held;
      this.recorder?.setHeld(held);
      this.host.changed(this);
    },
  });
  /** The last SDP each phone was given (answers an offerless re-INVITE). */
  private readonly lastSdpTo: Partial<Record<LegName, string>> = {};
  private held = false;
  private timers: NodeJS.Timeout[] = [];
  private byesPending = 0;

  /** @param callId - the caller leg's Call-ID */
  constructor(readonly callId: string, private readonly host: CallHost) {}

  /** What the B2BUA reports about the call. */
  get info(): B2buaCallInfo {
    return {
      callId: this.callId, state: this.state, recording: this.recorder?.state ?? 'off', held: this.held,
      ...(this.calleeCallId !== undefined ? { calleeCallId: this.calleeCallId } : {}),
      ...(this.codec ? { codec: `${this.codec.name}/${this.codec.clockRate}` } : {}),
    };
  }

  /** The relay, while the call has one (for tests and stats). */
  get media(): RtpRelay | undefined {
    return this.relay;
  }

  /** The caller's INVITE arrived: answer its leg, open the relay, call the callee. */
  async start(tx: ServerTransaction): Promise<void> {
    this.inviteA = tx;
    const a = InviteDialogAssoc.fromServerTransaction(tx);
    this.assoc.a = a;
    this.host.bind(a.dialog, this, 'a');
    const sdp = sdpOf(tx.requestElements.messageElements);
    this.offerA = sdp ? describeAudio(sdp) : undefined;
    // RFC 3261 §13.2.1: an INVITE may leave the offer to the 2xx (then the answer is in the ACK)
    this.offerless = sdp === undefined;
    if (sdp !== undefined && this.offerA === undefined) return this.fail(488, 'failed', 'an audio stream is required');
    try {
      this.relay = await RtpRelay.open(this.host.relay);
    } catch {
      return this.fail(503, 'failed', 'no media ports');
    }
    if (this.canceled) return this.finish('canceled', 487);
    if (this.offerA !== undefined) this.relay.a.setSignalled(this.offerA);
    this.relay.tap = (from, kind, data) => this.recorder?.feed(from, kind, data);
    const req = tx.requestElements;
    const uri = this.host.calleeUri(req.remoteUri);
    let b: InviteDialogAssoc;
    try {
      b = InviteDialogAssoc.create(this.host.connection, { to: req.toHeader ?? `<${uri}>`, remoteUri: uri, ...(req.fromHeader ? { from: req.fromHeader } : {}) });
      this.assoc.b = b;
      this.host.bind(b.dialog, this, 'b');
      this.calleeCallId = b.dialog.callId;
      if (sdp === undefined) this.inviteB = b.sendInvite(); // offer-less as the caller's
      else {
        const offer = rewriteForRelay(sdp, this.relay.b.local);
        this.lastSdpTo.b = offer;
        this.inviteB = b.sendInvite(sdpBody(offer));
      }
    } catch {
      return this.fail(500, 'failed', 'could not call the callee');
    }
    this.timer(setTimeout(() => this.noAnswer(), this.host.answerTimeoutMs));
  }

  /** A response on the callee leg (initial INVITE, re-INVITE, BYE). */
  responseFromB(tx: ClientTransaction): void {
    if (tx === this.inviteB) this.inviteResponse(tx);
    else this.inDialogResponse(tx, 'b');
  }

  /** A response to a request we sent on the caller leg (re-INVITE, BYE). */
  responseFromA(tx: ClientTransaction): void {
    this.inDialogResponse(tx, 'a');
  }

  private inviteResponse(tx: ClientTransaction): void {
    const r = tx.responseElements;
    if (r === undefined) return;
    const code = r.statusCode;
    if (code < 200) {
      if (this.cancelWhenProvisional) return this.cancelB();
      if (code === 100 || !isUnanswered(this.state) || this.canceled) return;
      const sdp = sdpOf(r.messageElements);
      const early = sdp ? describeAudio(sdp) : undefined;
      let body: MessageElements | undefined;
      // an SDP in a 1xx to an offer-less INVITE is an offer (early media would need PRACK, RFC
      // 3262): the code goes to the caller without it
      if (sdp && early && this.relay && !this.offerless) {
        this.earlyB = early;
        this.relay.b.setSignalled(early);
        const out = rewriteForRelay(sdp, this.relay.a.local);
        this.lastSdpTo.a = out;
        body = sdpBody(out);
      }
      this.respondA(code, r.reasonPhrase, body);
      return this.move(B2buaCallState.Early);
    }
    if (code < 300) return this.answered(tx);
    tx.dispose();
    if (this.canceled) return this.finish(this.rangTooLong ? 'no-answer' : 'canceled', this.rangTooLong ? 408 : 487);
    this.respondA(code, r.reasonPhrase);
    this.finish('rejected', code);
  }

  private answered(tx: ClientTransaction): void {
    // A 2xx shown again (a retransmission the stack passed on) changes nothing: its ACK is the stack's.
    if (this.answeredByB) return;
    this.answeredByB = true;
    const b = this.assoc.b;
    if (b === undefined) return;
    if (this.offerless) return this.offeredByB(tx);
    b.sendAck(tx); // RFC 3261 §13.2.2.4: at once; the caller's ACK is its own business
    if (this.canceled || !isUnanswered(this.state)) return this.crossedCancel();
    const r = tx.responseElements!;
    const sdp = sdpOf(r.messageElements);
    const answer = (sdp ? describeAudio(sdp) : undefined) ?? this.earlyB;
    if (answer === undefined || this.relay === undefined) {
      this.byeLeg('b');
      return this.fail(502, 'failed', 'the callee answered without audio');
    }
    this.relay.b.setSignalled(answer);
    this.relay.muxRtcp(this.offerA?.rtcpMux ?? false, answer.rtcpMux);
    this.codec = voiceCodec(answer);
    const toA = sdp ? rewriteForRelay(sdp, this.relay.a.local) : this.lastSdpTo.a;
    if (toA !== undefined) this.lastSdpTo.a = toA;
    this.recordThenAnswer();
  }

  /**
   * Delayed offer: the callee's 2xx carries the offer. The caller gets it on the relay with one
   * voice codec (the recorded one, keepFirstVoiceCodec); the callee's ACK waits for the caller's
   * answer (RFC 3261 §13.2.2.4 lets the ACK carry it). Recording and `recordingRequired` then go
   * as for any answer.
   */
  private offeredByB(tx: ClientTransaction): void {
    const sdp = sdpOf(tx.responseElements!.messageElements);
    const one = sdp !== undefined ? keepFirstVoiceCodec(sdp) : undefined;
    const offer = one !== undefined ? describeAudio(one) : undefined;
    if (one === undefined || offer === undefined || this.relay === undefined) {
      this.ackB(tx);
      this.byeLeg('b');
      return this.fail(502, 'failed', 'the callee answered an offer-less INVITE without an audio offer');
    }
    this.offerB = { offer, tx };
    if (this.canceled || !isUnanswered(this.state)) return this.crossedCancel();
    this.relay.b.setSignalled(offer);
    this.codec = voiceCodec(offer);
    this.lastSdpTo.a = rewriteForRelay(one, this.relay.a.local);
    this.recordThenAnswer();
  }

  /** The callee's 2xx crossed the caller's CANCEL (or came after we gave up): ACK, then BYE (RFC 3261 §15). */
  private crossedCancel(): void {
    this.byeLeg('b');
    this.finish('canceled', 487);
  }

  /** Delayed offer: the caller's ACK carries the answer to the callee's offer, which goes on in the callee's ACK. */
  private answerFromA(ack: ServerTransaction): void {
    const pending = this.offerB;
    this.offerB = undefined;
    const sdp = sdpOf(ack.requestElements.messageElements);
    ack.dispose();
    const answer = sdp !== undefined ? describeAudio(sdp) : undefined;
    if (pending === undefined || sdp === undefined || answer === undefined || this.relay === undefined) {
      // RFC 3261 §13.2.2.4 / RFC 3264: no usable answer, no session: both legs end
      if (pending !== undefined) this.ackB(pending.tx);
      this.move(B2buaCallState.Ending);
      this.byeLeg('a');
      this.byeLeg('b');
      return this.finish('failed');
    }
    this.relay.a.setSignalled(answer);
    this.relay.muxRtcp(pending.offer.rtcpMux, answer.rtcpMux);
    const toB = rewriteForRelay(sdp, this.relay.b.local);
    this.lastSdpTo.b = toB;
    this.ackB(pending.tx, sdpBody(toB));
  }

  /**
   * The callee answered (or, delayed offer, offered): the recording starts, and the caller gets
   * its 200 at once, or with `recordingRequired` once the recording is on (refused if it fails).
   */
  private recordThenAnswer(): void {
    this.startRecording();
    if (this.host.recordingRequired && this.recorder !== undefined && this.recorder.state !== 'failed') {
      this.move(B2buaCallState.Answering);
      this.timer(setTimeout(() => this.recordingEvent('failed'), this.host.recordingStartTimeoutMs));
      return;
    }
    if (this.host.recordingRequired && this.recorder?.state !== 'on') return this.refuseUnrecorded();
    this.answerA();
  }

  /** ACKs the callee's 2xx to an offer-less INVITE (with the caller's answer, or without one to end the call). */
  private ackB(tx: ClientTransaction, body?: MessageElements): void {
    try {
      this.assoc.b?.sendAck(tx, body);
    } catch { /* the leg ended meanwhile */ }
  }

  private answerA(): void {
    const sdp = this.lastSdpTo.a;
    this.respondA(200, undefined, sdp !== undefined ? sdpBody(sdp) : undefined);
    this.inviteA?.dispose();
    this.inviteA = undefined;
    this.clearTimers();
    this.move(B2buaCallState.Connected);
  }

  private refuseUnrecorded(): void {
    this.byeLeg('b');
    this.respondA(RECORDING_UNAVAILABLE_STATUS, 'Recording Unavailable', new MessageElements({ headers: [['Reason', 'SIP;cause=503;text="recording unavailable"']] }));
    this.finish('recording-unavailable', RECORDING_UNAVAILABLE_STATUS);
  }

  private startRecording(): void {
    const manager = this.host.recorder;
    const req = this.assoc.a?.dialog;
    if (manager === undefined || req === undefined) return;
    const a = this.inviteA!.requestElements;
    this.recorder = new CallRecorder(manager, recordedCall(this.callId, a.fromHeader, a.toHeader, this.codec), (s) => this.recorderChanged(s), this.host.recordingPolicy);
    this.recorder.start();
  }

  /** The SrcManager reported the call's recording up ('started') or failed / ended by the SRS ('failed'). */
  recordingEvent(e: 'started' | 'failed'): void {
    if (e === 'started') this.recorder?.started();
    else this.recorder?.failed();
  }

  /** The recorder moved: tell the B2BUA; a held answer (`recordingRequired`) goes on or is refused. */
  private recorderChanged(s: B2buaRecordingState): void {
    this.host.recordingChanged(this, s);
    if (this.state !== B2buaCallState.Answering) return;
    if (s === 'on' || s === 'paused') this.answerA();
    else if (s === 'failed') {
      void this.recorder?.stop();
      this.refuseUnrecorded();
    }
  }

  /** The caller CANCELed (the stack answered 487 to its INVITE). */
  canceledByCaller(): void {
    this.canceled = true;
    this.inviteA?.dispose();
    this.inviteA = undefined;
    if (this.state === B2buaCallState.Answering) {
      this.byeLeg('b');
      return this.finish('canceled', 487);
    }
    if (this.inviteB === undefined) return; // still opening the relay: start() sees the flag
    this.cancelB();
  }

  private cancelB(): void {
    const inv = this.inviteB;
    if (inv === undefined) return;
    this.cancelWhenProvisional = false;
    // RFC 3261 §9.1: no CANCEL before a provisional response; it goes when one comes.
    if (inv.cancelAllowed) {
      try {
        inv.cancel();
      } catch {
        this.finish('canceled', 487);
      }
    } else this.cancelWhenProvisional = true;
  }

  private noAnswer(): void {
    if (!isUnanswered(this.state) || this.state === B2buaCallState.Answering) return;
    this.respondA(408, 'Request Timeout'); // RFC 3261 §16.6 step 11 analogue: the callee rang too long
    this.canceled = true;
    this.rangTooLong = true;
    this.cancelB();
    this.timer(setTimeout(() => this.finish('no-answer', 408), 5000));
  }

  /** A request in one leg's dialog. */
  request(tx: ServerTransaction, leg: LegName): void {
    switch (tx.type) {
      case 'ACK':
        if (leg === 'a' && this.offerB !== undefined) return this.answerFromA(tx);
        return tx.dispose();
      case 'BYE':
        respondTo(tx, 200);
        this.assoc[leg]?.dispose();
        this.assoc[leg] = undefined;
        return this.hangUp(leg);
      case 'INVITE':
      case 'UPDATE':
        return this.reinvites.request(leg, tx);
      case 'INFO': {
        // SIP INFO DTMF (application/dtmf-relay) and the like: passed to the other side.
        const to = this.assoc[other(leg)];
        try {
          to?.sendNonTargetRefreshRequest('INFO', tx.requestElements.messageElements);
        } catch { /* the other leg is going away */ }
        return respondTo(tx, 200);
      }
      case 'PRACK':
        // RFC 3262 §4: the caller acknowledges a reliable 1xx of ours (the API matched its RAck)
        return leg === 'a' ? this.prackFromA(tx) : respondTo(tx, 200);
      case 'OPTIONS':
        return respondTo(tx, 200);
      default:
        return respondTo(tx, 405);
    }
  }

  private inDialogResponse(tx: ClientTransaction, leg: LegName): void {
    const r = tx.responseElements;
    if (r === undefined || r.statusCode < 200) return;
    if (tx.type === 'CANCEL') return tx.dispose();
    if (tx.type === 'BYE') {
      tx.dispose();
      return this.byeDone(leg);
    }
    this.reinvites.response(tx, leg, r);
  }

  /** The API gave up on a request of ours (timeout, transport error). */
  error(tx: ClientTransaction | ServerTransaction, leg: LegName): void {
    if (tx === this.inviteB) {
      if (this.canceled) return this.finish('canceled', 487);
      if (isUnanswered(this.state)) {
        this.respondA(408, 'Request Timeout');
        return this.finish('failed', 408);
      }
      return;
    }
    if (tx.type === 'BYE') return this.byeDone(leg);
    if (this.reinvites.failed(tx)) return;
    // RFC 3261 §13.3.1.4: the caller never ACKed our 2xx (the API sent BYE): end the other leg.
    if (!tx.isClientTransaction && tx.type === 'INVITE') this.hangUp(leg);
  }

  /** The transaction that finished the callee INVITE's 2xx window (inviteCompleted). */
  owns(tx: ClientTransaction): boolean {
    return tx === this.inviteB || tx === this.reinvites.outgoing;
  }

  /** One side hung up: BYE the other, stop the recording, close the relay. */
  hangUp(by: LegName): void {
    if (this.state === B2buaCallState.Ending || this.state === B2buaCallState.Ended) return;
    this.move(B2buaCallState.Ending);
    this.byeLeg(other(by));
    this.finish(by === 'a' ? 'hangup-caller' : 'hangup-callee');
  }

  /** Ends the call from here (shutdown): BYE to both confirmed legs, 480 to an unanswered caller. */
  terminate(): void {
    if (this.state === B2buaCallState.Ended) return;
    if (isUnanswered(this.state)) {
      this.respondA(480, 'Temporarily Unavailable');
      this.canceled = true;
      this.cancelB();
    } else {
      this.byeLeg('a');
      this.byeLeg('b');
    }
    this.finish('shutdown');
  }

  private byeLeg(leg: LegName): void {
    const assoc = this.assoc[leg];
    if (assoc === undefined) return;
    // RFC 3261 §13.2.2.4: every 2xx is ACKed, a delayed offer's one still waiting too, before the BYE
    if (leg === 'b' && this.offerB !== undefined) {
      this.ackB(this.offerB.tx);
      this.offerB = undefined;
    }
    try {
      assoc.sendBye();
      this.byesPending++;
      // The association lives until the BYE's response (byeDone), at most 40 s (64*T1 and some).
      this.timer(setTimeout(() => this.byeDone(leg), 40_000));
    } catch {
      assoc.dispose();
      this.assoc[leg] = undefined;
    }
  }

  private byeDone(leg: LegName): void {
    const assoc = this.assoc[leg];
    if (assoc === undefined) return;
    assoc.dispose();
    this.assoc[leg] = undefined;
    if (--this.byesPending <= 0 && this.state === B2buaCallState.Ended) this.clearTimers();
  }

  private fail(status: number, reason: B2buaEndReason, why: string): void {
    this.respondA(status, undefined, new MessageElements({ headers: [['Warning', `399 tsip-b2bua "${why}"`]] }));
    this.finish(reason, status);
  }

  private finish(reason: B2buaEndReason, statusCode?: number): void {
    if (this.state === B2buaCallState.Ended) return;
    this.move(B2buaCallState.Ended);
    if (this.byesPending === 0) this.clearTimers();
    void this.recorder?.stop();
    void this.relay?.close();
    this.inviteA?.dispose();
    this.inviteA = undefined;
    if (statusCode !== undefined && statusCode >= 300) {
      // Never answered: the caller's dialog ends with the final response; the callee's too,
      // unless it answered after all and waits for our BYE.
      this.assoc.a?.dispose();
      this.assoc.a = undefined;
      if (this.byesPending === 0) {
        this.assoc.b?.dispose();
        this.assoc.b = undefined;
      }
    }
    this.host.ended(this, reason, statusCode);
  }

  /** Disposes what is left (the B2BUA is closing). */
  dispose(): void {
    this.clearTimers();
    for (const leg of ['a', 'b'] as const) this.assoc[leg]?.dispose();
    try {
      this.inviteB?.dispose();
    } catch { /* an answered INVITE the API still needs (DESIGN §3): the client's close frees it */ }
  }

  /** Keeps a timer to clear at the end; it never holds the process open on its own. */
  private timer(t: NodeJS.Timeout): void {
    t.unref();
    this.timers.push(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private move(to: B2buaCallState): void {
    if (this.state === to || !canMove(this.state, to)) return;
    this.state = to;
    this.host.changed(this);
  }

  private respondA(code: number, phrase?: string, body?: MessageElements): void {
    if (code >= 200) this.held1xx = undefined; // a final response supersedes a 1xx still held
    // RFC 3262 §3: a reliable 1xx waits for the PRACK of the one before (sent from `prackFromA`)
    if (!respondToCaller(this.inviteA, code, phrase, body) && code > 100 && code < 200 && this.inviteA?.responseAllowed === true) this.held1xx = { code, phrase, body };
  }

  /** RFC 3262 §4: the caller's PRACK came (the API matched it): 200, then the 1xx held back for it, if any. */
  private prackFromA(tx: ServerTransaction): void {
    respondTo(tx, 200);
    const held = this.held1xx;
    this.held1xx = undefined;
    if (held !== undefined) this.respondA(held.code, held.phrase, held.body);
  }


}
