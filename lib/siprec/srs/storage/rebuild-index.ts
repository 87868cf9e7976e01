/**
 * An index rebuilt from what a recording directory holds, for a directory whose index.json
 * cannot be read (index-read.ts: a power cut before its first fsync, a disk error) or is missing
 * beside files this SRS writes. Without it the recording would be invisible (listRecordings,
 * the status page and `tsip record` read only indexes) although its audio is on disk; before
 * this module one empty index.json stopped `Srs.start()` altogether.
 *
 * What the files say, and what they cannot:
 * - the directory's name: `<YYYYMMDDTHHMMSSZ>_<RS Call-ID, file-safe>[-n]` (recording-parts.ts)
 *   gives the start (to the second) and the recording id in its file-safe form;
 * - `stream-<label>[-n].wav` / `.rtpdump` (+ `.txt`: RTT) / `.msrp.txt`: one stream each, its
 *   format from the name, its counts and duration from the file (repair-stream.ts, which also
 *   mends a torn end as for any crashed recording); an rtpdump's payload type from its first
 *   RTP packet, and its kind (and a static payload type's encoding) from its packets when they
 *   tell (rtp-kind.ts: the payload type, else the RTP clock rate). Not stored anywhere but in the
 *   lost index: a WAV's codec (its samples are linear PCM) and payload type, a dynamic payload
 *   type's encoding: `codec` `unknown`, `payloadType` -1, `kind` left out when nothing tells;
 * - `metadata-NNN.xml`: applied in order (a partial update onto the snapshot before it, RFC 7865
 *   §6.1), so participants, CS Call-IDs, session ids and stream ids are back;
 * - `stereo.wav`: the stereo file (its channels' labels are not known).
 *
 * The result is `partial` (the end of the call is not known), `endReason` `crash`, `endDetail`
 * naming what was wrong with the index; `stoppedAt` is when its stream, metadata or stereo files
 * were last written (read before any repair).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SrsEndReason } from '../../../../include-types/siprec.js';
import { applyPartialUpdate, parseMetadata, type RecordingMetadata } from '../../metadata/index.js';
import { STEREO_WAV_FILE as STEREO_FILE } from '../stereo-recording.js';
import { INDEX_FILE, RecordingState, type IndexStream, type RecordingIndex } from './index-file.js';
import { indexSessions } from './cs-streams.js';
import { callIdsOf, mapParticipants } from './participants.js';
import { readRtpdump, type RtpdumpRecord } from './rtpdump.js';
import { guessRtpMedia } from './rtp-kind.js';
import { repairedWavSeconds, repairStream } from './repair-stream.js';

/** A stream's main file: `stream-<stem>.<ext>`. */
const STREAM_FILE = /^stream-(.+)\.(wav|rtpdump|msrp\.txt)$/;
const METADATA_FILE = /^metadata-\d{3,}\.xml$/;
/** recording-parts.ts's directory name: stamp, `_`, file-safe RS Call-ID, `-n` on a clash. */
const DIR_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z_(.+?)(?:-\d+)?$/;

/**
 * True when `names` (a directory's entries) hold a file only a recording directory of this SRS
 * holds: a stream file or a metadata file. A directory without index.json and without them is
 * not ours to rebuild (or was made and never written to).
 */
export function holdsRecordingFiles(names: readonly string[]): boolean {
  return names.some(isRecordingFile);
}

/** A stream file, a metadata file or the stereo WAV. */
function isRecordingFile(name: string): boolean {
  return STREAM_FILE.test(name) || METADATA_FILE.test(name) || name === STEREO_FILE;
}

