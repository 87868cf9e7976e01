/**
 * The SRS's stereo WAV parts (issue 13): the channel a stream takes (metadata order, else first
 * free; a third left out), the interleaved file, and crash repair of `stereo.wav`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildWavHeader, encodeUlaw, readWavInfo, type RtpPacket } from '../../../../lib/siprec/media/index.js';
import {
  readRecording, recoverRecordings, RecordingDir, RecordingState, STEREO_WAV_FILE, StereoRecording, writeIndexAtomic,
} from '../../../../lib/siprec/srs/index.js';

function tmp(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'tsip-stereo-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function pkt(seq: number, value: number): RtpPacket {
  return { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 1, csrcs: [], payload: encodeUlaw(new Int16Array(160).fill(value)) };
}

t.test('channels: the metadata order first, then the first free one; a third stream is left out', async (t) => {
  const dir = tmp(t);
  const st = new StereoRecording(dir, 1000);
  const bob = st.add('b', ['a', 'b']); // second in the order: right, though it opened first
  const alice = st.add('a', ['a', 'b']);
  if (!bob || !alice) throw new Error('both streams get a channel');
  t.equal(st.add('c', ['a', 'b']), undefined, 'no third channel');
  t.match(st.info, { file: STEREO_WAV_FILE, left: 'a', right: 'b' });
  for (let i = 0; i < 10; i++) {
    alice(pkt(i, 1000), 1000 + i * 20);
    bob(pkt(i, -2000), 1000 + i * 20);
  }
  await st.close(1200);
  const buf = readFileSync(join(dir, STEREO_WAV_FILE));
  const info = readWavInfo(join(dir, STEREO_WAV_FILE));
  t.equal(info.channels, 2);
  t.ok(Math.abs(info.durationSeconds - 0.2) < 0.001, `${info.durationSeconds} s`);
  const l = buf.readInt16LE(44 + 4 * 800);
  const r = buf.readInt16LE(44 + 4 * 800 + 2);
  t.ok(Math.abs(l - 1000) < 50 && Math.abs(r + 2000) < 80, `left ${l}, right ${r}`);
  t.equal(st.add('d', []), undefined, 'nothing added once closed');

  const dir2 = tmp(t);
  const free = new StereoRecording(dir2, 0);
  t.ok(free.add('x', []), 'no order: left first');
  t.ok(free.add('y', ['q']), 'then right');
  t.match(free.info, { left: 'x', right: 'y' });
  await free.close(0);
});

t.test('a crashed writer\'s stereo.wav is repaired like the mono WAVs', async (t) => {
  const root = tmp(t);
  const rec = await RecordingDir.create({ root, recordingId: 'crash-stereo' });
  await rec.settled();
  const index = { ...rec.snapshot, writerPid: 2 ** 22 + 12345, state: RecordingState.Recording, stereo: { file: STEREO_WAV_FILE, left: '1', right: '2', durationSeconds: 0 } };
  writeFileSync(join(rec.dir, STEREO_WAV_FILE), Buffer.concat([buildWavHeader({ sampleRate: 8000, channels: 2, bitsPerSample: 16 }), Buffer.alloc(32000)]));
  writeIndexAtomic(rec.dir, index);
  t.same(recoverRecordings(root), [rec.dir]);
  const after = readRecording(rec.dir);
  t.equal(after.index.state, RecordingState.Partial);
  t.equal(after.index.stereo?.durationSeconds, 1, 'one second of stereo found in the file');
  t.match(readWavInfo(join(rec.dir, STEREO_WAV_FILE)), { durationSeconds: 1, complete: true }, 'header sizes written');
});
