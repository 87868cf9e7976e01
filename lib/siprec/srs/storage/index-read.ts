/**
 * Reading index.json back. An index is replaced atomically (index-file.ts), so a live writer's
 * is never torn; one that cannot be read was left so by something else: a power cut before the
 * first fsync (ext4 may then keep the name and lose the contents, an empty file), a disk error,
 * a hand edit. Readers get a {@link RecordingIndexError} saying which file and what is wrong,
 * and recovery rebuilds such an index from the directory's files (rebuild-index.ts) rather than
 * refusing to start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SrsEndReason } from '../../../../include-types/siprec.js';
import { INDEX_FILE, type RecordingIndex } from './index-file.js';

/** What is wrong with an index file that cannot be read (see {@link RecordingIndexError}). */
export const IndexProblem = {
  /** No index.json in the directory. */
  Missing: 'missing',
  /** It exists and could not be read (permissions, I/O error). */
  Unreadable: 'unreadable',
  /** Zero bytes (a power cut before its contents reached the disk). */
  Empty: 'empty',
  /** Not JSON (torn, or not ours). */
  NotJson: 'not-json',
  /** JSON, but without the fields of an index (`recordingId`, `state`, `startedAt`, `streams`). */
  NotAnIndex: 'not-an-index',
} as const;
/** One of the {@link IndexProblem} values. */
export type IndexProblem = (typeof IndexProblem)[keyof typeof IndexProblem];

/** An index.json that cannot be used: its path, what is wrong, and the underlying error's words. */
export class RecordingIndexError extends Error {
  constructor(
    /** The index file. */
    readonly file: string,
    /** What is wrong, to switch on. */
    readonly problem: IndexProblem,
    /** The underlying error's message (the JSON parser's, the file system's), for people. */
    readonly detail: string,
  ) {
    super(`${file}: ${problem === IndexProblem.NotAnIndex ? 'not a recording index' : problem.replace('-', ' ')}${detail !== '' ? ` (${detail})` : ''}`);
    this.name = 'RecordingIndexError';
  }
}

/**
 * Reads a recording's index.
 * @throws RecordingIndexError when it is missing, unreadable, empty, not JSON or not an index.
 */
export function readIndex(dir: string): RecordingIndex {
  const file = join(dir, INDEX_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RecordingIndexError(file, IndexProblem.Missing, '');
    throw new RecordingIndexError(file, IndexProblem.Unreadable, code ?? String(e));
  }
  return parseIndexText(text, file);
}

/**
 * index.json's text as an index: JSON whose `recordingId`, `state` and `startedAt` are strings
 * and `streams` an array; the lists an older or hand-made index may lack are filled in empty,
 * and its end is read by {@link endOfIndex}.
 * @throws RecordingIndexError naming `file` otherwise.
 */
export function parseIndexText(text: string, file = INDEX_FILE): RecordingIndex {
  if (text.trim() === '') throw new RecordingIndexError(file, IndexProblem.Empty, '');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RecordingIndexError(file, IndexProblem.NotJson, e instanceof Error ? e.message : String(e));
  }
  const o = v as Partial<Record<keyof RecordingIndex, unknown>> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof o.recordingId !== 'string' || typeof o.state !== 'string' || typeof o.startedAt !== 'string' || !Array.isArray(o.streams)) {
    throw new RecordingIndexError(file, IndexProblem.NotAnIndex, '');
  }
  const index = o as RecordingIndex;
  for (const list of ['callIds', 'sessionIds', 'participants', 'metadataFiles', 'pauses'] as const) if (!Array.isArray(index[list])) index[list] = [];
  if (typeof index.revision !== 'number') index.revision = 0;
  return withTypedEnd(index);
}

const END_REASONS: ReadonlySet<unknown> = new Set(Object.values(SrsEndReason));

/** True for a value of {@link SrsEndReason}. */
export function isSrsEndReason(v: unknown): v is SrsEndReason {
  return END_REASONS.has(v);
}

/**
 * The end of a recording as read from an index: `endReason` only when it is an
 * {@link SrsEndReason} value, `endDetail` only when it is a string. An index written before
 * `endDetail` existed had free text in `endReason` (e.g. "drain timeout (30000 ms)"): that text
 * is read as the `endDetail`, and `endReason` is left out (what it was is not known for sure).
 */
export function endOfIndex(index: { endReason?: unknown; endDetail?: unknown }): { endReason?: SrsEndReason; endDetail?: string } {
  const out: { endReason?: SrsEndReason; endDetail?: string } = {};
  if (isSrsEndReason(index.endReason)) out.endReason = index.endReason;
  if (typeof index.endDetail === 'string') out.endDetail = index.endDetail;
  else if (typeof index.endReason === 'string' && !isSrsEndReason(index.endReason)) out.endDetail = index.endReason;
  return out;
}

/** `index` with its end read by {@link endOfIndex} (an old free-text `endReason` moved to `endDetail`). */
function withTypedEnd(index: RecordingIndex): RecordingIndex {
  const end = endOfIndex(index);
  delete index.endReason;
  delete index.endDetail;
  return Object.assign(index, end);
}
