/**
 * RIFF/WAVE PCM headers: build the canonical 44-byte header, and read the
 * format and data chunk of an existing file (skipping other chunks).
 */
import { endianness } from 'node:os';
import { MediaError, MediaErrorCode } from './errors.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * The WAV data bytes of 16-bit samples (interleaved when multi-channel). WAV is little-endian: on
 * a little-endian machine this is a view of the samples' own bytes (not a copy), else a new buffer.
 * Not part of the public API (not exported from lib/index.ts); kept in the published .d.ts because other declarations name it.
 */
export function pcmToWavBytes(pcm: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const buf = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) buf.writeInt16LE(pcm[i], i * 2);
  return buf;
}

/** Format of a PCM WAV file. */
export interface WavFormat {
  /** Samples per second (default 8000). */
  sampleRate: number;
  /** Interleaved channels (default 1). */
  channels: number;
  /** Bits per sample (16). */
  bitsPerSample: number;
}

/** Size of the canonical header this module writes. */
export const WAV_HEADER_BYTES = 44;

/** Size field value written while a file is being recorded ("unknown yet"). */
export const WAV_SIZE_PLACEHOLDER = 0xffffffff;

/** Largest data chunk a RIFF file can describe. */
export const WAV_MAX_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

/** Builds a 44-byte PCM header; `dataBytes` undefined writes the placeholders. */
export function buildWavHeader(f: WavFormat, dataBytes?: number): Buffer {
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = f.channels * (f.bitsPerSample / 8);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(dataBytes === undefined ? WAV_SIZE_PLACEHOLDER : 36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // WAVE_FORMAT_PCM
  h.writeUInt16LE(f.channels, 22);
  h.writeUInt32LE(f.sampleRate, 24);
  h.writeUInt32LE(f.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(f.bitsPerSample, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes === undefined ? WAV_SIZE_PLACEHOLDER : dataBytes, 40);
  return h;
}

/** Where the chunks of a WAV file are, as read from its first bytes. */
export interface WavLayout extends WavFormat {
  /** RIFF size field as written. */
  riffSize: number;
  /** Offset of the data chunk's size field. */
  dataSizeOffset: number;
  /** Offset of the first data byte. */
  dataOffset: number;
  /** data chunk size field as written. */
  declaredDataBytes: number;
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Buffer;

/**
 * Walks the RIFF chunks (skipping LIST and any other chunk, whatever its
 * size) up to the data chunk. Throws MediaError(BadWav).
 */
export function readWavLayoutFrom(read: ReadAt): WavLayout {
  const head = read(0, 12);
  if (head.length < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') {
    throw new MediaError(MediaErrorCode.BadWav, 'not a RIFF/WAVE file');
  }
  let at = 12;
  let fmt: WavFormat | undefined;
  for (;;) {
    const ch = read(at, 8);
    if (ch.length < 8) throw new MediaError(MediaErrorCode.BadWav, 'WAV data chunk not found');
    const id = ch.toString('ascii', 0, 4);
    const size = ch.readUInt32LE(4);
    if (id === 'fmt ') {
      const f = read(at + 8, 16);
      if (f.length < 16 || f.readUInt16LE(0) !== 1) throw new MediaError(MediaErrorCode.BadWav, 'WAV format is not PCM');
      fmt = { channels: f.readUInt16LE(2), sampleRate: f.readUInt32LE(4), bitsPerSample: f.readUInt16LE(14) };
    } else if (id === 'data') {
      if (!fmt) throw new MediaError(MediaErrorCode.BadWav, 'WAV data chunk before fmt chunk');
      return { ...fmt, riffSize: head.readUInt32LE(4), dataSizeOffset: at + 4, dataOffset: at + 8, declaredDataBytes: size };
    }
    at += 8 + size + (size & 1);
  }
}

/** Reads the layout from a buffer holding (the start of) a file. Throws MediaError(BadWav). */
export function readWavLayout(head: Buffer): WavLayout {
  return readWavLayoutFrom((pos, len) => head.subarray(pos, pos + len));
}
