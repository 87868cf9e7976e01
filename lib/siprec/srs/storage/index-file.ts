/**
 * index.json of a recording: what ties participants to streams, with start/stop times and packet
 * counts. Written atomically (write a temp file, fsync, rename over, fsync the directory), so a
 * reader or a crash only ever sees a whole old or a whole new index. The SRS writes it with
 * {@link writeIndexQueued}: off the event loop, one index write at a time across all recordings,
 * so the checkpoints of many recordings are staggered rather than fsynced all at once.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { dirSyncs } from './group-sync.js';
import type { SrsEndReason } from '../../../../include-types/siprec.js';

/** Name of the index file in a recording directory. */
export const INDEX_FILE = 'index.json';

/** State of a recording on disk. */
export const RecordingState = {
  /** Being written; if no process is writing it any more, it is partial. */
  Recording: 'recording',
  /** Closed cleanly: every file final. */
  Complete: 'complete',
  /**
   * Left by a crash and recovered, or ended early by the SRS to keep what it had (the disk ran
   * low: `endReason` `limit`, `endDetail` says so): files readable, the end of the call is missing.
   */
  Partial: 'partial',
  /**
   * Ended by the SRS because the session could not be set up (e.g. the ACK of an offer-less
   * INVITE carried no usable SDP answer); `endDetail` says why. Files are closed and readable.
   */
  Failed: 'failed',
} as const;
/** One of the {@link RecordingState} values. */
export type RecordingState = (typeof RecordingState)[keyof typeof RecordingState];

/** One recorded stream in the index. */
export interface IndexStream {
  /** RS a=label. */
  label: string;
  /** metadata stream_id, once known. */
  streamId?: string;
  /**
   * metadata session_id of the CS whose media this file holds (cs-streams.ts): a persistent RS
   * (RFC 7866 §10) has one file per label and CS. Absent while no CS uses the label.
   */
  sessionId?: string;
  /** Main file within the directory: the WAV (G.711), the rtpdump (other RTP) or the MSRP message log. */
  file: string;
  /**
   * Encoding received (PCMU, PCMA; else the first format answered, e.g. H264, t140; MSRP for
   * messages); `unknown` in an index recovery rebuilt from the files (rebuild-index.ts).
   */
  codec: string;
  /** Media kind (absent in indexes written before it existed: audio). */
  kind?: 'audio' | 'video' | 'text' | 'message';
  /** How `file` is stored (absent: wav). */
  format?: 'wav' | 'rtpdump' | 't140' | 'msrp';
  /** Every payload format answered for the stream. */
  formats?: { payloadType: number; name: string; clockRate: number }[];
  /** Every file of the stream, `file` first (an RTT stream: rtpdump and transcript). */
  files?: string[];
  /** UTF-8 transcript of an RTT stream. */
  transcript?: string;
  /** RTCP packets kept in the rtpdump. */
  rtcpPackets?: number;
  /** Payload bytes stored (RTP packets in the dump, or MSRP bodies). */
  bytes?: number;
  /** RTT: bytes of text in the transcript. */
  textBytes?: number;
  /** RTT: T140blocks written. */
  textBlocks?: number;
  /** RTT: blocks recovered from red redundancy (their packet was lost). */
  recoveredBlocks?: number;
  /** MSRP: messages stored. */
  messages?: number;
  /** RTP payload type; -1 when not known (a WAV stream of an index rebuilt from the files). */
  payloadType: number;
  /** RTP packets received (MSRP: messages). */
  packets: number;
  /**
   * Datagrams (RTP and RTCP) received but not stored: beyond `maxRtpPacketsPerSecondPerStream`,
   * or beyond the buffer kept before the SRC's answer opened the files. Absent when none.
   */
  droppedPackets?: number;
  /**
   * WAV: audio bytes received but not written because the disk could not keep up (the write
   * queue was full); the file holds silence in their place, so the timeline is kept. Absent when none.
   */
  droppedBytes?: number;
  /**
   * rtpdump / message log: records (packets, messages) received but not written because the disk
   * could not keep up (the write queue was full). Absent when none.
   */
  droppedRecords?: number;
  /**
   * Received as SRTP (RFC 3711, SDES keys): the suite, and packets (RTP + RTCP) refused before
   * storing — tag mismatch (`authFailures`), replayed or too old (`replays`), too short or a
   * foreign MKI (`malformed`). Absent for plain RTP.
   */
  srtp?: { suite: string; authFailures: number; replays: number; malformed: number };
  /** When the stream was opened (ISO). */
  startedAt: string;
  /** When it was closed (ISO). */
  stoppedAt?: string;
  /** Seconds of audio in the WAV (timeline incl. silence); first to last packet for a dump. */
  durationSeconds: number;
  /** participant_ids sending on this stream. */
  senders: string[];
  /** participant_ids receiving it. */
  receivers: string[];
}

