/**
 * One recording session at the SRS: the dialog (an InviteDialogAssoc), a receiving endpoint per
 * recorded stream (a UDP RTP/RTCP pair, or an MSRP TCP listener), and the recording on disk.
 * Handles the SRC's offers (initial INVITE, re-INVITE/UPDATE: pause with a=inactive, resume,
 * streams added or removed with port 0, metadata updates, RFC 7866 §7.1.1.1, §9.2), the offers
 * the SRS makes itself when the SRC sent none (offer-less INVITE or re-INVITE: the answer comes
 * in the ACK, RFC 3264 §5, RFC 3261 §13.2.1), and its end.
 *
 * Its life is an explicit state ({@link SrsSessionState}, transitions in srs-session-state.ts):
 * Setup → (AwaitingAnswer →) Recording ⇄ Paused → Ended, every change through {@link SrsSession.moveTo}.
 */
import type { Clock, TimerHandle } from '../../../include-types/settings.js';
import { RtpEndpoint, type PortAllocator } from '../media/index.js';
import { defaultSiprecClock } from '../common/timers.js';
import { SrtpReceiver, type SrtpReceiverStats } from '../media/srtp/index.js';
import { keyMaterialOf } from '../body/index.js';
import type { InviteDialogAssoc } from '../common/api.js';
import { parseSdp } from '../../message/index.js';
import { ownString } from '../../message/own-copy.js';
import type { ReceivedMetadata } from './check-invite.js';
import {
  buildAnswer, buildSrsOffer, checkSrcAnswer, offerCodecs, planOffer,
  type LocalMedia, type MediaPlan, type MediaPolicy, type PlannedStream, type SrsOfferStream,
} from './media-plan.js';
import { MsrpReceiver } from './msrp.js';
import type { RecordingDir } from './storage/index.js';
import { TokenBucket } from './limits.js';
import type { SrsEndReason, SrsMediaCounters } from '../../../include-types/siprec.js';
import { SrsSessionState, SrsSessionStateError, srsSessionTransitionAllowed } from './srs-session-state.js';
import type { SrsLiveAudio, StreamAudioFeed } from './live-audio.js';

import { addSlot, EARLY_MAX, type SlotCounters, type StreamSlot } from './srs-stream-slot.js';

/** What a session needs from its server. */
export interface SessionEnv {
  /** Local media address. */
  host: string;
  /** RTP ports. */
  allocator: PortAllocator;
  /** False in signalling-only mode (ports reserved, nothing bound or written). */
  media: boolean;
  /** What the SRS records (its G.711 codecs are offered in its own offers). */
  policy: MediaPolicy;
  /** Datagrams (RTP + RTCP) per second and stream beyond which they are dropped (0 = no limit). */
  maxPacketsPerSecond?: number;
  /**
   * Epoch ms of the rate limit windows, the arrival times stored (the timeline's jitter and gap
   * fill are built from them) and the session's start (default Date.now).
   */
  now?: () => number;
  /** Time source of the session's timers: `maxRecordingSeconds` (default: real time; RFC 4028 is the API's session timer). */
  clock?: Clock;
  /**
   * Writing the recording failed (a full disk): called once; the server ends the session.
   * Without it the error is swallowed and the stream stops being written.
   */
  onStorageError?: (session: SrsSession, e: unknown) => void;
  /** The session's sockets and files are closed (its counters are final). */
  onEnded?: (session: SrsSession) => void;
  /** Live audio taps and the stereo WAV (live-audio.ts); absent: none. */
  audio?: SrsLiveAudio;
}

/** The SRS's offer waiting for the SRC's answer in the ACK. */
interface PendingOffer {
  /** Streams offered, per m-line. */
  streams: SrsOfferStream[];
  /** True for the offer of an offer-less initial INVITE (slots are new and not yet attached). */
  initial: boolean;
}

