/**
 * What a recording directory is opened with (recording-dir.ts): its options, stream specs and
 * counters, and the small file helpers it uses (names, a new file written off the loop).
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
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
  /** `SrsSettings.storage`: write queue bounds of every file and the set-up's durability; absent: the defaults. */
  queue?: RecordingStorage;
}

/** What `SrsSettings.storage` says to a recording (see {@link CreateRecordingOptions.queue}). */
export interface RecordingStorage extends SinkQueue {
  /**
   * `fsync` (default): {@link RecordingDir.durable} resolves once the set-up is on disk (fsynced);
   * `none`: once it is in the kernel (atomic, safe against a killed process, not a power cut).
   */
  durability?: 'fsync' | 'none';
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

/**
 * Creates `path` ('wx': never overwrites) holding `data`, off the event loop, in two steps:
 * `written` resolves once the file exists with `data` in the kernel (what an index naming it
 * needs against a killed process), `synced` once it is also fsynced and closed (what the set-up's
 * 200 needs against a power cut). `synced` rejects with any error, `written` with the create's or
 * write's.
 */
export function writeNewFileSteps(path: string, data: Buffer): { written: Promise<void>; synced: Promise<void> } {
  const opened = open(path, 'wx');
  const written = opened.then((fh) => fh.writeFile(data));
  const synced = (async () => {
    const fh = await opened;
    try {
      await written;
      await fh.sync();
    } finally {
      await fh.close();
    }
  })();
  written.catch(() => undefined); // reported through synced as well
  return { written, synced };
}

/** Roots made (or found) by {@link makeRecordingDir}: not asked again at every set-up. */
const knownRoots = new Set<string>();

/**
 * Creates a new directory `<root>/<base>` (`-2`, `-3` … on a clash: never an existing one), the
 * root too when missing (asked once per root, again if it went away); off the event loop.
 */
export async function makeRecordingDir(root: string, base: string): Promise<string> {
  if (!knownRoots.has(root)) {
    await mkdir(root, { recursive: true });
    knownRoots.add(root);
  }
  let rootMade = false;
  for (let n = 1; ; n++) {
    const dir = join(root, n === 1 ? base : `${base}-${n}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !rootMade) {
        await mkdir(root, { recursive: true }); // the root was removed meanwhile
        rootMade = true;
        n--;
        continue;
      }
      if (code !== 'EEXIST' || n > 1000) throw e;
    }
  }
}

/** A directory name's time stamp: `YYYYMMDDTHHMMSSZ`. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}