/** The recording's stereo WAV (`SrsSettings.stereoWav`), one party per channel. */
export interface IndexStereo {
  /** The file, in the recording directory (`stereo.wav`). */
  file: string;
  /** Label of the stream on the left channel (the first participant's in the metadata). */
  left?: string;
  /** Label of the stream on the right channel. */
  right?: string;
  /** Seconds of audio (final once the recording is complete). */
  durationSeconds: number;
}

/** One participant in the index. */
export interface IndexParticipant {
  /** metadata participant_id. */
  participantId: string;
  /** AORs of its nameIDs. */
  aors: string[];
  /** Display names. */
  names: string[];
  /** Labels of the streams it sends. */
  sends: string[];
  /** Labels of the streams it receives. */
  receives: string[];
  /** session_id of the CS it is associated with (the first, if several). */
  sessionId?: string;
  /** associate-time of its session association, if any. */
  joinedAt?: string;
  /** disassociate-time, if any. */
  leftAt?: string;
}

/** One communication session (CS) the recording carried (metadata `session`; cs-streams.ts). */
export interface IndexSession {
  /** metadata session_id. */
  sessionId: string;
  /** CS Call-IDs (tsip extension). */
  callIds: string[];
  /** True while associated with the RS (no disassociate-time, no stop-time). */
  associated: boolean;
  /** `start-time` / `stop-time` of the CS, as the SRC wrote them. */
  startTime?: string;
  stopTime?: string;
  /** sessionrecordingassoc associate-time / disassociate-time, as the SRC wrote them. */
  associatedAt?: string;
  disassociatedAt?: string;
  /** participant_ids associated with the CS. */
  participants: string[];
  /** RS labels its stream elements use. */
  labels: string[];
  /** Stream files holding its media (`streams[].file` of the entries with its sessionId). */
  files: string[];
}

/** A pause of the whole recording (a=inactive). */
export interface IndexPause {
  /** When it began (ISO). */
  from: string;
  /** When recording resumed (ISO), if it did. */
  to?: string;
}

/** The whole index. */
export interface RecordingIndex {
  /** Format version. */
  version: 1;
  /** RS Call-ID. */
  recordingId: string;
  /** CS Call-IDs found in the metadata (tsip extension) or given by the SRC. */
  callIds: string[];
  /** metadata session_ids. */
  sessionIds: string[];
  /** The CSs with their times and files (absent before any metadata). */
  sessions?: IndexSession[];
  /** State. */
  state: RecordingState;
  /** Start (ISO). */
  startedAt: string;
  /** Stop (ISO), once stopped. */
  stoppedAt?: string;
  /** Why it stopped: a value to switch on (see {@link SrsEndReason}). */
  endReason?: SrsEndReason;
  /**
   * Why it stopped, for people: the SRS's words (which limit, what failed) or the text of the
   * Reason header of the SRC's BYE. Never to switch on.
   */
  endDetail?: string;
  /** The SRC's address. */
  source?: string;
  /** Streams. */
  streams: IndexStream[];
  /** Participants. */
  participants: IndexParticipant[];
  /** The stereo WAV, when the SRS writes one (`SrsSettings.stereoWav`). */
  stereo?: IndexStereo;
  /** Metadata files in order received (initial first). */
  metadataFiles: string[];
  /** Pauses. */
  pauses: IndexPause[];
  /** Bumped on every write. */
  revision: number;
  /** pid of the process writing it (a `recording` index whose writer is gone is partial). */
  writerPid?: number;
}

let tmpCounter = 0;

/**
 * Writes the index atomically (temp file, fsync, rename, directory fsync). `fsync: false` leaves
 * out both fsyncs: still atomic and safe against a killed process (the kernel has it), durable
 * against a power cut only once a later write fsyncs.
 */
export function writeIndexAtomic(dir: string, index: RecordingIndex, opts: { fsync?: boolean } = {}): void {
  const tmp = join(dir, `.${INDEX_FILE}.${process.pid}.${++tmpCounter}.tmp`);
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, JSON.stringify(index, null, 2) + '\n');
    if (opts.fsync !== false) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, INDEX_FILE));
  if (opts.fsync === false) return;
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/**
 * Writes index JSON atomically without blocking: temp file, fsync, rename, directory fsync
 * (`fsync: false` leaves out both fsyncs, as {@link writeIndexAtomic} does). The directory
 * fsync is group-committed (group-sync.ts): index writes of one directory that land while its
 * fsync runs share the next one.
 */
async function writeIndexTextAsync(dir: string, text: string, fsync = true): Promise<void> {
  const tmp = join(dir, `.${INDEX_FILE}.${process.pid}.${++tmpCounter}.tmp`);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(text);
    if (fsync) await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, INDEX_FILE));
  if (fsync) await dirSyncs.sync(dir);
}

