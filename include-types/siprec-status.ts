/**
 * SIPREC contract, the SRS status page (`srsStatusRoutes`): its options and the shape of
 * `/recordings.json`, which carries the same data the HTML page shows. Types only; `siprec.ts`
 * re-exports it.
 */
import type { RecordedMediaKind } from './siprec-common.js';
import type { SrsEndReason } from './siprec-srs.js';

/** Options of `srsStatusRoutes(srs, options)`. Every limit is configurable. */
export interface SrsStatusOptions {
  /** Directory the finished recordings are read from (default the Srs's `settings.dir`). */
  dir?: string;
  /** Finished recordings per page, newest first (default 100; 1..1000). */
  pageSize?: number;
  /**
   * How long one listing of the recordings directory is reused, ms (default 2000; 0 = list on
   * every request). Indexes are cached separately, keyed by their file's size and mtime.
   */
  listCacheMs?: number;
  /** Most recording indexes kept in memory (default 2000; at least `pageSize`). */
  indexCacheEntries?: number;
  /** Path the routes are mounted under, e.g. `/srs` (default: the root). Letters, digits, `.`, `_`, `-` per segment. */
  basePath?: string;
  /** Heading of the page (default `tsip SRS`). */
  title?: string;
  /** Clock (default `Date.now`), for live durations. */
  now?: () => number;
}

/** `/recordings.json`: the live recordings and one page of the finished ones. */
export interface SrsStatusReport {
  /** Version of this shape. */
  version: 1;
  /** When it was made (ISO 8601, UTC). */
  generatedAt: string;
  /** Recordings the Srs is writing now, oldest first: at most a page's worth (`page.liveTotal` counts them all). */
  live: SrsStatusRecording[];
  /** Finished recordings (and those another process is writing) of this page, newest first. */
  finished: SrsStatusRecording[];
  /** Where this page is in the whole list. */
  page: SrsStatusPage;
}

/** Paging of the finished recordings (`?page=N`, 1-based). */
export interface SrsStatusPage {
  /** This page, from 1. */
  number: number;
  /** Recordings per page. */
  size: number;
  /** Pages in all (at least 1). */
  count: number;
  /** Recording directories found (not live here). */
  finishedTotal: number;
  /** Recordings live now (`live` holds the oldest `size` of them). */
  liveTotal: number;
}

/** One recording as the status page shows it. */
export interface SrsStatusRecording {
  /** Directory name of the recording under the recordings directory; its files are at `files/<key>/<name>`. */
  key: string;
  /** RS Call-ID (the recording session's own). */
  recordingId: string;
  /** Call-IDs of the recorded call(s) (CS), from the metadata or the SRC. */
  callIds: string[];
  /** `recording` while written, then `complete`, `partial` or `failed` (see `RecordingState`). */
  state: 'recording' | 'complete' | 'partial' | 'failed';
  /** Being written by this Srs now. */
  live: boolean;
  /** Paused now (live) or at its end. */
  paused: boolean;
  /** Start (ISO). */
  startedAt: string;
  /** Stop (ISO), once stopped. */
  stoppedAt?: string;
  /** Length so far (live) or in all, seconds. */
  durationSeconds: number;
  /**
   * Why it stopped: a value to switch on (`SrsEndReason`). Absent while live, and for an index
   * written before the value existed (its old free text is then the `endDetail`).
   */
  endReason?: SrsEndReason;
  /** Why it stopped, in words for people (the SRS's words, or the SRC's BYE Reason text). */
  endDetail?: string;
  /** The SRC's address. */
  source?: string;
  /** Participants of the recorded call. */
  participants: SrsStatusParticipant[];
  /** Recorded streams. */
  streams: SrsStatusStream[];
  /** Pauses of the whole recording; `to` is absent while one lasts. */
  pauses: { from: string; to?: string }[];
  /** Metadata documents as received (RFC 7865 XML), initial first. */
  metadataFiles: SrsStatusFile[];
}

/** A participant of a recorded call (RFC 7865 §6.5). */
export interface SrsStatusParticipant {
  /** metadata participant_id. */
  participantId: string;
  /** Display names. */
  names: string[];
  /** Addresses of record. */
  aors: string[];
  /** Labels of the streams it sends. */
  sends: string[];
  /** Labels of the streams it receives. */
  receives: string[];
  /** When it joined (ISO), if the metadata says. */
  joinedAt?: string;
  /** When it left (ISO), if the metadata says. */
  leftAt?: string;
}

/** A recorded stream. */
export interface SrsStatusStream {
  /** SDP a=label. */
  label: string;
  /** Media kind. */
  kind: RecordedMediaKind;
  /** How it is stored. */
  format: 'wav' | 'rtpdump' | 't140' | 'msrp';
  /** Encoding (PCMU, PCMA, H264, t140, MSRP ...). */
  codec: string;
  /** When the stream was opened (ISO). */
  startedAt: string;
  /** When it was closed (ISO). */
  stoppedAt?: string;
  /** Seconds of media (a WAV's timeline, pauses included); for a live stream, so far. */
  durationSeconds: number;
  /** RTP packets (MSRP: messages) stored. */
  packets: number;
  /** Datagrams received but not stored, when any. */
  droppedPackets?: number;
  /** participant_ids sending on it. */
  senders: string[];
  /** participant_ids receiving it. */
  receivers: string[];
  /** Its files, the main one first. */
  files: SrsStatusFile[];
}

/** A stored file, served by the same server. */
export interface SrsStatusFile {
  /** File name within the recording directory. */
  name: string;
  /** URL path to fetch it (relative to the server, basePath included). */
  url: string;
  /** Content-Type it is served with. */
  contentType: string;
  /** Size in bytes (-1 when missing). */
  bytes: number;
  /** True when a browser can play it in an `<audio>` element (a WAV). */
  playable: boolean;
}