/** One SRS recording session. */
export class SrsSession {
  private current: SrsSessionState = SrsSessionState.Setup;
  /** The latest SDP we sent (answer or offer). */
  answerSdp = '';
  /** When the session was answered (ms). */
  readonly startedMs: number;
  private readonly slots = new Map<number, StreamSlot>();
  private version = 0;
  private readonly sdpSessionId = Math.floor(Math.random() * 2 ** 31);
  private limitTimer: TimerHandle | undefined;
  private readonly clock: Clock;
  private readonly now: () => number;
  /** A write to the recording failed: latched, not a state (see srs-session-state.ts). */
  private storageFailed = false;
  /** Receive counters of the streams closed so far (see {@link mediaCounters}). */
  private readonly closedMedia: SlotCounters = { rtpPackets: 0, rtpBytes: 0, rtcpPackets: 0, srtpAuthFailures: 0 };
  private pendingOffer: PendingOffer | undefined;
  /** The last negotiated streams (as the SRC offered or answered them). */
  private planStreams: PlannedStream[] | undefined;
  /**
   * The SDP they came from, as text: only an offer-less re-INVITE needs it parsed again, and the
   * parsed object graph would cost a few kB for each of 10^4 sessions.
   */
  private planSdp: string | undefined;

  /**
   * @param recordingId - the RS Call-ID
   * @param assoc - the dialog
   * @param rec - where it is stored (undefined in signalling-only mode)
   */
  constructor(
    readonly recordingId: string,
    readonly assoc: InviteDialogAssoc,
    readonly rec: RecordingDir | undefined,
    private readonly env: SessionEnv,
  ) {
    this.clock = env.clock ?? defaultSiprecClock();
    this.now = env.now ?? Date.now;
    this.startedMs = this.now();
  }

  /** Where the session is in its life (read-only; see srs-session-state.ts). */
  get state(): SrsSessionState {
    return this.current;
  }

  /** True while the SRC has every stream inactive. */
  get paused(): boolean {
    return this.current === SrsSessionState.Paused;
  }

  /** True once ended. */
  get isEnded(): boolean {
    return this.current === SrsSessionState.Ended;
  }

  /**
   * The one place the state changes. A transition the table does not allow is a bug in the SRS
   * (never the SRC's doing): it throws {@link SrsSessionStateError}.
   */
  private moveTo(next: SrsSessionState): void {
    if (!srsSessionTransitionAllowed(this.current, next)) throw new SrsSessionStateError(this.current, next, this.recordingId);
    this.current = next;
  }

  /** Sets (replacing any earlier) a timer that ends the session on a limit: `fn` after `ms`; cleared when it ends. */
  setLimitTimer(fn: () => void, ms: number): void {
    this.clear(this.limitTimer);
    this.limitTimer = this.clock.setTimer(() => { this.limitTimer = undefined; fn(); }, ms);
  }

  private clear(h: TimerHandle | undefined): void {
    if (h !== undefined) this.clock.clearTimer(h);
  }

  /** True once a write to the recording failed. */
  get storageError(): boolean {
    return this.storageFailed;
  }

