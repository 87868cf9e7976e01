/**
 * Crash-safe WAV (RIFF PCM 16-bit) writer for recordings.
 *
 * - `WavWriter.create` opens a NEW file ('wx': never overwrites) and writes a
 *   header whose sizes are the 0xFFFFFFFF "still recording" placeholders.
 * - Samples are appended with synchronous writes as they arrive, so every
 *   write call that returned is in the file even if the process dies next
 *   (unless `bufferBytes` trades a bounded loss for fewer system calls).
 * - `close()` rewrites the RIFF and data sizes and fsyncs.
 * - A file left by a crash (never closed) keeps all written audio: tools
 *   that read to EOF play it as is; `repairWav` fixes the sizes from the file
 *   length; `readWavInfo` reports `complete: false` until then.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { MediaError, MediaErrorCode } from './errors.js';
import {
  buildWavHeader, pcmToWavBytes, readWavLayoutFrom, WAV_HEADER_BYTES, WAV_MAX_DATA_BYTES, WAV_SIZE_PLACEHOLDER, type WavFormat,
} from './wav-format.js';

export type { WavFormat } from './wav-format.js';

/** Options of {@link WavWriter.create}. */
export interface WavWriterOptions {
  /** Default 8000. */
  sampleRate?: number;
  /** Default 1. */
  channels?: number;
  /** Also rewrite the header sizes every this many data bytes (0 = only on close; default 0). */
  headerUpdateBytes?: number;
  /**
   * Gather up to this many bytes in memory before writing (fewer system
   * calls for many concurrent recordings). A process crash loses at most
   * this much audio; `flush()` and `close()` write it out. Default 0:
   * every write call goes straight to the file.
   */
  bufferBytes?: number;
}

/** What `readWavInfo` reports about a file. */
export interface WavInfo {
  /** Samples per second. */
  sampleRate: number;
  /** Channels. */
  channels: number;
  /** Bits per sample. */
  bitsPerSample: number;
  /** Whole sample frames' worth of data bytes present in the file. */
  dataBytes: number;
  /** dataBytes as playing time. */
  durationSeconds: number;
  /** True when the header sizes match the file length (closed cleanly or repaired). */
  complete: boolean;
}

const SILENCE_CHUNK = Buffer.alloc(16000);

/** Appends PCM to a new WAV file; see the module comment for crash safety. */
export class WavWriter {
  /** The file being written. */
  readonly path: string;
  /** Its format. */
  readonly format: WavFormat;
  private fd: number | undefined;
  private bytes = 0;
  private sinceHeader = 0;
  private readonly headerUpdateBytes: number;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly bufferBytes: number;

  private constructor(path: string, fd: number, format: WavFormat, opts: WavWriterOptions) {
    this.path = path;
    this.fd = fd;
    this.format = format;
    this.headerUpdateBytes = opts.headerUpdateBytes ?? 0;
    this.bufferBytes = opts.bufferBytes ?? 0;
  }

