/**
 * A live audio tap (issue 13): one recorded stream's RTP, decoded, as a Node `Readable` of 16-bit
 * signed little-endian mono PCM. Shared by the SRS (srs/live-audio.ts) and the SRC
 * (src/live-audio.ts).
 *
 * Why the choices:
 * - Packets go through an {@link RtpPcmReceiver} without wall clock and with a 2-packet reorder
 *   buffer (40 ms of 20 ms packets): duplicates and reordering are handled like in the stored WAV,
 *   at a small latency cost.
 * - Gaps: the receiver turns a gap in the timestamps into silence. A short one (a lost packet,
 *   up to {@link PcmTapOptions.maxFillMs}) is pushed as zeros, so speech keeps its timing; a long
 *   one (a pause, a hold, DTX) produces no frames at all: a live consumer wants what is said now,
 *   not minutes of made-up silence.
 * - Back-pressure: the `Readable` has a bounded high-water mark. When `push()` returns false the
 *   tap drops (and counts) every further frame until the stream asks for more (`_read`), so a
 *   consumer that is slow, or never reads, costs at most the buffer and never stalls the socket
 *   handler that feeds it.
 */
import { Readable } from 'node:stream';
import type { AudioTap, AudioTapParticipant, AudioTapSummary } from '../../../include-types/siprec.js';
import type { RecordedCodec } from '../../../include-types/siprec.js';
import { decodeAlaw, decodeUlaw, G711PayloadType } from './g711.js';
import { parseRtp, type RtpPacket } from './rtp.js';
import { RtpPcmReceiver } from './rtp-receiver.js';
import type { PcmSink } from './rtp-receiver-types.js';
import { pcmToWavBytes } from './wav-format.js';

/** Default most audio a tap buffers for its consumer, ms. */
export const DEFAULT_TAP_BUFFER_MS = 1000;

/** A payload decoder (undefined: not audio we decode, e.g. telephone-event or CN). */
export type PayloadDecoder = (payloadType: number, payload: Buffer) => Int16Array | undefined;

/**
 * The G.711 decoder for a stream's negotiated formats: the static payload types 0 (PCMU) and 8
 * (PCMA), and any dynamic one the formats name PCMU or PCMA. Undefined when the formats name no
 * G.711 at all (the stream cannot be tapped).
 */
export function g711DecoderFor(formats: readonly Pick<RecordedCodec, 'payloadType' | 'name'>[] | undefined): { decode: PayloadDecoder; codec: string } | undefined {
  const law = new Map<number, 'PCMU' | 'PCMA'>([[G711PayloadType.PCMU, 'PCMU'], [G711PayloadType.PCMA, 'PCMA']]);
  let codec: string | undefined;
  if (formats !== undefined && formats.length > 0) {
    law.clear();
    for (const f of formats) {
      const name = f.name.toUpperCase();
      if (name !== 'PCMU' && name !== 'PCMA') continue;
      law.set(f.payloadType, name);
      codec ??= name;
    }
    if (codec === undefined) return undefined;
  }
  const decode: PayloadDecoder = (pt, payload) => {
    const l = law.get(pt);
    return l === 'PCMU' ? decodeUlaw(payload) : l === 'PCMA' ? decodeAlaw(payload) : undefined;
  };
  return { decode, codec: codec ?? 'PCMU' };
}

/** Options of {@link PcmTap}. */
export interface PcmTapOptions {
  /** The stream's label. */
  streamLabel: string;
  /** Who sends it. */
  participant: AudioTapParticipant | undefined;
  /** Encoding name. */
  codec: string;
  /** Payload decoder (see {@link g711DecoderFor}). */
  decode: PayloadDecoder;
  /** RTP clock rate = sample rate (default 8000). */
  sampleRate?: number;
  /** Most audio buffered for the consumer, ms (default {@link DEFAULT_TAP_BUFFER_MS}). */
  bufferMs?: number;
  /** Longest gap pushed as zeros, ms (default 200); longer gaps push nothing. */
  maxFillMs?: number;
  /** Packets held back for reordering (default 2). */
  reorderPackets?: number;
}