  /** Datagrams dropped so far on a stream (stored or not yet), by label; for tests and stats. */
  droppedPackets(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const slot of this.slots.values()) out[slot.label] = slot.earlyDropped;
    for (const st of this.rec?.snapshot.streams ?? []) out[st.label] = (out[st.label] ?? 0) + (st.droppedPackets ?? 0);
    return out;
  }

  /**
   * Runs a write to the recording; a failure (ENOSPC, EIO) is reported once to the server and
   * never thrown into a socket handler.
   */
  write(fn: () => void): void {
    if (this.storageFailed || this.isEnded) return;
    try {
      fn();
    } catch (e) {
      this.storageFailed = true;
      this.env.onStorageError?.(this, e);
    }
  }

  /** Labels of the streams being received. */
  get labels(): string[] {
    return [...this.slots.values()].filter((s) => s.attached || !this.env.media).map((s) => s.label);
  }

  /** True while an offer of ours waits for the SRC's answer in the ACK. */
  get awaitingAnswer(): boolean {
    return this.pendingOffer !== undefined;
  }

  /** True while the SRC's answer to our offer for an offer-less initial INVITE is awaited. */
  get awaitingInitialAnswer(): boolean {
    return this.pendingOffer?.initial === true;
  }

  /** Stores a metadata document (initial or update). */
  addMetadata(m: ReceivedMetadata): void {
    this.rec?.addMetadata(m.raw, m.parsed);
  }

  /**
   * Applies an SRC offer: opens streams new in it, closes those it removes (port 0), pauses or
   * resumes, and returns the answer SDP. Throws MediaError(PortsExhausted) when no port is left.
   */
  async applyOffer(offer: MediaPlan): Promise<string> {
    for (const s of offer.streams) {
      const have = this.slots.get(s.index);
      const old = this.planStreams?.[s.index];
      const changed = have !== undefined && (s.port === 0 || s.label !== have.label || s.store !== old?.store || s.kind !== old?.kind || (s.srtp === undefined) !== (old?.srtp === undefined));
      if (changed) await this.closeSlot(s.index);
      if (!this.slots.has(s.index) && s.port !== 0 && s.store !== undefined) {
        await this.bindSlot(s.index, s.label, s.store === 'msrp');
        this.attach(s.index, s);
      } else if (s.srtp && s.store !== undefined) this.rekey(this.slots.get(s.index), s);
    }
    this.keepPlan(offer.streams, offer.sdp);
    this.setPaused(offer.streams);
    this.answerSdp = buildAnswer(offer, this.localMedia(), this.sdpOptions());
    return this.answerSdp;
  }

  /**
   * An answer to an SRC offer that keeps the streams as they are (the ACK of our offer-less
   * snapshot re-INVITE, RFC 7866 §9.2): streams new in the offer get port 0.
   */
  answerFor(offer: MediaPlan): string {
    this.answerSdp = buildAnswer(offer, this.localMedia(), this.sdpOptions());
    return this.answerSdp;
  }

  /** Keeps the negotiated streams and, as a flat string of its own, the SDP they came from. */
  private keepPlan(streams: PlannedStream[], sdp: string | undefined): void {
    this.planStreams = streams;
    // a copy: the text may be a slice of the whole multipart body, which it would keep alive
    this.planSdp = ownString(sdp);
  }

  /** The negotiated plan with its SDP parsed again (for a re-offer), or an empty one. */
  private plan(): MediaPlan {
    if (this.planStreams === undefined || this.planSdp === undefined) return { session: { media: [] } as unknown as MediaPlan['session'], streams: this.planStreams ?? [] };
    return { session: parseSdp(this.planSdp), streams: this.planStreams };
  }

  private localMedia(): Map<number, LocalMedia> {
    const local = new Map<number, LocalMedia>();
    for (const [i, slot] of this.slots) local.set(i, { port: slot.port, ...(slot.msrpPath !== undefined ? { msrpPath: slot.msrpPath } : {}) });
    return local;
  }

  /**
   * The SRS's own offer for an offer-less initial INVITE (RFC 7866 §7.1.2): one recvonly audio
   * stream per label, ports bound now, files opened when the SRC's answer comes in the ACK.
   * Throws MediaError(PortsExhausted) when no port is left.
   */
  async makeInitialOffer(labels: readonly string[]): Promise<string> {
    const streams: SrsOfferStream[] = [];
    for (const [i, label] of labels.entries()) {
      await this.bindSlot(i, label, false);
      streams.push({ label, port: this.slots.get(i)!.port });
    }
    this.pendingOffer = { streams, initial: true };
    this.moveTo(SrsSessionState.AwaitingAnswer);
    this.answerSdp = buildSrsOffer(streams, offerCodecs(this.env.policy.wavCodecs), this.sdpOptions());
    return this.answerSdp;
  }

  /**
   * The SRS's offer in the 2xx of an offer-less re-INVITE (RFC 3261 §14.2): every m-line as last
   * negotiated (same ports, formats and labels; refused ones port 0), recvonly. The SRC answers
   * in the ACK ({@link applyAckAnswer}).
   */
  makeReoffer(): string {
    const plan = this.plan();
    const offer: MediaPlan = { session: plan.session, streams: plan.streams.map((s) => ({ ...s, direction: 'sendonly' })) };
    const streams = plan.streams.map((s, i): SrsOfferStream => ({ label: s.label, port: this.slots.get(i)?.port ?? 0 }));
    this.pendingOffer = { streams, initial: false };
    this.answerSdp = buildAnswer(offer, this.localMedia(), this.sdpOptions());
    return this.answerSdp;
  }

  /**
   * Applies the SRC's answer carried by the ACK to our offer. Returns undefined when it is good
   * (streams opened, pause state followed), else why not: the caller ends the session with BYE
   * (RFC 3261 §13.3.1.4 / RFC 3264 §5). A session with no offer pending ignores ACK bodies.
   */
  async applyAckAnswer(sdp: string | undefined): Promise<string | undefined> {
    const pending = this.pendingOffer;
    if (!pending) return undefined;
    this.pendingOffer = undefined;
    if (!pending.initial) return this.applyReofferAnswer(sdp, pending);
    const check = checkSrcAnswer(sdp, pending.streams, offerCodecs(this.env.policy.wavCodecs));
    if (!check.ok) return check.reason;
    for (const s of check.streams) {
      if (s.store === undefined || s.port === 0) await this.closeSlot(s.index);
      else this.attach(s.index, s);
    }
    if (![...this.slots.values()].some((x) => x.attached)) return 'SRC answered no stream to record';
    this.keepPlan(check.streams, sdp);
    this.setPaused(check.streams);
    return undefined;
  }

  /** The answer to a re-offer: same m-lines; port 0 closes a stream, directions pause or resume. */
  private async applyReofferAnswer(sdp: string | undefined, pending: PendingOffer): Promise<string | undefined> {
    if (sdp === undefined) return 'ACK without an SDP answer';
    let answer: MediaPlan;
    try {
      answer = planOffer(sdp, this.env.policy);
    } catch {
      return 'SDP answer in the ACK does not parse';
    }
    if (answer.streams.length !== pending.streams.length) return `SDP answer has ${answer.streams.length} m-lines for ${pending.streams.length} offered`;
    for (const s of answer.streams) if (s.port === 0) await this.closeSlot(s.index);
    if (this.planStreams) {
      // The SRC's directions now rule; formats and kinds stay as negotiated.
      this.planStreams = this.planStreams.map((p, i) => ({ ...p, direction: answer.streams[i].direction, port: answer.streams[i].port === 0 ? 0 : p.port }));
      this.setPaused(this.planStreams);
    }
    return undefined;
  }

  /**
   * Ends the session: closes endpoints and the recording (and the dialog, unless a BYE of ours is
   * pending); the index gets `reason` and `detail` as `endReason` / `endDetail`. Idempotent.
   */
  async end(reason: SrsEndReason, disposeDialog = true, failed: boolean | 'partial' = false, detail?: string): Promise<void> {
    if (this.isEnded) return;
    this.moveTo(SrsSessionState.Ended);
    this.pendingOffer = undefined;
    this.clear(this.limitTimer);
    this.limitTimer = undefined;
    // One end time for every file of the recording: the mono WAVs, the stereo WAV and the index
    // (closing the endpoints takes a while under load; each reading its own clock made the
    // stereo WAV end before the mono ones).
    const endMs = this.now();
    for (const i of [...this.slots.keys()]) await this.closeSlot(i, endMs);
    await this.env.audio?.sessionEnding(this, endMs);
    try {
      // Resolves once every queued write is in its file and the final index is in place.
      await this.rec?.close(reason, failed, detail, endMs);
    } catch {
      // A full disk: every file was closed; what could not be written is lost, the rest kept.
    }
    if (disposeDialog) this.assoc.dispose();
    this.env.onEnded?.(this);
  }

  private sdpOptions(): { address: string; sessionId: number; version: number } {
    return { address: this.env.host, sessionId: this.sdpSessionId, version: ++this.version };
  }

  /** RFC 7866 §7.1.1 / SIPREC-NOTES SRC-8: a=inactive on every live stream is a pause. */
  private setPaused(streams: readonly PlannedStream[]): void {
    // An offer applied while an end ran (its awaits interleave with a BYE) changes nothing: the
    // recording is closed.
    if (this.isEnded) return;
    const live = streams.filter((s) => s.port !== 0);
    const nowPaused = live.length > 0 && live.every((s) => s.direction === 'inactive');
    const next = nowPaused ? SrsSessionState.Paused : SrsSessionState.Recording;
    if (next === this.current) return;
    const wasPaused = this.paused;
    this.moveTo(next);
    // Setup/AwaitingAnswer → Recording is no change for the index (it starts unpaused).
    if (nowPaused === wasPaused) return;
    if (nowPaused) this.rec?.pause();
    else this.rec?.resume();
  }

  /** Reserves (signalling-only) or binds the receiving side of a stream. */
  private async bindSlot(index: number, label: string, msrp: boolean): Promise<void> {
    if (!this.env.media) {
      const port = this.env.allocator.allocate();
      const host = this.env.host.includes(':') ? `[${this.env.host}]` : this.env.host;
      this.slots.set(index, { label, port, endpoint: undefined, msrp: undefined, attached: false, earlyDropped: 0, bucket: this.bucket(), ...(msrp ? { msrpPath: `msrp://${host}:${port}/signalling-only;tcp` } : {}) });
      return;
    }
    if (msrp) {
      const r = await MsrpReceiver.listen(this.env.allocator, this.env.host);
      this.slots.set(index, { label, port: r.port, endpoint: undefined, msrp: r, msrpPath: r.path, attached: false, earlyDropped: 0, bucket: this.bucket() });
      return;
    }
    const ep = await RtpEndpoint.bindFromAllocator(this.env.allocator, this.env.host);
    const slot: StreamSlot = { label, port: ep.local.port, endpoint: ep, msrp: undefined, attached: false, early: [], earlyDropped: 0, bucket: this.bucket() };
    this.slots.set(index, slot);
    // RFC 3264 §5: we take media as soon as we offered; RTP may come before the ACK's answer.
    // Kept up to EARLY_MAX datagrams and within the rate; the rest is dropped and counted.
    const keep = (data: Buffer, rtcp: boolean): void => {
      if (!slot.early) return;
      if (slot.early.length < EARLY_MAX && slot.bucket.take()) slot.early.push({ data, ms: this.now(), rtcp });
      else slot.earlyDropped++;
    };
    ep.onPacket((data) => keep(data, false));
    ep.onRtcp((data) => keep(data, true));
  }

  /** Opens the files of a bound stream and feeds them. */
  private attach(index: number, s: PlannedStream): void {
    const slot = this.slots.get(index);
    if (!slot || slot.attached || s.store === undefined) return;
    slot.attached = true;
    this.rekey(slot, s);
    if (!this.env.media) return;
    const label = slot.label;
    this.rec?.openMediaStream({
      label, kind: s.kind ?? 'audio', store: s.store, codec: s.codec ?? '?', payloadType: s.payloadType ?? -1, formats: s.formats,
      ...(s.t140 ? { t140: s.t140 } : {}),
      source: { address: this.env.host, port: slot.port },
      ...(slot.srtp ? { srtp: { suite: slot.srtp.choice.offered.suite, stats: () => slot.srtp?.receiver.stats } } : {}),
    }, this.startedMs);
    const rec = this.rec;
    if (!rec) return;
    const audio = (slot.audio = this.env.audio?.streamOpened(this, s));
    // RFC 3711 §3.3 / §3.4: SRTP and SRTCP are checked and decrypted before anything is stored; a
    // packet that fails (tag, replay) is counted in the receiver's stats and never stored.
    const plain = (data: Buffer, rtcp: boolean): Buffer | undefined => {
      const r = slot.srtp?.receiver;
      if (!r) return data;
      const v = rtcp ? r.unprotectRtcp(data) : r.unprotectRtp(data);
      return v.ok ? v.packet : undefined;
    };
    this.write(() => {
      for (const e of slot.early ?? []) {
        const p = plain(e.data, e.rtcp);
        if (p) rec.datagram(label, p, e.ms, e.rtcp);
        if (p && !e.rtcp) audio?.rtp(p, e.ms);
      }
      rec.dropped(label, slot.earlyDropped);
    });
    delete slot.early;
    slot.earlyDropped = 0;
    const store = (data: Buffer, rtcp: boolean): void => {
      // Over the rate: dropped and counted, never queued.
      if (!slot.bucket.take()) return rec.dropped(label);
      const p = plain(data, rtcp);
      if (!p) return;
      const ms = this.now();
      this.write(() => {
        rec.datagram(label, p, ms, rtcp);
        if (audio && !rtcp) audio.rtp(p, ms);
      });
    };
    slot.endpoint?.onPacket((data) => store(data, false));
    slot.endpoint?.onRtcp((data) => store(data, true));
    slot.msrp?.onMessage((m) => this.write(() => rec.message(label, m)));
  }

  /**
   * SRTP on a kept stream (re-INVITE, RFC 4568 §7.1.4): the same offered key keeps the context
   * (ROC, replay list) and our answer line; a new key starts a new context.
   */
  private rekey(slot: StreamSlot | undefined, s: PlannedStream): void {
    if (!slot || !s.srtp) return;
    const same = slot.srtp && slot.srtp.choice.offered.keySalt.equals(s.srtp.offered.keySalt) && slot.srtp.choice.offered.suite === s.srtp.offered.suite;
    if (same && slot.srtp) {
      s.srtp.answer = slot.srtp.choice.answer;
      return;
    }
    const receiver = new SrtpReceiver(keyMaterialOf(s.srtp.offered));
    if (slot.srtp) Object.assign(receiver.stats, slot.srtp.receiver.stats); // the counts go on
    slot.srtp = { choice: s.srtp, receiver };
  }

  /** SRTP counters per label (streams received as SRTP); for tests and stats. */
  srtpStats(): Record<string, SrtpReceiverStats> {
    const out: Record<string, SrtpReceiverStats> = {};
    for (const slot of this.slots.values()) if (slot.srtp) out[slot.label] = { ...slot.srtp.receiver.stats };
    return out;
  }

  /**
   * Media counters of the session so far, closed streams included (for `Srs.stats()`): read on
   * a scrape from the endpoints', SRTP receivers' and recording's own counters, nothing counted
   * in the packet path here.
   */
  mediaCounters(): SrsMediaCounters {
    // fields written out, no object spreads: read once per session end (issue 15)
    const m = this.closedMedia;
    const c: SlotCounters = { rtpPackets: m.rtpPackets, rtpBytes: m.rtpBytes, rtcpPackets: m.rtcpPackets, srtpAuthFailures: m.srtpAuthFailures };
    for (const slot of this.slots.values()) addSlot(c, slot);
    const r = this.rec?.counters();
    return {
      rtpPackets: c.rtpPackets, rtpBytes: c.rtpBytes, rtcpPackets: c.rtcpPackets, srtpAuthFailures: c.srtpAuthFailures,
      packetsLost: r?.lost ?? 0, packetsLate: r?.late ?? 0, packetsDropped: r?.dropped ?? 0,
      filesWritten: r?.files ?? 0, bytesWritten: r?.bytes ?? 0,
    };
  }

  private bucket(): TokenBucket {
    return new TokenBucket(this.env.maxPacketsPerSecond ?? 0, this.env.now);
  }

  private async closeSlot(index: number, endMs = this.now()): Promise<void> {
    const slot = this.slots.get(index);
    if (!slot) return;
    this.slots.delete(index);
    addSlot(this.closedMedia, slot);
    slot.audio?.end(endMs);
    if (slot.endpoint) await slot.endpoint.close();
    else if (slot.msrp) await slot.msrp.close();
    else this.env.allocator.release(slot.port);
  }
}
