/**
 * The SRS's stereo WAV (`SrsSettings.stereoWav`): one `stereo.wav` per recording, one party per
 * channel (SIPREC-NOTES §3.5), beside the mono WAV of each stream.
 *
 * Each of (at most) two G.711 streams is decoded by an RtpPcmReceiver of its own on the same
 * timeline origin as the mono WAVs (the session's answer time, arrival times as the referee), so
 * the channels line up as the mono files do; media/stereo-sink.ts interleaves them into a
 * 2-channel QueuedWavWriter (written off the event loop, like every recording file).
 *
 * Left or right: the stream's place among the labels ordered by their senders in the RFC 7865
 * metadata (stream-audio.ts `labelsBySender`: the first participant's stream left, the next one's
 * right; tsip's SRC lists the caller first); a stream the metadata does not place takes the first
 * free channel, in the order the streams open (m-line order). A third stream is left out, and so
 * is a stream opened again under a label whose channel already ended.
 */
import { join } from 'node:path';
import { RtpPcmReceiver, StereoInterleaver, type RtpPacket } from '../media/index.js';
import type { IndexStereo } from './storage/index-file.js';
import type { RecordingDir } from './storage/recording-dir.js';
import { QueuedWavWriter } from './storage/wav-file.js';

/** Name of the stereo file in a recording directory. */
export const STEREO_WAV_FILE = 'stereo.wav';

/** One recording's stereo WAV; see the module comment. */
export class StereoRecording {
  private readonly writer: QueuedWavWriter;
  private readonly mix: StereoInterleaver;
  private readonly labels: [string | undefined, string | undefined] = [undefined, undefined];
  private readonly receivers = new Map<string, RtpPcmReceiver>();
  private closing: Promise<void> | undefined;

  /**
   * @param rec - the recording (the SRS's case: the file gets the write queue bounds of
   *   `SrsSettings.storage` like the mono WAVs, and no index names it before it exists), or a
   *   bare directory (default bounds); the file is created exclusively
   * @param originMs - the session's answer time: the timeline origin of both channels
   * @param sampleRate - the streams' clock rate (G.711: 8000)
   */
  constructor(rec: Pick<RecordingDir, 'createWav'> | string, private readonly originMs: number, private readonly sampleRate = 8000) {
    const format = { sampleRate, channels: 2 };
    this.writer = typeof rec === 'string' ? QueuedWavWriter.create(join(rec, STEREO_WAV_FILE), format) : rec.createWav(STEREO_WAV_FILE, format);
    this.mix = new StereoInterleaver(this.writer, { maxLagFrames: 5 * sampleRate, blockFrames: sampleRate / 5 });
  }

  /** What index.json says of it now. */
  get info(): IndexStereo {
    const [left, right] = this.labels;
    return { file: STEREO_WAV_FILE, ...(left !== undefined ? { left } : {}), ...(right !== undefined ? { right } : {}), durationSeconds: this.writer.durationSeconds };
  }

  /**
   * Puts the stream `label` on a channel: its place in `order` (0 left, 1 right) when that one is
   * free, else the first free one. Returns the feed of its packets, or undefined when it is left
   * out (both channels taken, or closing).
   */
  add(label: string, order: readonly string[]): ((pkt: RtpPacket, arrivalMs: number) => void) | undefined {
    if (this.closing || this.labels.includes(label)) return undefined;
    const wanted = order.indexOf(label);
    let ch: 0 | 1 | undefined = (wanted === 0 || wanted === 1) && this.labels[wanted] === undefined ? wanted : undefined;
    if (ch === undefined) ch = this.labels[0] === undefined ? 0 : this.labels[1] === undefined ? 1 : undefined;
    if (ch === undefined) return undefined;
    this.labels[ch] = label;
    const receiver = new RtpPcmReceiver(ch === 0 ? this.mix.left : this.mix.right, { clockRate: this.sampleRate, originMs: this.originMs });
    this.receivers.set(label, receiver);
    return (pkt, arrivalMs) => { if (!this.closing) receiver.push(pkt, arrivalMs); };
  }

  /** The stream `label` ended at `endMs`: its channel is padded with silence up to then. */
  endStream(label: string, endMs: number): void {
    const r = this.receivers.get(label);
    if (!r || this.closing) return;
    this.receivers.delete(label);
    r.finish(endMs);
  }

  /** Ends both channels at `endMs`, writes what is left and closes the file. Idempotent. */
  close(endMs: number): Promise<void> {
    if (!this.closing) {
      try {
        for (const r of this.receivers.values()) r.finish(endMs);
        this.mix.flush();
      } finally {
        // closed whatever happened (a full disk): the error of a failed write comes from close()
        this.receivers.clear();
        this.closing = this.writer.close();
      }
    }
    return this.closing;
  }
}
