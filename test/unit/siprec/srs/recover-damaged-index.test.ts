/**
 * A recording whose index.json a crash left unreadable (empty after a power cut, torn, not an
 * index) or missing beside its files: the SRS still starts, recovery rebuilds the index from the
 * files (streams with their counts, metadata with participants), keeps the damaged file, and
 * leaves directories that are not recordings alone. Readers get a RecordingIndexError naming the file.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { killedWriter } from './killed-writer.js';
import {
  IndexProblem, listRecordings, readIndex, readRecording, RecordingIndexError, recoverRecordings, RecordingState, RtpdumpWriter, Srs, wavDurations,
} from '../../../../lib/siprec/srs/index.js';

const tmpRoot = (t: Test): string => {
  const root = mkdtempSync(join(tmpdir(), 'tsip-damaged-index-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return root;
};

/** What `fn` threw (undefined when it returned). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A crashed recording (two WAV streams and metadata, killed mid-write), its index as the crash left it. */
async function crashed(t: Test): Promise<{ root: string; dir: string; before: ReturnType<typeof readRecording> }> {
  const root = tmpRoot(t);
  const dir = await killedWriter('crash-writer.ts', root, 100);
  return { root, dir, before: readRecording(dir) };
}

t.test('an empty index.json (a power cut before its fsync): readers get a typed error, recovery rebuilds it from the files', async (t) => {
  const { root, dir, before } = await crashed(t);
  truncateSync(join(dir, 'index.json'), 0);
  const empty = thrown(() => readIndex(dir));
  t.ok(empty instanceof RecordingIndexError, 'a RecordingIndexError');
  t.match(empty, { problem: IndexProblem.Empty, file: join(dir, 'index.json'), message: /index\.json: empty$/ }, 'naming the file and what is wrong');
  t.same(listRecordings(root), [], 'left out of the list, not thrown');
  t.same(recoverRecordings(root), [dir], 'rebuilt');
  const after = readRecording(dir);
  t.equal(after.index.state, RecordingState.Partial);
  t.equal(after.index.endReason, 'crash');
  t.match(after.index.endDetail, /index\.json was empty, kept as index\.json\.damaged: rebuilt from the recording's files/);
  t.equal(readFileSync(join(dir, 'index.json.damaged'), 'utf8'), '', 'the damaged file is kept');
  t.equal(after.index.recordingId, 'crash-call_127.0.0.1', 'the recording id from the directory name (file-safe form)');
  t.equal(after.index.startedAt.slice(0, 19), before.index.startedAt.slice(0, 19), 'start time from the directory name, to the second');
  t.same(after.index.streams.map((s) => [s.label, s.file, s.format, s.kind]), before.index.streams.map((s) => [s.label, s.file, 'wav', 'audio']), 'both streams found');
  const durations = wavDurations(after);
  for (const s of after.index.streams) {
    t.ok(s.durationSeconds > 1, `stream ${s.label}: ${s.durationSeconds} s of audio counted`);
    t.equal(s.durationSeconds, durations[s.label], 'the WAV header repaired to the same length');
    t.equal(s.codec, 'unknown', 'the codec is not in the files');
    t.equal(s.payloadType, -1);
  }
  const lastWrite = Math.max(...after.index.streams.map((s) => Date.parse(s.stoppedAt!)));
  t.equal(Date.parse(after.index.stoppedAt!), lastWrite, 'stopped when its last file was last written (read before the repair rewrote the WAV headers)');
  t.same(after.index.metadataFiles, before.index.metadataFiles, 'metadata files found');
  t.same(after.index.participants.map((p) => [p.aors, p.sends]).sort(), before.index.participants.map((p) => [p.aors, p.sends]).sort(), 'participants and who sends what, from the metadata');
  t.same(after.index.sessionIds, before.index.sessionIds);
  t.same(recoverRecordings(root), [], 'recovery runs once');
  t.same(listRecordings(root).map((r) => r.dir), [dir], 'listed again');
});

t.test('a torn index, one that is not an index, and one missing beside the files: each rebuilt; a second damage keeps both files', async (t) => {
  const { root, dir } = await crashed(t);
  const text = readFileSync(join(dir, 'index.json'), 'utf8');
  writeFileSync(join(dir, 'index.json'), text.slice(0, text.length / 2));
  t.match(thrown(() => readIndex(dir)), { name: 'RecordingIndexError', problem: IndexProblem.NotJson, message: /index\.json: not json \(.+\)/ });
  t.same(recoverRecordings(root), [dir]);
  t.match(readRecording(dir).index.endDetail, /was not JSON \(.+\), kept as index\.json\.damaged:/);
  writeFileSync(join(dir, 'index.json'), '{"hello": "world"}');
  t.match(thrown(() => readIndex(dir)), { name: 'RecordingIndexError', problem: IndexProblem.NotAnIndex, message: /not a recording index/ });
  t.same(recoverRecordings(root), [dir]);
  t.match(readRecording(dir).index.endDetail, /was not a recording index, kept as index\.json\.damaged-2:/, 'nothing overwritten');
  t.equal(readFileSync(join(dir, 'index.json.damaged-2'), 'utf8'), '{"hello": "world"}');
  unlinkSync(join(dir, 'index.json'));
  t.same(listRecordings(root), []);
  t.same(recoverRecordings(root), [dir], 'missing, with stream files beside: rebuilt');
  const index = readRecording(dir).index;
  t.match(index.endDetail, /^index\.json was missing: rebuilt/);
  t.equal(index.streams.length, 2);
});

t.test('directories that are not recordings are left alone; a file in the root is no directory', async (t) => {
  const root = tmpRoot(t);
  mkdirSync(join(root, 'lost+found'));
  mkdirSync(join(root, 'notes'));
  writeFileSync(join(root, 'notes', 'todo.txt'), 'x');
  writeFileSync(join(root, 'README'), 'x');
  t.same(recoverRecordings(root), []);
  t.same(readdirSync(join(root, 'notes')), ['todo.txt'], 'nothing written into a foreign directory');
  t.same(listRecordings(root), []);
});

t.test('rebuilt from other kinds: rtpdump with its payload type, RTT transcript, MSRP log, a second file of a label', async (t) => {
  const root = tmpRoot(t);
  const dir = join(root, '20261207T101112Z_kinds_example.com');
  mkdirSync(dir);
  const rtp = (pt: number, seq: number): Buffer => Buffer.from([0x80, pt, 0, seq, 0, 0, 0, seq, 0, 0, 0, 9, 0xaa, 0xbb]);
  const dump = async (file: string, packets: [pt: number, seq: number, atMs: number][]): Promise<void> => {
    const w = RtpdumpWriter.create(join(dir, file), { address: '127.0.0.1', port: 40000, startMs: 1000 });
    for (const [pt, seq, at] of packets) w.write(rtp(pt, seq), 1000 + at);
    w.write(Buffer.from([0x81, 200, 0, 1, 0, 0, 0, 9]), 1010, true); // an RTCP sender report: not the first RTP packet
    await w.close();
  };
  await dump('stream-v.rtpdump', [[96, 1, 0], [96, 2, 40]]);
  await dump('stream-t.rtpdump', [[98, 1, 0]]);
  await dump('stream-v-2.rtpdump', []);
  writeFileSync(join(dir, 'stream-t.txt'), 'hello');
  writeFileSync(join(dir, 'stream-m.msrp.txt'), '--- 2026-12-07T10:11:12.000Z id=a type=text/plain bytes=2\nhi\n');
  writeFileSync(join(dir, 'index.json'), '');
  t.same(recoverRecordings(root), [dir]);
  const index = readRecording(dir).index;
  t.equal(index.recordingId, 'kinds_example.com');
  t.equal(index.startedAt, '2026-12-07T10:11:12.000Z');
  const by = Object.fromEntries(index.streams.map((s) => [s.file, s]));
  t.same([by['stream-v.rtpdump'].label, by['stream-v.rtpdump'].format, by['stream-v.rtpdump'].payloadType, by['stream-v.rtpdump'].packets], ['v', 'rtpdump', 96, 2]);
  t.equal(by['stream-v.rtpdump'].durationSeconds, 0.04);
  t.same([by['stream-t.rtpdump'].format, by['stream-t.rtpdump'].kind, by['stream-t.rtpdump'].transcript, by['stream-t.rtpdump'].textBytes, by['stream-t.rtpdump'].payloadType], ['t140', 'text', 'stream-t.txt', 5, 98]);
  t.same([by['stream-m.msrp.txt'].format, by['stream-m.msrp.txt'].kind, by['stream-m.msrp.txt'].messages, by['stream-m.msrp.txt'].codec], ['msrp', 'message', 1, 'MSRP']);
  t.same([by['stream-v-2.rtpdump'].label, by['stream-v-2.rtpdump'].payloadType, by['stream-v-2.rtpdump'].packets], ['v', -1, 0], 'the second file of label v, empty');
  t.notOk(index.streams.some((s) => s.file === 'stream-t.txt'), 'a transcript is no stream of its own');
  t.equal(by['stream-v.rtpdump'].kind, undefined, 'a dynamic type over 40 ms: no kind guessed');
});

t.test('a rebuilt rtpdump gets its kind from its packets: a static type\'s encoding, a dynamic type\'s RTP clock', async (t) => {
  const root = tmpRoot(t);
  const dir = join(root, '20261208T030405Z_media_example.com');
  mkdirSync(dir);
  const dump = async (file: string, pt: number, clock: number, everyMs: number, n: number): Promise<void> => {
    const w = RtpdumpWriter.create(join(dir, file), { address: '127.0.0.1', port: 40000, startMs: 1000 });
    for (let i = 0; i < n; i++) {
      const p = Buffer.alloc(40);
      p[0] = 0x80;
      p[1] = pt;
      p.writeUInt16BE(i, 2);
      p.writeUInt32BE((i * everyMs * clock) / 1000, 4);
      p.writeUInt32BE(7, 8);
      w.write(p, 1000 + i * everyMs);
    }
    await w.close();
  };
  await dump('stream-cam.rtpdump', 96, 90000, 33, 31); // video over 1 s
  await dump('stream-opus.rtpdump', 111, 48000, 20, 26); // audio over 0.5 s
  await dump('stream-g711.rtpdump', 0, 8000, 20, 2); // PCMU: the payload type says it all
  writeFileSync(join(dir, 'index.json'), '{');
  t.same(recoverRecordings(root), [dir]);
  const by = Object.fromEntries(readRecording(dir).index.streams.map((s) => [s.label, s]));
  t.same([by.cam.kind, by.cam.codec, by.cam.payloadType], ['video', 'unknown', 96], 'video, its encoding not known');
  t.same([by.opus.kind, by.opus.codec, by.opus.payloadType], ['audio', 'unknown', 111]);
  t.same([by.g711.kind, by.g711.codec, by.g711.payloadType], ['audio', 'PCMU', 0]);
});

t.test('Srs.start() over a directory with an empty index: starts, and reports the rebuilt recording', async (t) => {
  const { root, dir } = await crashed(t);
  truncateSync(join(dir, 'index.json'), 0);
  const srs = new Srs({ host: '127.0.0.1', port: 0, dir: root });
  await srs.start();
  t.teardown(() => srs.shutdown());
  t.same(srs.recovered, [dir]);
  t.same(srs.recovery, { rebuilt: [dir], failed: [] }, 'Srs.recovery says it was rebuilt');
  t.ok(existsSync(join(dir, 'index.json.damaged')));
  t.equal(readRecording(dir).index.state, RecordingState.Partial);
});

t.test('a dead writer\'s recording whose stream file cannot be repaired is left as it was; the next one is still recovered', async (t) => {
  const root = tmpRoot(t);
  const first = await killedWriter('crash-writer.ts', root, 50);
  const second = await killedWriter('crash-writer.ts', root, 50);
  t.ok(first < second, 'two recordings, the broken one first');
  const index = readIndex(first);
  // the index names an rtpdump that is a directory: its repair (open r+) fails with EISDIR
  mkdirSync(join(first, 'stream-x.rtpdump'));
  writeFileSync(join(first, 'index.json'), JSON.stringify({ ...index, streams: [...index.streams, { ...index.streams[0], label: 'x', file: 'stream-x.rtpdump', format: 'rtpdump', files: ['stream-x.rtpdump'] }] }));
  const report = { rebuilt: [] as string[], failed: [] as { dir: string; error: string }[] };
  t.same(recoverRecordings(root, report), [second], 'only the second repaired, and no throw');
  t.same(report.failed.map((f) => f.dir), [first], 'the report names the one it could not recover');
  t.match(report.failed[0]?.error, /EISDIR/, 'and why');
  t.equal(readIndex(first).state, RecordingState.Recording, 'the first left as it was on disk');
  t.equal(readRecording(first).index.state, RecordingState.Partial, 'and still read as partial');
  t.equal(readIndex(second).state, RecordingState.Partial);
});
