/**
 * The recordings directory as the status page reads it, without rescanning thousands of
 * directories per request: the directory listing (names only, which sort by their UTC stamp) is
 * reused for `listCacheMs`, and each recording's index.json is parsed once per change of its
 * size or mtime and kept in a bounded cache (least recently used out first). Only the
 * directories of the page asked for are ever opened.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, parseIndexText, RecordingState, writerAlive, type RecordingIndex } from '../storage/index.js';

/**
 * A recording directory's name as `RecordingDir.create` makes it: `<YYYYMMDDTHHMMSSZ>_<safe id>`
 * (optionally `-n`). Only such names are listed or served; they need no URL encoding.
 */
export const RECORDING_KEY = /^[0-9]{8}T[0-9]{6}Z_[A-Za-z0-9._-]{1,120}$/;

/** A recording read from disk. */
export interface ListedRecording {
  /** Directory name. */
  key: string;
  /** Its index (state `partial` when it says `recording` but its writer is gone). */
  index: RecordingIndex;
  /** Size of each file the index names (-1 when missing). */
  bytes: ReadonlyMap<string, number>;
}

interface CachedIndex {
  stamp: string;
  value: ListedRecording | undefined;
}

/** Options of {@link RecordingList}. */
export interface RecordingListOptions {
  /** How long a listing is reused (ms). */
  listCacheMs: number;
  /** Most indexes cached. */
  maxEntries: number;
  /** Clock. */
  now: () => number;
}

/** Every file an index names: the streams' files, transcripts and metadata documents, and itself. */
export function filesOf(index: RecordingIndex): string[] {
  const out = new Set<string>([INDEX_FILE]);
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  for (const s of list(index.streams)) {
    if (typeof s !== 'object' || s === null) continue;
    for (const f of Array.isArray(s.files) ? s.files : [s.file]) out.add(f);
    out.add(s.transcript as string);
  }
  for (const m of list(index.metadataFiles)) out.add(m);
  // Only names: what the index says may be anything, and only plain names can be served.
  return [...out].filter((f): f is string => typeof f === 'string');
}

function sizeOf(path: string): number {
  try {
    const st = statSync(path);
    return st.isFile() ? st.size : -1;
  } catch {
    return -1;
  }
}

/** The recordings under one root; see the module comment. */
export class RecordingList {
  private listing: { at: number; names: string[] } | undefined;
  private readonly indexes = new Map<string, CachedIndex>();

  constructor(readonly root: string, private readonly opts: RecordingListOptions) {}

  /** Recording directory names, newest first. */
  names(): string[] {
    const t = this.opts.now();
    if (this.listing && t - this.listing.at < this.opts.listCacheMs && t >= this.listing.at) return this.listing.names;
    let names: string[] = [];
    try {
      names = readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && RECORDING_KEY.test(d.name))
        .map((d) => d.name)
        .sort()
        .reverse();
    } catch {
      // no directory yet: no recordings
    }
    this.listing = { at: t, names };
    return names;
  }

  /** One recording by directory name, or undefined (no such directory, no index, unreadable). */
  get(key: string): ListedRecording | undefined {
    if (!RECORDING_KEY.test(key)) return undefined;
    const dir = join(this.root, key);
    let stamp: string;
    try {
      const st = statSync(join(dir, INDEX_FILE));
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      this.indexes.delete(key);
      return undefined;
    }
    const hit = this.indexes.get(key);
    if (hit && hit.stamp === stamp) {
      this.indexes.delete(key);
      this.indexes.set(key, hit);
      return hit.value && this.withLiveState(hit.value);
    }
    let value: ListedRecording | undefined;
    try {
      const index = parseIndexText(readFileSync(join(dir, INDEX_FILE), 'utf8'));
      const bytes = new Map(filesOf(index).map((f) => [f, sizeOf(join(dir, f))] as const));
      value = { key, index, bytes };
    } catch {
      value = undefined; // torn or foreign: skipped until it changes
    }
    this.indexes.set(key, { stamp, value });
    while (this.indexes.size > this.opts.maxEntries) this.indexes.delete(this.indexes.keys().next().value as string);
    return value && this.withLiveState(value);
  }

  /** A `recording` index whose writer died reads as partial (as `readRecording` does). */
  private withLiveState(r: ListedRecording): ListedRecording {
    if (r.index.state !== RecordingState.Recording || writerAlive(r.index.writerPid)) return r;
    return { ...r, index: { ...r.index, state: RecordingState.Partial } };
  }
}
