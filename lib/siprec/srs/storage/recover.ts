/**
 * Reading recordings back, and recovering the ones a crash left behind: a directory whose index
 * says `recording` while no live process writes it is partial; recovery fixes its WAV headers
 * from the file lengths (repairWav), cuts a record half-written by the crash off the end of each
 * rtpdump and MSRP message log (counting what they hold into the index), and marks the index
 * `partial`, leaving every complete packet, sample and message. A directory whose index a crash
 * left unreadable gets one rebuilt from its files (rebuild-index.ts).
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SrsEndReason } from '../../../../include-types/siprec.js';
import { readWavInfo } from '../../media/index.js';
import { INDEX_FILE, RecordingState, writeIndexAtomic, type RecordingIndex } from './index-file.js';
import { IndexProblem, readIndex, RecordingIndexError } from './index-read.js';
import { holdsRecordingFiles, rebuildIndex } from './rebuild-index.js';
import { repairedWavSeconds, repairStream } from './repair-stream.js';

/**
 * True if the process that writes a recording (its index's `writerPid`) is still running: a
 * signal-0 probe; EPERM means it runs under another user.
 * Not part of the public API (not exported from lib/index.ts); kept in the published .d.ts because other declarations name it.
 */
export function writerAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A recording as read from disk. */
export interface StoredRecording {
  /** Its directory. */
  dir: string;
  /** Its index; `state` is `partial` for a dead writer's `recording`. */
  index: RecordingIndex;
}

/**
 * Reads one recording directory.
 * @throws RecordingIndexError when its index.json is missing or cannot be read as an index.
 */
export function readRecording(dir: string): StoredRecording {
  const index = readIndex(dir);
  const pid = index.writerPid;
  if (index.state === RecordingState.Recording && !writerAlive(pid)) index.state = RecordingState.Partial;
  return { dir, index };
}

/** The directories under `root`, oldest name first (a recording directory's name starts with its start time). */
function subdirectories(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(root, e.name)).sort();
}

/**
 * Every recording directory under `root`, oldest name first. A directory whose index.json is
 * missing or cannot be read is left out: recovery ({@link recoverRecordings}, at `Srs.start()`)
 * rebuilds such an index from the files.
 */
export function listRecordings(root: string): StoredRecording[] {
  const out: StoredRecording[] = [];
  for (const dir of subdirectories(root)) {
    try {
      out.push(readRecording(dir));
    } catch (e) {
      if (!(e instanceof RecordingIndexError)) throw e;
    }
  }
  return out;
}

/**
 * Recovery, run by `Srs.start()` before any session; returns the directories repaired or rebuilt.
 * One damaged directory never stops it (nor the SRS's start).
 * - A recording whose index says `recording` while its writer is dead: WAV sizes fixed, torn
 *   records cut off, the counts, durations and the state `partial` (`endReason` `crash`) written
 *   to the index.
 * - A directory whose index.json cannot be read (empty after a power cut, torn, not JSON, not an
 *   index), or that has none but holds the files of a recording: the index is rebuilt from its
 *   files (rebuild-index.ts), `partial`. The unreadable file is kept beside it as
 *   `index.json.damaged` (`-2`, `-3` … on a clash: nothing is overwritten). A directory whose
 *   rebuild fails (say, one this process may not write) is left as it is; it stays out of
 *   {@link listRecordings}.
 * `report`, if given, gets which directories were rebuilt and which could not be recovered (why).
 */
export function recoverRecordings(root: string, report?: RecoveryReport): string[] {
  const fixed: string[] = [];
  const failed = (dir: string, e: unknown): void => { report?.failed.push({ dir, error: e instanceof Error ? e.message : String(e) }); };
  for (const dir of subdirectories(root)) {
    let onDisk: RecordingIndex;
    try {
      onDisk = readIndex(dir);
    } catch (e) {
      if (!(e instanceof RecordingIndexError)) throw e;
      try {
        if (rebuild(dir, e)) {
          fixed.push(dir);
          report?.rebuilt.push(dir);
        }
      } catch (why) {
        failed(dir, why);
      }
      continue;
    }
    if (onDisk.state !== RecordingState.Recording || writerAlive(onDisk.writerPid)) continue;
    try {
      repairDeadWriters(dir, onDisk);
      fixed.push(dir);
    } catch (why) {
      failed(dir, why);
    }
  }
  return fixed;
}

/** What {@link recoverRecordings} did beyond the directories it returns (`Srs.recovery`). */
export interface RecoveryReport {
  /** Directories whose index was rebuilt from their files (also in the returned list). */
  rebuilt: string[];
  /** Directories that could not be recovered, left as they were, with the error. */
  failed: { dir: string; error: string }[];
}

/**
 * Repairs a recording whose writer died (see {@link recoverRecordings}).
 * @throws when a file cannot be repaired (say, one this process may not write): the caller
 * leaves the directory as it is (still read as `partial`) and goes on with the others.
 */
function repairDeadWriters(dir: string, onDisk: RecordingIndex): void {
  for (const s of onDisk.streams) repairStream(dir, s);
  if (onDisk.stereo) onDisk.stereo.durationSeconds = repairedWavSeconds(join(dir, onDisk.stereo.file));
  onDisk.state = RecordingState.Partial;
  onDisk.endReason ??= SrsEndReason.Crash;
  onDisk.endDetail ??= `the writing process${onDisk.writerPid !== undefined ? ` (pid ${onDisk.writerPid})` : ''} ended without closing the recording`;
  onDisk.revision++;
  writeIndexAtomic(dir, onDisk);
}

/**
 * Rebuilds the index of `dir` (see {@link recoverRecordings}); false when there is nothing of ours to rebuild.
 * @throws when the rebuild fails (the directory is left without a rebuilt index)
 */
function rebuild(dir: string, why: RecordingIndexError): boolean {
  if (why.problem === IndexProblem.Missing && !holdsRecordingFiles(readdirSync(dir))) return false;
  let problem = WHAT_WAS_WRONG[why.problem] + (why.detail !== '' ? ` (${why.detail})` : '');
  if (why.problem !== IndexProblem.Missing) {
    const kept = freeName(dir, `${INDEX_FILE}.damaged`);
    renameSync(join(dir, INDEX_FILE), join(dir, kept));
    problem += `, kept as ${kept}`;
  }
  writeIndexAtomic(dir, rebuildIndex(dir, problem));
  return true;
}

const WHAT_WAS_WRONG: Record<IndexProblem, string> = {
  [IndexProblem.Missing]: 'was missing',
  [IndexProblem.Unreadable]: 'could not be read',
  [IndexProblem.Empty]: 'was empty',
  [IndexProblem.NotJson]: 'was not JSON',
  [IndexProblem.NotAnIndex]: 'was not a recording index',
};

/** `name` in `dir`, or `name-2`, `name-3` … : the first that does not exist. */
function freeName(dir: string, name: string): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${name}-${n}`;
    if (!existsSync(join(dir, candidate))) return candidate;
  }
}

/**
 * Seconds of audio per WAV stream file, read from the WAVs (for reports and checks), by label; a
 * label with several files (a persistent RS: one per CS) keys the later ones `label@file`.
 */
export function wavDurations(rec: StoredRecording): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of rec.index.streams) {
    if ((s.format ?? 'wav') !== 'wav') continue;
    const p = join(rec.dir, s.file);
    out[s.label in out ? `${s.label}@${s.file}` : s.label] = existsSync(p) ? readWavInfo(p).durationSeconds : 0;
  }
  return out;
}
