/**
 * Two mono timelines → one stereo (interleaved) stream: one channel per
 * party, as SRS users ask for (SIPREC-NOTES §3.5). Each channel is a PcmSink
 * (give one to each RtpPcmReceiver sharing an `originMs`); frames are written
 * to the stereo sink (a 2-channel WavWriter) as soon as both channels have
 * them. Silence is kept as run lengths, never expanded in memory.
 *
 * A channel that stays silent (no RTP at all) would hold the other back
 * forever; after `maxLagFrames` the silent channel is taken as silence for
 * the span, and anything it writes later for that span is dropped.
 */
import type { PcmSink } from './rtp-receiver-types.js';

/** Where interleaved frames go (a 2-channel `WavWriter` is one). */
export interface StereoOutput {
  /** Appends interleaved L/R samples. */
  writeSamples(pcm: Int16Array): void;
}

type Chunk = Int16Array | number; // samples, or a run of silence

class Channel implements PcmSink {
  readonly queue: Chunk[] = [];
  queued = 0;
  /** Frames owed as silence already written for this channel. */
  credit = 0;

  constructor(private readonly onData: () => void) {}

  writeSamples(pcm: Int16Array): void {
    let data = pcm;
    if (this.credit > 0) {
      const skip = Math.min(this.credit, data.length);
      this.credit -= skip;
      data = data.subarray(skip);
    }
    if (data.length === 0) return;
    this.queue.push(Int16Array.from(data));
    this.queued += data.length;
    this.onData();
  }

  writeSilence(frames: number): void {
    let n = frames;
    if (this.credit > 0) {
      const skip = Math.min(this.credit, n);
      this.credit -= skip;
      n -= skip;
    }
    if (n <= 0) return;
    this.queue.push(n);
    this.queued += n;
    this.onData();
  }

  /** Takes `n` frames off the front, as samples (silence becomes zeros). */
  take(n: number, into: Int16Array, channel: 0 | 1): void {
    let at = 0;
    while (at < n) {
      const head = this.queue[0];
      const want = n - at;
      if (typeof head === 'number') {
        const k = Math.min(head, want);
        at += k; // `into` is zero-filled already
        if (k === head) this.queue.shift();
        else this.queue[0] = head - k;
      } else {
        const k = Math.min(head.length, want);
        for (let i = 0; i < k; i++) into[2 * (at + i) + channel] = head[i];
        at += k;
        if (k === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(k);
      }
    }
    this.queued -= n;
  }
}

/** Options of {@link StereoInterleaver}. */
export interface StereoInterleaverOptions {
  /** Frames one channel may run ahead before the other is taken as silent (default 5 s at 8 kHz). */
  maxLagFrames?: number;
  /** Largest block written at once, in frames (default 8000). */
  blockFrames?: number;
}

/** Interleaves a left and a right PcmSink into one stereo output. */
export class StereoInterleaver {
  /** Channel 0 sink. */
  readonly left: PcmSink;
  /** Channel 1 sink. */
  readonly right: PcmSink;
  private readonly ch: [Channel, Channel];
  private readonly maxLag: number;
  private readonly block: number;

  /**
   * @param out - receives interleaved frames
   * @param opts - see {@link StereoInterleaverOptions}
   */
  constructor(private readonly out: StereoOutput, opts: StereoInterleaverOptions = {}) {
    this.maxLag = opts.maxLagFrames ?? 5 * 8000;
    this.block = opts.blockFrames ?? 8000;
    this.ch = [new Channel(() => this.pump()), new Channel(() => this.pump())];
    [this.left, this.right] = this.ch;
  }

  /** Writes what is left, padding the shorter channel with silence. */
  flush(): void {
    const [a, b] = this.ch;
    const n = Math.max(a.queued, b.queued);
    for (const c of this.ch) {
      if (c.queued < n) { // padding, not channel data: no credit applies
        c.queue.push(n - c.queued);
        c.queued = n;
      }
    }
    this.pump();
  }

  private pump(): void {
    const [a, b] = this.ch;
    // A channel far ahead: the other one is silent for the excess.
    for (const [ahead, behind] of [[a, b], [b, a]] as const) {
      const lag = ahead.queued - behind.queued;
      if (lag > this.maxLag) {
        const n = lag - this.maxLag;
        behind.queue.push(n);
        behind.queued += n;
        behind.credit += n;
      }
    }
    let ready = Math.min(a.queued, b.queued);
    while (ready > 0) {
      const n = Math.min(ready, this.block);
      const frames = new Int16Array(2 * n);
      a.take(n, frames, 0);
      b.take(n, frames, 1);
      this.out.writeSamples(frames);
      ready -= n;
    }
  }
}