/** One tap: feed it RTP with {@link packet}, end it with {@link end}; the app reads {@link pcm}. */
export class PcmTap implements AudioTap {
  readonly streamLabel: string;
  readonly participant: AudioTapParticipant | undefined;
  readonly codec: string;
  readonly sampleRate: number;
  readonly channels = 1 as const;
  readonly pcm: Readable;
  readonly done: Promise<AudioTapSummary>;
  private framesOut = 0;
  private samplesOut = 0;
  private dropped = 0;
  private droppedSamplesCount = 0;
  /** push() said the buffer is full: drop until the consumer reads (`_read`). */
  private full = false;
  private finished = false;
  private resolveDone: (s: AudioTapSummary) => void = () => undefined;
  private readonly receiver: RtpPcmReceiver;
  private readonly maxFill: number;

  /** @param opts - see {@link PcmTapOptions} */
  constructor(opts: PcmTapOptions) {
    this.streamLabel = opts.streamLabel;
    this.participant = opts.participant;
    this.codec = opts.codec;
    this.sampleRate = opts.sampleRate ?? 8000;
    this.maxFill = Math.round(((opts.maxFillMs ?? 200) * this.sampleRate) / 1000);
    const bytes = Math.max(2, Math.round(((opts.bufferMs ?? DEFAULT_TAP_BUFFER_MS) * this.sampleRate * 2) / 1000));
    this.pcm = new Readable({ highWaterMark: bytes, read: () => { this.full = false; } });
    this.done = new Promise((r) => { this.resolveDone = r; });
    const sink: PcmSink = {
      writeSamples: (pcm) => this.deliver(pcm),
      writeSilence: (frames) => { if (frames <= this.maxFill) this.deliver(new Int16Array(frames)); },
    };
    this.receiver = new RtpPcmReceiver(sink, { clockRate: this.sampleRate, wallClock: false, reorderPackets: opts.reorderPackets ?? 2, decode: opts.decode });
  }

  /** Frames pushed to `pcm` so far. */
  get frames(): number {
    return this.framesOut;
  }

  /** Frames dropped so far. */
  get droppedFrames(): number {
    return this.dropped;
  }

  /** True once ended. */
  get ended(): boolean {
    return this.finished;
  }

  /** The counts now. */
  summary(): AudioTapSummary {
    return { streamLabel: this.streamLabel, frames: this.framesOut, droppedFrames: this.dropped, samples: this.samplesOut, droppedSamples: this.droppedSamplesCount };
  }

  /** Feeds one RTP packet (parsed or wire form); malformed ones and undecodable payload types are ignored. */
  packet(p: RtpPacket | Uint8Array): void {
    if (this.finished) return;
    let pkt: RtpPacket;
    try {
      pkt = p instanceof Uint8Array ? parseRtp(p) : p;
    } catch {
      return;
    }
    this.receiver.push(pkt, 0);
  }

  /** Ends the tap: what is held for reordering goes out, then the end of `pcm`. Idempotent. Returns the final counts. */
  end(): AudioTapSummary {
    if (!this.finished) {
      this.receiver.flush();
      this.finished = true;
      if (!this.pcm.destroyed) this.pcm.push(null);
      this.resolveDone(this.summary());
    }
    return this.summary();
  }

  private deliver(pcm: Int16Array): void {
    if (pcm.length === 0) return;
    if (this.full || this.pcm.destroyed) {
      this.dropped++;
      this.droppedSamplesCount += pcm.length;
      return;
    }
    this.framesOut++;
    this.samplesOut += pcm.length;
    // A copy: the receiver may hand out views of arrays it keeps (loss concealment).
    if (!this.pcm.push(Buffer.from(pcmToWavBytes(pcm)))) this.full = true;
  }
}