/** Index writes waiting for their turn (one at a time across every recording of the process). */
const indexQueue: (() => void)[] = [];
/** Urgent ones (a set-up waits for them before its 200 OK): they go before {@link indexQueue}. */
const urgentQueue: (() => void)[] = [];
/** Index writes in flight. */
let indexWriting = 0;
/**
 * Urgent index writes in flight at once: the group commit of a burst of set-ups. fsyncs issued
 * together are committed together by a journalling file system (ext4's jbd2, xfs's log): on this
 * project's test machine (ext4, 2 cores) 3 concurrent writers made 460 fsyncs/s, 16 made 800/s.
 * The threadpool runs 4 file-system calls at a time whatever the number: a media write waits
 * behind at most this many set-up steps (each a few ms), which its bounded queue absorbs
 * (queued-file.ts: 1 MiB, over a minute of G.711). Periodic ones go one at a time.
 */
const URGENT_INDEX_WRITES = 16;

/** Options of {@link writeIndexQueued}. */
export interface IndexWriteOptions {
  /**
   * A SIP response waits for this write (a set-up's 200 OK needs the index durable; a BYE's 200
   * needs the final index in place): it goes before every periodic checkpoint still waiting,
   * and up to {@link URGENT_INDEX_WRITES} run at once.
   */
  urgent?: boolean;
  /**
   * false: no fsync (atomic and safe against a killed process, durable against a power cut only
   * once a later write fsyncs; `SrsSettings.storage.durability` `none`). Default true.
   */
  fsync?: boolean;
}

/** Starts what may run now: urgent writes first, a periodic one only when nothing is in flight. */
function startIndexWrites(): void {
  while (indexWriting < URGENT_INDEX_WRITES && urgentQueue.length > 0) urgentQueue.shift()!();
  if (indexWriting === 0) indexQueue.shift()?.();
}

/** What a queued index write writes, decided when it starts (see {@link queueIndexWrite}). */
export interface IndexWriteContent {
  /** The index as it stands then ({@link indexText}). */
  text: string;
  /** false: no fsync (see {@link IndexWriteOptions.fsync}). */
  fsync: boolean;
}

/** index.json's text for `index`. */
export function indexText(index: RecordingIndex): string {
  return JSON.stringify(index, null, 2) + '\n';
}

/** An index write waiting for its turn or running (see {@link queueIndexWrite}). */
export interface QueuedIndexWrite {
  /** Resolves once renamed in place (and fsynced, unless its content said not to). */
  readonly done: Promise<void>;
  /** Still waiting behind periodic ones: moves it to the urgent writes. */
  promote(): void;
}

/**
 * Queues an index write of `dir` whose content is taken when its turn comes (`content`, which
 * may wait for the files the index will name): so one write carries every change made while it
 * waited, and the caller can {@link QueuedIndexWrite.promote} it to urgent (a set-up's durable()
 * arriving while its first checkpoint still waits behind periodic ones: the burst's set-ups then
 * never queue one at a time). Otherwise as {@link writeIndexQueued}.
 */
export function queueIndexWrite(dir: string, content: () => Promise<IndexWriteContent>, urgent = false): QueuedIndexWrite {
  let run!: () => void;
  let started = false;
  const done = new Promise<void>((resolve, reject) => {
    run = (): void => {
      started = true;
      indexWriting++;
      content()
        .then((c) => writeIndexTextAsync(dir, c.text, c.fsync))
        .then(resolve, reject)
        .finally(() => {
          indexWriting--;
          startIndexWrites();
        });
    };
  });
  let isUrgent = urgent;
  (isUrgent ? urgentQueue : indexQueue).push(run);
  startIndexWrites();
  return {
    done,
    promote: () => {
      if (started || isUrgent) return;
      const at = indexQueue.indexOf(run);
      if (at < 0) return;
      indexQueue.splice(at, 1);
      isUrgent = true;
      urgentQueue.push(run);
      startIndexWrites();
    },
  };
}

/**
 * Writes `index` as it stands now (serialized at once) atomically, off the event loop, after
 * the index writes queued before it in this process (a checkpoint of 10^3 recordings is 10^3
 * fsyncs: in turn they leave the threadpool to the media writes); an urgent write passes the
 * waiting periodic ones (see {@link IndexWriteOptions.urgent}). A recording has at most one index
 * write in flight (recording-dir.ts), so its own writes land in order. Resolves once renamed in
 * place and the directory fsynced.
 */
export function writeIndexQueued(dir: string, index: RecordingIndex, opts: IndexWriteOptions = {}): Promise<void> {
  const c = { text: indexText(index), fsync: opts.fsync !== false };
  return queueIndexWrite(dir, () => Promise.resolve(c), opts.urgent).done;
}
