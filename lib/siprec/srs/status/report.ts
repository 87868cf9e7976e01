/**
 * The status report (the data of both the HTML page and /recordings.json): the Srs's live
 * recordings from its read-only view, and one page of the finished ones from the recordings
 * directory (recording-list.ts), each turned into the documented `SrsStatusRecording` shape.
 */
import { basename, join } from 'node:path';
import { statSync } from 'node:fs';
import type {
  SrsStatusFile, SrsStatusParticipant, SrsStatusRecording, SrsStatusReport, SrsStatusStream,
} from '../../../../include-types/siprec.js';
import type { SrsLiveRecording } from '../live-recordings.js';
import { endOfIndex, type IndexStream, type RecordingIndex } from '../storage/index.js';
import { RECORDING_KEY, filesOf, type RecordingList } from './recording-list.js';
import { contentTypeOf, FILE_NAME } from './content-types.js';

/** What the report needs of an Srs (an `Srs` has both). */
export interface SrsStatusSource {
  /** Its settings; `dir` is where the recordings are. */
  readonly settings: { readonly dir: string };
  /** The recordings being written now. */
  liveRecordings(): SrsLiveRecording[];
}

/** How a report is made. */
export interface ReportContext {
  /** The recordings directory. */
  list: RecordingList;
  /** Recordings per page. */
  pageSize: number;
  /** URL prefix of the routes ('' or '/x'). */
  base: string;
  /** Clock. */
  now: () => number;
}

