/**
 * Reading recordings back, and recovering the ones a crash left behind: a directory whose index
 * says `recording` while no live process writes it is partial; recovery fixes its WAV headers
 * from the file lengths (repairWav), cuts a record half-written by the crash off the end of each
 * rtpdump and MSRP message log (counting what they hold into the index), and marks the index
 * `partial`, leaving every complete packet, sample and message.
 */
import { existsSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { SrsEndReason } from '../../../../include-types/siprec.js';
import { readWavInfo, repairWav } from '../../media/index.js';
import { INDEX_FILE, readIndex, RecordingState, writeIndexAtomic, type IndexStream, type RecordingIndex } from './index-file.js';
import { parseMessageLog } from './message-log.js';
import { readRtpdump, repairRtpdump } from './rtpdump.js';

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

/** Reads one recording directory. */
export function readRecording(dir: string): StoredRecording {
  const index = readIndex(dir);
  const pid = index.writerPid;
  if (index.state === RecordingState.Recording && !writerAlive(pid)) index.state = RecordingState.Partial;
  return { dir, index };
}

/** Every recording directory under `root` (those with an index.json), oldest name first. */
export function listRecordings(root: string): StoredRecording[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).sort()
    .map((n) => join(root, n))
    .filter((d) => statSync(d).isDirectory() && existsSync(join(d, INDEX_FILE)))
    .map(readRecording);
}

/**
 * Repairs the recordings under `root` whose writer died: WAV sizes fixed, durations and the state
 * `partial` written to the index. Returns the directories repaired.
 */
export function recoverRecordings(root: string): string[] {
  const fixed: string[] = [];
  for (const r of listRecordings(root)) {
    if (r.index.state !== RecordingState.Partial) continue;
    const onDisk = readIndex(r.dir);
    if (onDisk.state !== RecordingState.Recording) continue;
    for (const s of onDisk.streams) repairStream(r.dir, s);
    if (onDisk.stereo) onDisk.stereo.durationSeconds = repairedWavSeconds(join(r.dir, onDisk.stereo.file));
    onDisk.state = RecordingState.Partial;
    onDisk.endReason ??= SrsEndReason.Crash;
    onDisk.endDetail ??= `the writing process${onDisk.writerPid !== undefined ? ` (pid ${onDisk.writerPid})` : ''} ended without closing the recording`;
    onDisk.revision++;
    writeIndexAtomic(r.dir, onDisk);
    fixed.push(r.dir);
  }
  return fixed;
}

/** Repairs a WAV's sizes after a crash; its seconds of audio (0 when missing or cut short in its header). */
function repairedWavSeconds(p: string): number {
  if (!existsSync(p)) return 0;
  try {
    return repairWav(p).durationSeconds;
  } catch {
    return 0;
  }
}

/** Repairs one stream's main file after a crash and updates its counts in `s`. */
function repairStream(dir: string, s: IndexStream): void {
  const p = join(dir, s.file);
  if (!existsSync(p)) return;
  const format = s.format ?? 'wav';
  if (format === 'wav') {
    try {
      s.durationSeconds = repairWav(p).durationSeconds;
    } catch {
      s.durationSeconds = 0; // a header cut short by the crash: nothing to play
    }
    return;
  }
  if (format === 'msrp') {
    const buf = readFileSync(p);
    const msgs = parseMessageLog(buf);
    const keep = msgs.length === 0 ? 0 : msgs.at(-1)!.body.byteOffset - buf.byteOffset + msgs.at(-1)!.body.length + 1;
    if (keep < buf.length) truncateSync(p, keep);
    s.packets = s.messages = msgs.length;
    s.bytes = msgs.reduce((n, m) => n + m.body.length, 0);
    return;
  }
  const fixed = repairRtpdump(p);
  s.packets = fixed.packets;
  s.rtcpPackets = fixed.rtcpPackets;
  try {
    const recs = readRtpdump(p).records.filter((x) => !x.rtcp);
    s.bytes = recs.reduce((n, x) => n + x.data.length, 0);
    s.durationSeconds = recs.length ? (recs.at(-1)!.offsetMs - recs[0].offsetMs) / 1000 : 0;
  } catch {
    s.durationSeconds = 0; // headers cut short by the crash
  }
  if (s.transcript !== undefined && existsSync(join(dir, s.transcript))) s.textBytes = statSync(join(dir, s.transcript)).size;
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