/** The index a crash-damaged directory's files make (see the module comment); `problem` goes into `endDetail`. */
export function rebuildIndex(dir: string, problem: string): RecordingIndex {
  const names = readdirSync(dir).sort();
  // when each file was last written, read before any repair (which rewrites a WAV's header now)
  const written = new Map(names.map((n) => [n, statSync(join(dir, n)).mtimeMs]));
  const name = basename(dir);
  const m = DIR_NAME.exec(name);
  const startedAt = m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : new Date(statSync(dir).mtimeMs).toISOString();
  // the recording's own files (not index.json, whose damage may be later)
  const newest = Math.max(0, ...names.filter(isRecordingFile).map((n) => written.get(n)!));
  const streams = streamsOf(dir, names, startedAt, written);
  const index: RecordingIndex = {
    version: 1, recordingId: m ? m[7] : name, callIds: [], sessionIds: [], state: RecordingState.Partial,
    startedAt, stoppedAt: newest > 0 ? new Date(newest).toISOString() : startedAt, endReason: SrsEndReason.Crash,
    endDetail: `${INDEX_FILE} ${problem}: rebuilt from the recording's files at recovery (the codecs of WAV streams and dynamic payload types not known)`,
    streams, participants: [], metadataFiles: names.filter((n) => METADATA_FILE.test(n)), pauses: [], revision: 1,
  };
  if (names.includes(STEREO_FILE)) index.stereo = { file: STEREO_FILE, durationSeconds: repairedWavSeconds(join(dir, STEREO_FILE)) };
  const metadata = mergedMetadata(dir, index.metadataFiles);
  if (metadata) {
    index.sessionIds = metadata.sessions.map((s) => s.sessionId);
    index.callIds = callIdsOf(metadata);
    index.participants = mapParticipants(metadata, streams);
    index.sessions = indexSessions(metadata, streams);
  }
  return index;
}

/** One entry per stream file, repaired and counted like a crashed recording's. */
function streamsOf(dir: string, names: readonly string[], startedAt: string, written: ReadonlyMap<string, number>): IndexStream[] {
  const streams: IndexStream[] = [];
  for (const file of names) {
    const hit = STREAM_FILE.exec(file);
    if (!hit) continue;
    const [, stem, ext] = hit;
    // A second file of a label is `stream-<label>-<n>` (recording-dir.ts): the label is the stem
    // without `-n` when the first file of that label is there too.
    const clash = /^(.+)-\d+$/.exec(stem);
    const label = clash && names.includes(`stream-${clash[1]}.${ext}`) ? clash[1] : stem;
    const transcript = `stream-${stem}.txt`;
    const rtt = ext === 'rtpdump' && names.includes(transcript);
    const s: IndexStream = {
      label, file, codec: ext === 'msrp.txt' ? 'MSRP' : 'unknown', payloadType: -1, packets: 0,
      startedAt, stoppedAt: new Date(written.get(file)!).toISOString(), durationSeconds: 0, senders: [], receivers: [],
      format: ext === 'wav' ? 'wav' : ext === 'msrp.txt' ? 'msrp' : rtt ? 't140' : 'rtpdump',
      files: rtt ? [file, transcript] : [file],
    };
    if (ext === 'wav') s.kind = 'audio';
    else if (ext === 'msrp.txt') s.kind = 'message';
    else if (rtt) {
      s.kind = 'text';
      s.transcript = transcript;
    }
    repairStream(dir, s);
    if (ext === 'rtpdump') readDumpedMedia(join(dir, file), s);
    streams.push(s);
  }
  return streams;
}

/**
 * What a dump's packets say of a stream (rtp-kind.ts): the payload type of its first RTP packet
 * (RFC 3550 §5.1; -1 when it holds none), its kind when the payload type or the RTP clock tells
 * (an RTT stream is `text` already, from its transcript), a static payload type's encoding name.
 */
function readDumpedMedia(path: string, s: IndexStream): void {
  let records: RtpdumpRecord[];
  try {
    records = readRtpdump(path).records;
  } catch {
    return;
  }
  const first = records.find((r) => !r.rtcp && r.data.length >= 12);
  if (first) s.payloadType = first.data[1] & 0x7f;
  const guess = guessRtpMedia(records);
  if (s.kind === undefined && guess.kind !== undefined) s.kind = guess.kind;
  if (guess.codec !== undefined) s.codec = guess.codec;
}

/** The metadata files applied in order (a partial one onto the snapshot before it); undefined when none parses. */
function mergedMetadata(dir: string, files: readonly string[]): RecordingMetadata | undefined {
  let merged: RecordingMetadata | undefined;
  for (const f of files) {
    try {
      const doc = parseMetadata(readFileSync(join(dir, f)));
      merged = doc.dataMode === 'partial' && merged ? applyPartialUpdate(merged, doc) : doc;
    } catch {
      // a file cut short by the crash, or an update that no longer applies: the rest still counts
    }
  }
  return merged;
}
