/**
 * The SRS's stereo WAV (`stereoWav`, issue 13), real UDP RTP on loopback: one 2-channel file per
 * recording, named in index.json, the first participant of the metadata on the left (here alice,
 * though her stream is the second m-line) and the other on the right, each channel holding its
 * party's tone over the call's length.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readWavLayout } from '../../../lib/siprec/media/index.js';
import { listRecordings, STEREO_WAV_FILE, wavDurations } from '../../../lib/siprec/srs/index.js';
import { entry, startManager, startSrs, twoParty, waitFor } from './helpers.js';
import { EXPECTED_RMS, feedBoth, rms, tones } from './live-audio-lib.js';

t.test('stereo.wav: alice (first participant) left at 440 Hz, bob right at 1000 Hz', async (t) => {
  const srs = await startSrs(t, { stereoWav: true });
  const m = await startManager(t, [entry([srs.uri()])]);
  const started = waitFor(m, 'recordingStarted');
  // bob's stream is the first m-line: the channel follows the metadata's participant order, not the m-lines
  const rec = m.startRecording(twoParty({ streams: [{ label: 'b', sender: 'bob' }, { label: 'a', sender: 'alice' }] }));
  await started;
  await feedBoth(rec, 1000, 0, ['a', 'b']);
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.match(r.index.stereo, { file: STEREO_WAV_FILE, left: 'a', right: 'b' }, 'named in index.json with its channels');
  const buf = readFileSync(join(r.dir, STEREO_WAV_FILE));
  const layout = readWavLayout(buf.subarray(0, 64));
  t.match(layout, { sampleRate: 8000, channels: 2, bitsPerSample: 16 }, 'a 16-bit 8 kHz stereo WAV');
  t.equal(layout.declaredDataBytes, buf.length - layout.dataOffset, 'header sizes final');
  const frames = layout.declaredDataBytes / 4;
  const left = new Int16Array(frames);
  const right = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    left[i] = buf.readInt16LE(layout.dataOffset + 4 * i);
    right[i] = buf.readInt16LE(layout.dataOffset + 4 * i + 2);
  }
  const mono = wavDurations(r);
  t.ok(Math.abs(frames / 8000 - Math.max(mono.a, mono.b)) < 0.05, `as long as the mono WAVs (${(frames / 8000).toFixed(2)} s vs ${mono.a.toFixed(2)}/${mono.b.toFixed(2)})`);
  t.ok(Math.abs(r.index.stereo!.durationSeconds - frames / 8000) < 0.001, 'its duration in the index');
  const l = tones(left);
  const rr = tones(right);
  t.ok(l.alice > 50 * l.bob, `left is 440 Hz (${l.alice.toExponential(2)} vs ${l.bob.toExponential(2)})`);
  t.ok(rr.bob > 50 * rr.alice, `right is 1000 Hz (${rr.bob.toExponential(2)} vs ${rr.alice.toExponential(2)})`);
  // the tones fill the call: the level over the second with audio is the party's
  for (const [name, x] of [['left', left], ['right', right]] as const) {
    const level = rms(x.subarray(frames - 8000));
    t.ok(Math.abs(level - EXPECTED_RMS) < 0.15 * EXPECTED_RMS, `${name} level over the last second ${level.toFixed(0)} ≈ ${EXPECTED_RMS.toFixed(0)}`);
  }
});

t.test('no stereoWav: no stereo file, no index entry', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  await started;
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.stereo, undefined);
  t.throws(() => readFileSync(join(r.dir, STEREO_WAV_FILE)), { code: 'ENOENT' });
});