// index.json is read back from disk: anything in it may be missing or of another type.
const STATES = new Set(['recording', 'complete', 'partial', 'failed']);
const KINDS = new Set(['audio', 'video', 'text', 'message']);
const FORMATS = new Set(['wav', 'rtpdump', 't140', 'msrp']);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function msOf(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A stored file as a link; names that are not plain file names get none (the file route would refuse them). */
function fileOf(base: string, key: string, name: string, bytes: number): SrsStatusFile | undefined {
  if (!FILE_NAME.test(name) || !RECORDING_KEY.test(key)) return undefined;
  const contentType = contentTypeOf(name);
  return { name, url: `${base}/files/${key}/${name}`, contentType, bytes, playable: contentType === 'audio/wav' };
}

function isObject<T>(v: T): v is T & object {
  return typeof v === 'object' && v !== null;
}

function streamOf(s: IndexStream, base: string, key: string, bytes: (f: string) => number, liveUntilMs: number | undefined): SrsStatusStream {
  const names = strings(Array.isArray(s.files) ? s.files : [s.file]);
  if (typeof s.transcript === 'string' && !names.includes(s.transcript)) names.push(s.transcript);
  let duration = typeof s.durationSeconds === 'number' && Number.isFinite(s.durationSeconds) ? s.durationSeconds : 0;
  const started = msOf(typeof s.startedAt === 'string' ? s.startedAt : undefined);
  // A live WAV's own length lags by the receiver's jitter buffer: count from the stream's start.
  if (liveUntilMs !== undefined && started !== undefined && s.stoppedAt === undefined) duration = Math.max(duration, (liveUntilMs - started) / 1000);
  const out: SrsStatusStream = {
    label: String(s.label), kind: KINDS.has(s.kind ?? '') ? s.kind! : 'audio', format: FORMATS.has(s.format ?? '') ? s.format! : 'wav', codec: String(s.codec ?? ''),
    startedAt: String(s.startedAt ?? ''), durationSeconds: Math.max(0, duration), packets: Number(s.packets) || 0,
    senders: strings(s.senders), receivers: strings(s.receivers),
    files: names.map((n) => fileOf(base, key, n, bytes(n))).filter((f): f is SrsStatusFile => f !== undefined),
  };
  if (typeof s.stoppedAt === 'string') out.stoppedAt = s.stoppedAt;
  if (typeof s.droppedPackets === 'number' && s.droppedPackets > 0) out.droppedPackets = s.droppedPackets;
  return out;
}

function participantsOf(index: RecordingIndex): SrsStatusParticipant[] {
  return (Array.isArray(index.participants) ? index.participants : []).filter(isObject).map((p) => {
    const out: SrsStatusParticipant = {
      participantId: String(p.participantId), names: strings(p.names), aors: strings(p.aors), sends: strings(p.sends), receives: strings(p.receives),
    };
    if (typeof p.joinedAt === 'string') out.joinedAt = p.joinedAt;
    if (typeof p.leftAt === 'string') out.leftAt = p.leftAt;
    return out;
  });
}

/**
 * One recording in the report's shape. `live` gives the time it is counted up to and whether it
 * is paused now (from the session, which knows before the index is rewritten).
 */
export function recordingOf(
  key: string, index: RecordingIndex, bytes: (file: string) => number, base: string,
  live?: { nowMs: number; startedMs: number; paused: boolean },
): SrsStatusRecording {
  const pauses = (Array.isArray(index.pauses) ? index.pauses : [])
    .filter((p) => isObject(p) && typeof p.from === 'string')
    .map((p) => (typeof p.to === 'string' ? { from: p.from, to: p.to } : { from: p.from }));
  const streams = (Array.isArray(index.streams) ? index.streams : []).filter(isObject).map((s) => streamOf(s, base, key, bytes, live?.nowMs));
  const startMs = msOf(typeof index.startedAt === 'string' ? index.startedAt : undefined) ?? live?.startedMs;
  const stopMs = msOf(typeof index.stoppedAt === 'string' ? index.stoppedAt : undefined);
  const duration = live
    ? (live.nowMs - (startMs ?? live.startedMs)) / 1000
    : startMs !== undefined && stopMs !== undefined ? (stopMs - startMs) / 1000 : Math.max(0, ...streams.map((s) => s.durationSeconds));
  const state = live ? 'recording' : STATES.has(index.state) ? index.state : 'partial';
  const out: SrsStatusRecording = {
    key, recordingId: String(index.recordingId), callIds: strings(index.callIds), state, live: live !== undefined,
    paused: live ? live.paused : pauses.length > 0 && pauses[pauses.length - 1].to === undefined,
    startedAt: startMs !== undefined ? iso(startMs) : String(index.startedAt ?? ''),
    durationSeconds: Math.max(0, duration), participants: participantsOf(index), streams, pauses,
    metadataFiles: strings(index.metadataFiles).map((m) => fileOf(base, key, m, bytes(m))).filter((f): f is SrsStatusFile => f !== undefined),
  };
  if (typeof index.stoppedAt === 'string') out.stoppedAt = index.stoppedAt;
  Object.assign(out, endOfIndex(index));
  if (typeof index.source === 'string') out.source = index.source;
  return out;
}

/** A live recording, from the Srs's view (sizes read now: only a few files of a few sessions). */
function liveOf(r: SrsLiveRecording, ctx: ReportContext, nowMs: number): SrsStatusRecording {
  const key = r.dir === '' ? '' : basename(r.dir);
  const index: RecordingIndex = r.index ?? {
    version: 1, recordingId: r.recordingId, callIds: [], sessionIds: [], state: 'recording', startedAt: iso(r.startedMs),
    streams: [], participants: [], metadataFiles: [], pauses: [], revision: 0,
  };
  const sizes = new Map<string, number>();
  if (r.dir !== '') {
    for (const f of filesOf(index)) {
      try {
        sizes.set(f, statSync(join(r.dir, f)).size);
      } catch {
        sizes.set(f, -1);
      }
    }
  }
  return recordingOf(key, index, (f) => sizes.get(f) ?? -1, ctx.base, { nowMs, startedMs: r.startedMs, paused: r.paused });
}

/** Parses `?page=` (1-based); anything else is page 1. */
export function pageNumberOf(url: URL): number {
  const p = url.searchParams.get('page');
  return p !== null && /^[1-9][0-9]{0,5}$/.test(p) ? Number(p) : 1;
}

/** Builds the report for page `page` of the finished recordings. */
export function buildReport(source: SrsStatusSource, ctx: ReportContext, page: number): SrsStatusReport {
  const nowMs = ctx.now();
  const liveViews = source.liveRecordings().sort((a, b) => a.startedMs - b.startedMs);
  const liveKeys = new Set(liveViews.filter((r) => r.dir !== '').map((r) => basename(r.dir)));
  const live = liveViews.slice(0, ctx.pageSize).map((r) => liveOf(r, ctx, nowMs));
  const names = ctx.list.names().filter((n) => !liveKeys.has(n));
  const count = Math.max(1, Math.ceil(names.length / ctx.pageSize));
  const finished: SrsStatusRecording[] = [];
  for (const key of names.slice((page - 1) * ctx.pageSize, page * ctx.pageSize)) {
    const r = ctx.list.get(key);
    if (!r) continue;
    try {
      finished.push(recordingOf(key, r.index, (f) => r.bytes.get(f) ?? -1, ctx.base));
    } catch {
      // an index too odd to show: left out, the page still answers
    }
  }
  return {
    version: 1, generatedAt: iso(nowMs), live, finished,
    page: { number: page, size: ctx.pageSize, count, finishedTotal: names.length, liveTotal: liveViews.length },
  };
}
