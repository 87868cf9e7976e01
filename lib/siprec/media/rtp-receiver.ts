/**
 * Incoming RTP → PCM for the SRS: a small reorder buffer, duplicate and late
 * packet handling, and gap filling so the written audio keeps the call's
 * timeline (SIPREC-NOTES §3.2: a pause or hold must leave a silent stretch,
 * not shorten the file).
 *
 * Timeline rules:
 * - within one SSRC, a packet's place is its RTP timestamp; a gap in
 *   timestamps (loss, DTX, a sender that keeps its clock running on hold)
 *   becomes silence;
 * - with `wallClock` (default), arrival times are the referee: when the
 *   timestamps and the wall clock disagree by more than `resyncMs` (a sender
 *   that froze its timestamps during a pause, or jumped them), or the SSRC
 *   changes, the stream is re-anchored on the wall clock;
 * - `finish(endMs)` pads silence up to the end of the call (ended on hold);
 *   with `originMs` the first packet is placed after leading silence.
 */
import { decodeG711 } from './g711.js';
import type { RtpPacket } from './rtp.js';
import type { PcmSink, RtpPcmReceiverOptions, RtpReceiverStats } from './rtp-receiver-types.js';

export type { PcmSink, RtpPcmReceiverOptions, RtpReceiverStats } from './rtp-receiver-types.js';

/** How one source's timestamps map onto the timeline. */
interface SourceState {
  ssrc: number;
  /** timeline position = extended timestamp + offset */
  offset: number;
  /** Extended (unwrapped) timestamp used as the unwrap reference. */
  lastExtTs: number;
  highestSeq: number;
}

interface Pending {
  pos: number;
  pcm: Int16Array;
}

const U32 = 2 ** 32;

/** Turns one RTP stream into a continuous PCM timeline written to a sink. */
export class RtpPcmReceiver {
  /** Counters. */
  readonly stats: RtpReceiverStats = {
    packets: 0, ignored: 0, late: 0, duplicates: 0, lost: 0, sourceChanges: 0, resyncs: 0,
    audioSamples: 0, silenceSamples: 0, concealedSamples: 0, truncatedGaps: 0,
  };
  private readonly sink: PcmSink;
  private readonly rate: number;
  private readonly reorder: number;
  private readonly wallClock: boolean;
  private readonly resyncTicks: number;
  private readonly maxGap: number;
  private readonly decode: (pt: number, payload: Buffer) => Int16Array | undefined;
  private readonly origin: number | undefined;
  private readonly concealTicks: number;
  private lastAudio: Int16Array | undefined;
  private cur: SourceState | undefined;
  private readonly previous = new Map<number, SourceState>();
  /** Absolute timeline position written up to (valid once `started`). */
  private written = 0;
  /** Where the written timeline begins (0 with an origin, else the first packet written). */
  private base = 0;
  private started = false;
  private resyncPending = false;
  private headStart = 0;
  private headEnd = 0;
  private headArrivalMs = 0;
  private readonly buffer: Pending[] = [];

  /**
   * @param sink - receives PCM and silence in timeline order
   * @param opts - see {@link RtpPcmReceiverOptions}
   */
  constructor(sink: PcmSink, opts: RtpPcmReceiverOptions = {}) {
    this.sink = sink;
    this.rate = opts.clockRate ?? 8000;
    this.reorder = opts.reorderPackets ?? 4;
    this.wallClock = opts.wallClock ?? true;
    this.resyncTicks = ((opts.resyncMs ?? 2000) * this.rate) / 1000;
    this.maxGap = (opts.maxGapSeconds ?? 4 * 3600) * this.rate;
    this.decode = opts.decode ?? decodeG711;
    this.origin = this.wallClock ? opts.originMs : undefined;
    this.concealTicks = ((opts.concealMs ?? 0) * this.rate) / 1000;
  }

  /** Samples of timeline written so far (audio + silence, including cut gaps). */
  get position(): number {
    return this.written - this.base;
  }

  /** Feeds one packet that arrived at `arrivalMs` (default now). */
  push(pkt: RtpPacket, arrivalMs: number = Date.now()): void {
    this.stats.packets++;
    const pcm = this.decode(pkt.payloadType, pkt.payload);
    if (!pcm || pcm.length === 0) {
      this.stats.ignored++;
      return;
    }
    const wallPos = this.headStart + Math.round(((arrivalMs - this.headArrivalMs) * this.rate) / 1000);
    let src = this.cur;
    if (!src || pkt.ssrc !== src.ssrc) {
      const old = this.previous.get(pkt.ssrc);
      if (old) {
        const stray = this.place(old, pkt);
        if (stray < this.headEnd) {
          // A late packet of a source already left behind: it belongs to the past.
          this.accept(stray, pcm, arrivalMs);
          return;
        }
      }
      if (src) {
        this.stats.sourceChanges++;
        this.previous.set(src.ssrc, src);
        if (this.previous.size > 4) this.previous.delete(this.previous.keys().next().value as number);
      }
      this.previous.delete(pkt.ssrc);
      // A new source continues where the wall clock says, never before what was received.
      const pos = src === undefined ? this.ticksSinceOrigin(arrivalMs) : Math.max(this.headEnd, this.wallClock ? wallPos : this.headEnd);
      this.cur = { ssrc: pkt.ssrc, lastExtTs: pkt.timestamp, offset: pos - pkt.timestamp, highestSeq: pkt.sequenceNumber };
      this.accept(pos, pcm, arrivalMs);
      return;
    }
    let pos = this.place(src, pkt);
    const sd = (pkt.sequenceNumber - src.highestSeq) & 0xffff;
    const seqAhead = sd > 0 && sd < 0x8000;
    const forced = this.resyncPending && pos >= this.headStart;
    if (forced) this.resyncPending = false;
    if (seqAhead && pos < this.headStart - this.resyncTicks) {
      // A newer packet whose timestamp went far back: the sender reset its
      // clock. Continue after what was received (or where the wall clock says).
      const anchored = this.wallClock ? Math.max(this.headEnd, wallPos) : this.headEnd;
      src.lastExtTs = pos - src.offset; // unwrap from here on
      src.offset += anchored - pos;
      pos = anchored;
      this.stats.resyncs++;
    } else if (this.wallClock && pos >= this.headStart && (forced || Math.abs(pos - Math.max(wallPos, this.headEnd)) > this.resyncTicks)) {
      // Timestamps and the wall clock disagree: trust the wall clock.
      const anchored = Math.max(this.headEnd, wallPos);
      src.offset += anchored - pos;
      pos = anchored;
      this.stats.resyncs++;
    }
    if (seqAhead) {
      this.stats.lost += sd - 1;
      src.highestSeq = pkt.sequenceNumber;
    }
    this.accept(pos, pcm, arrivalMs);
  }