  /** Creates `path` (which must not exist: MediaError FileExists) and writes the header. */
  static create(path: string, opts: WavWriterOptions = {}): WavWriter {
    const format: WavFormat = { sampleRate: opts.sampleRate ?? 8000, channels: opts.channels ?? 1, bitsPerSample: 16 };
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new MediaError(MediaErrorCode.FileExists, `${path} already exists; recordings are never overwritten`);
      }
      throw e;
    }
    writeSync(fd, buildWavHeader(format));
    return new WavWriter(path, fd, format, opts);
  }

  /** Data bytes written so far. */
  get dataBytes(): number {
    return this.bytes;
  }

  /** Sample frames written so far. */
  get frames(): number {
    return this.bytes / (2 * this.format.channels);
  }

  /** Seconds of audio written so far. */
  get durationSeconds(): number {
    return this.frames / this.format.sampleRate;
  }

  /** True until `close()`. */
  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** Appends samples (interleaved when multi-channel); durable against a process crash on return. */
  writeSamples(pcm: Int16Array): void {
    this.append(pcmToWavBytes(pcm));
  }

  /** Appends `frames` sample frames of silence (an RTP gap, a hold). */
  writeSilence(frames: number): void {
    let left = Math.max(0, Math.floor(frames)) * 2 * this.format.channels;
    if (this.fd !== undefined && this.bytes + left > WAV_MAX_DATA_BYTES) {
      // Refuse up front rather than write gigabytes and fail half-way.
      throw new MediaError(MediaErrorCode.WavTooLarge, `${this.path} would pass the 4 GiB RIFF limit`);
    }
    while (left > 0) {
      const n = Math.min(left, SILENCE_CHUNK.length);
      this.append(SILENCE_CHUNK.subarray(0, n));
      left -= n;
    }
  }

  /** Async form of {@link writeSamples}, for callers that prefer awaiting. */
  async write(pcm: Int16Array): Promise<void> {
    this.writeSamples(pcm);
  }

  /** Writes out audio gathered by `bufferBytes`. */
  flush(): void {
    if (this.fd === undefined || this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    const at = WAV_HEADER_BYTES + this.bytes - this.pendingBytes;
    this.pending.length = 0;
    this.pendingBytes = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, at + off);
    if (this.headerUpdateBytes > 0 && this.sinceHeader >= this.headerUpdateBytes) this.writeSizes();
  }

  /** Writes pending audio, rewrites the sizes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    this.writeSizes();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private append(buf: Buffer): void {
    if (this.fd === undefined) throw new MediaError(MediaErrorCode.Closed, `${this.path} is closed`);
    if (this.bytes + buf.length > WAV_MAX_DATA_BYTES) {
      throw new MediaError(MediaErrorCode.WavTooLarge, `${this.path} would pass the 4 GiB RIFF limit`);
    }
    // Copy: callers may reuse their buffers (and SILENCE_CHUNK is shared).
    this.pending.push(this.bufferBytes > 0 ? Buffer.from(buf) : buf);
    this.pendingBytes += buf.length;
    this.bytes += buf.length;
    this.sinceHeader += buf.length;
    if (this.pendingBytes > this.bufferBytes) this.flush();
  }

  private writeSizes(): void {
    if (this.fd === undefined) return;
    this.sinceHeader = 0;
    // Sizes describe only what is in the file, never audio still in memory.
    writeSync(this.fd, buildWavHeader(this.format, this.bytes - this.pendingBytes), 0, WAV_HEADER_BYTES, 0);
  }
}

function inspect(fd: number): { info: WavInfo; dataSizeOffset: number; dataOffset: number; fileBytes: number } {
  const layout = readWavLayoutFrom((pos, len) => {
    const b = Buffer.alloc(len);
    return b.subarray(0, readSync(fd, b, 0, len, pos));
  });
  const fileBytes = fstatSync(fd).size;
  const blockAlign = layout.channels * (layout.bitsPerSample / 8);
  const onDisk = Math.max(0, fileBytes - layout.dataOffset);
  const usable = blockAlign > 0 ? onDisk - (onDisk % blockAlign) : onDisk;
  // Complete = sizes written and consistent with the length (extra chunks after data allowed).
  const complete = layout.riffSize === fileBytes - 8 && layout.declaredDataBytes <= onDisk &&
    layout.declaredDataBytes !== WAV_SIZE_PLACEHOLDER;
  const dataBytes = complete ? layout.declaredDataBytes : usable;
  const rate = layout.sampleRate * blockAlign;
  return {
    info: {
      sampleRate: layout.sampleRate, channels: layout.channels, bitsPerSample: layout.bitsPerSample,
      dataBytes, durationSeconds: rate > 0 ? dataBytes / rate : 0, complete,
    },
    dataSizeOffset: layout.dataSizeOffset,
    dataOffset: layout.dataOffset,
    fileBytes,
  };
}

/** Reads a WAV file's format and how much audio it really holds. Throws MediaError(BadWav). */
export function readWavInfo(path: string): WavInfo {
  const fd = openSync(path, 'r');
  try {
    return inspect(fd).info;
  } finally {
    closeSync(fd);
  }
}

/**
 * Fixes the RIFF and data sizes of a WAV file left by a crash, from its length
 * (a trailing partial sample frame is cut off). Returns the repaired info.
 * A file that is already complete is left untouched.
 */
export function repairWav(path: string): WavInfo {
  const fd = openSync(path, 'r+');
  try {
    const { info, dataSizeOffset, dataOffset, fileBytes } = inspect(fd);
    if (info.complete) return info;
    if (dataOffset + info.dataBytes < fileBytes) ftruncateSync(fd, dataOffset + info.dataBytes);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(dataOffset + info.dataBytes - 8);
    writeSync(fd, size, 0, 4, 4);
    size.writeUInt32LE(info.dataBytes);
    writeSync(fd, size, 0, 4, dataSizeOffset);
    fsyncSync(fd);
    return inspect(fd).info;
  } finally {
    closeSync(fd);
  }
}
