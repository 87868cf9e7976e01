/**
 * What a recording directory is opened with (recording-dir.ts): its options, stream specs and
 * counters, and the small file helpers it uses (names, a new file written off the loop).
 */
import { open } from 'node:fs/promises';
import type { RecordedCodec, RecordedMediaKind } from '../../../../include-types/siprec.js';
import type { SinkQueue, SinkSrtp } from './stream-sinks.js';

/** Options of {@link RecordingDir.create}. */
export interface CreateRecordingOptions {
  /** Root directory of all recordings (created if missing). */
  root: string;
  /** RS Call-ID. */
  recordingId: string;
  /** The SRC's address, for the index. */
  source?: string;
  /** Clock (default Date.now). */
  now?: () => number;
  /** Write queue bounds of every stream file (`SrsSettings.storage`); absent: the defaults. */
  queue?: SinkQueue;
}


/** A stream to open (see {@link RecordingDir.openMediaStream}). */
export interface MediaStreamSpec {
  /** RS a=label. */
  label: string;
  /** Media kind. */
  kind: RecordedMediaKind;
  /** How it is stored. */
  store: 'wav' | 'rtpdump' | 't140' | 'msrp';
  /** Encoding name (the main one). */
  codec: string;
  /** Main payload type (-1 for MSRP). */
  payloadType: number;
  /** Every format answered. */
  formats?: readonly RecordedCodec[];
  /** t140 / red payload types of an RTT stream. */
  t140?: { t140: number; red?: number };
  /** Address and port named in an rtpdump's first line (where the SRS receives it). */
  source?: { address: string; port: number };
  /** Received as SRTP: suite and counters for the index (see stream-sinks.ts). */
  srtp?: SinkSrtp;
}

/** See {@link RecordingDir.counters}. */
export interface RecordingCounters {
  /** Files created. */
  files: number;
  /** Bytes stored in media and metadata files. */
  bytes: number;
  /** RTP packets lost (WAV streams). */
  lost: number;
  /** RTP packets late (WAV streams). */
  late: number;
  /** Datagrams received but not stored. */
  dropped: number;
}

/** Characters kept in file and directory names; anything else becomes '_'. */
export function safeName(s: string, max = 64): string {
  const out = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, max);
  return out === '' ? '_' : out;
}

/** Creates `path` ('wx': never overwrites) holding `data`, fsynced; off the event loop. */
export async function writeNewFile(path: string, data: Buffer): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A directory name's time stamp: `YYYYMMDDTHHMMSSZ`. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