  /**
   * Places the next packet by the wall clock whatever its timestamp says.
   * Call it when signalling tells of a pause or hold (a=inactive, a=sendonly
   * from the SRC), so that even a short pause keeps its length in the file.
   */
  resyncNext(): void {
    this.resyncPending = true;
  }

  /** Writes out everything held for reordering. */
  flush(): void {
    while (this.buffer.length) this.emit(this.buffer.shift()!);
  }

  /**
   * Ends the stream: flushes, then (with wallClock and `endMs`) pads silence
   * up to the wall-clock end of the call, so a call that ended during a hold
   * keeps its full length.
   */
  finish(endMs?: number): void {
    this.flush();
    if (endMs === undefined || !this.wallClock) return;
    let end: number;
    if (this.cur !== undefined) end = this.headStart + Math.round(((endMs - this.headArrivalMs) * this.rate) / 1000);
    else if (this.origin !== undefined) end = this.ticksSinceOrigin(endMs); // nothing ever arrived
    else return;
    if (!this.started) {
      this.started = true;
      this.written = this.base = this.origin === undefined ? end : 0;
    }
    if (end > this.written) this.silence(end - this.written);
  }

  /** Timeline position of `pkt` under `src`'s mapping; moves the unwrap reference forward. */
  private place(src: SourceState, pkt: RtpPacket): number {
    let d = (pkt.timestamp - (src.lastExtTs % U32) + U32) % U32;
    if (d >= U32 / 2) d -= U32; // RFC 3550 timestamps wrap; the nearest reading wins
    const ext = src.lastExtTs + d;
    if (d > 0) src.lastExtTs = ext;
    return ext + src.offset;
  }

  private ticksSinceOrigin(ms: number): number {
    return this.origin === undefined ? 0 : Math.max(0, Math.round(((ms - this.origin) * this.rate) / 1000));
  }

  private accept(pos: number, pcm: Int16Array, arrivalMs: number): void {
    let start = pos;
    let samples = pcm;
    if (this.started && start + samples.length <= this.written) {
      this.stats.late++;
      return;
    }
    if (this.started && start < this.written) {
      samples = samples.subarray(this.written - start);
      start = this.written;
    }
    let i = this.buffer.length;
    while (i > 0 && this.buffer[i - 1].pos > start) i--;
    const prev = this.buffer[i - 1];
    if (prev && prev.pos === start) {
      this.stats.duplicates++;
      return;
    }
    this.buffer.splice(i, 0, { pos: start, pcm: samples });
    if (start + samples.length >= this.headEnd) {
      this.headStart = start;
      this.headEnd = start + samples.length;
      this.headArrivalMs = arrivalMs;
    }
    while (this.buffer.length > this.reorder) this.emit(this.buffer.shift()!);
  }

  private emit(p: Pending): void {
    let pcm = p.pcm;
    if (!this.started) {
      // Without an origin the timeline starts at the earliest packet that
      // made it through the reorder buffer, even if it arrived second.
      this.started = true;
      if (this.origin === undefined) this.written = this.base = p.pos;
    }
    if (p.pos > this.written) this.gap(p.pos - this.written);
    else if (p.pos < this.written) pcm = pcm.subarray(this.written - p.pos);
    if (pcm.length === 0) return;
    this.lastAudio = pcm;
    this.sink.writeSamples(pcm);
    this.stats.audioSamples += pcm.length;
    this.written += pcm.length;
  }

  /** Fills a gap inside the stream: concealment when short, else silence. */
  private gap(n: number): void {
    const last = this.lastAudio;
    if (!last || n > this.concealTicks) {
      this.silence(n);
      return;
    }
    // Repeat the last packet, fading linearly to zero over the gap.
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round(last[i % last.length] * (1 - (i + 1) / (n + 1)));
    this.sink.writeSamples(out);
    this.stats.concealedSamples += n;
    this.written += n;
  }

  private silence(n: number): void {
    let fill = n;
    if (fill > this.maxGap) {
      fill = this.maxGap;
      this.stats.truncatedGaps++;
    }
    this.sink.writeSilence(fill);
    this.stats.silenceSamples += fill;
    this.written += n;
  }
}
