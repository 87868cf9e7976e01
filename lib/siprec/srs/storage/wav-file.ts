/**
 * The SRS's WAV writer: the same file as media/wav-writer.ts (RIFF PCM 16-bit, created 'wx', a
 * header with the 0xFFFFFFFF "still recording" sizes, the real sizes written at close), but
 * written off the event loop through a {@link QueuedFile}: audio is gathered in `batchBytes`
 * batches and written asynchronously, in order, one write in flight.
 *
 * A disk that cannot keep up fills the queue (bounded by `maxQueuedBytes`); audio beyond it is
 * dropped and counted, and its place in the file is left as a hole that reads back as silence, so
 * the timeline (and the streams' alignment) is kept. A killed process leaves a file whose header
 * says "still recording": recover.ts repairs the sizes from its length (repairWav), as before;
 * what was still queued (at most about one batch when the disk keeps up) is lost.
 * @module
 */
import { buildWavHeader, MediaError, MediaErrorCode, pcmToWavBytes, WAV_MAX_DATA_BYTES, type PcmSink, type WavFormat } from '../../media/index.js';
import { QueuedFile, type QueuedFileOptions } from './queued-file.js';

const SILENCE = Buffer.alloc(16000);

/** Options of {@link QueuedWavWriter.create}. */
export interface QueuedWavWriterOptions {
  /** Default 8000. */
  sampleRate?: number;
  /** Default 1. */
  channels?: number;
  /** Write queue (see queued-file.ts); WAV default: 4 KiB batches (256 ms of 8 kHz mono), 1 MiB bound. */
  queue?: QueuedFileOptions;
}

/** Defaults of the WAV write queue. */
export const WAV_QUEUE_DEFAULTS = { batchBytes: 4096, maxQueuedBytes: 1 << 20 } as const;

/** A WAV written asynchronously; see the module comment. */
export class QueuedWavWriter implements PcmSink {
  /** Its format. */
  readonly format: WavFormat;
  private bytes = 0;

  private constructor(private readonly file: QueuedFile, format: WavFormat) {
    this.format = format;
  }

  /**
   * Creates `path` with its header, off the event loop (queued-file.ts): returns at once. When it
   * exists (recordings are never overwritten) {@link ready} rejects with MediaError FileExists and
   * `close()` with the EEXIST error.
   */
  static create(path: string, opts: QueuedWavWriterOptions = {}): QueuedWavWriter {
    const format: WavFormat = { sampleRate: opts.sampleRate ?? 8000, channels: opts.channels ?? 1, bitsPerSample: 16 };
    const file = QueuedFile.create(path, buildWavHeader(format), { ...WAV_QUEUE_DEFAULTS, ...opts.queue, holeOnDrop: true });
    return new QueuedWavWriter(file, format);
  }

  /** Resolves once the file exists with its header in the kernel. */
  ready(): Promise<void> {
    return this.file.ready().catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new MediaError(MediaErrorCode.FileExists, `${this.path} already exists; recordings are never overwritten`);
      throw e;
    });
  }

  /** The file. */
  get path(): string {
    return this.file.path;
  }

  /** Data bytes of the timeline (written, queued, or dropped and left as silence). */
  get dataBytes(): number {
    return this.bytes;
  }

  /** Seconds of audio in the timeline. */
  get durationSeconds(): number {
    return this.bytes / (2 * this.format.channels) / this.format.sampleRate;
  }

  /** Audio bytes dropped because the write queue was full (they read back as silence). */
  get droppedBytes(): number {
    return this.file.droppedBytes;
  }

  /** True until `close()`. */
  get isOpen(): boolean {
    return this.file.isOpen;
  }

  /** Queues samples (interleaved when multi-channel). Throws an earlier write's error. */
  writeSamples(pcm: Int16Array): void {
    this.append(pcmToWavBytes(pcm)); // a view of the samples on little-endian machines: the queue copies it
  }

  /**
   * Adds `frames` sample frames of silence (an RTP gap, a hold): a short gap is queued as zeros; a
   * long one (≥ 1 s), or one the queue has no room for, is left as a hole in the file, which reads
   * back as zeros (nothing to hold in memory, and it is not lost audio).
   */
  writeSilence(frames: number): void {
    const n = Math.max(0, Math.floor(frames)) * 2 * this.format.channels;
    if (!this.file.isOpen) throw new MediaError(MediaErrorCode.Closed, `${this.path} is closed`);
    this.checkRoom(n);
    if (n === 0) return;
    if (n < SILENCE.length && this.file.fits(n)) this.file.append(SILENCE.subarray(0, n));
    else this.file.skip(n);
    this.bytes += n;
  }

  /** Starts writing what is queued (a checkpoint). Throws an earlier write's error. */
  flush(): void {
    this.file.flush();
  }

  /** Writes what is queued, then the real sizes; fsyncs and closes. Idempotent. */
  close(): Promise<void> {
    return this.file.close({ at: 0, data: buildWavHeader(this.format, this.bytes) });
  }

  private checkRoom(n: number): void {
    if (this.file.isOpen && this.bytes + n > WAV_MAX_DATA_BYTES) {
      // Refuse up front rather than write gigabytes and fail half-way.
      throw new MediaError(MediaErrorCode.WavTooLarge, `${this.path} would pass the 4 GiB RIFF limit`);
    }
  }

  private append(buf: Buffer): void {
    if (!this.file.isOpen) throw new MediaError(MediaErrorCode.Closed, `${this.path} is closed`);
    this.checkRoom(buf.length);
    this.file.append(buf); // a drop leaves a hole: the timeline stays whole
    this.bytes += buf.length;
  }
}
