/**
 * Live audio at the SRS (issue 13), real UDP RTP on loopback: the tap of each stream yields the
 * tone and level its party sent, with the participant from the metadata, and ends with the
 * stream; a consumer that never reads loses frames (counted) while the recording stays complete;
 * a stream in a codec the tap cannot decode is reported as such.
 */
import t from 'tap';
import type { SrsAudioTap } from '../../../include-types/siprec.js';
import { AudioTapUnavailableReason } from '../../../include-types/siprec.js';
import { inspectRecording, listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';
import { ALICE_HZ, BOB_HZ, EXPECTED_RMS, feedBoth, readAll, rms, tones } from './live-audio-lib.js';

t.test('each stream\'s tap carries its party\'s tone and level, names the participant, and ends with the recording', async (t) => {
  const srs = await startSrs(t);
  const taps: SrsAudioTap[] = [];
  const reads: Promise<Int16Array>[] = [];
  srs.on('audioTap', (tap) => {
    taps.push(tap);
    reads.push(readAll(tap.pcm));
  });
  const ended: Payload[] = [];
  srs.on('audioTapEnded', (e) => ended.push(e));
  const e = entry([srs.uri()]);
  e.media = { ...e.media, codecs: [{ payloadType: 8, name: 'PCMA', clockRate: 8000 }] };
  const m = await startManager(t, [e]);
  const started = waitFor(m, 'recordingStarted');
  const srsStarted = waitFor(srs, 'sessionStarted');
  const rec = m.startRecording(twoParty());
  await started;
  const { recordingId } = await srsStarted;
  t.same(taps.map((x) => x.streamLabel).sort(), ['1', '2'], 'a tap per stream, before any media');
  const sent = await feedBoth(rec, 1000, 8);
  t.equal(ended.length, 0, 'no tap ended while the recording runs');
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  const pcm = await Promise.all(reads);
  t.equal(ended.length, 2, 'audioTapEnded per tap');
  for (const [i, tap] of taps.entries()) {
    const x = pcm[i];
    const alice = tap.streamLabel === '1';
    t.equal(tap.recordingId, recordingId);
    t.equal(tap.sampleRate, 8000);
    t.equal(tap.channels, 1);
    t.equal(tap.codec, 'PCMA');
    t.ok(tap.ended, 'ended');
    t.match(tap.participant, alice ? { name: 'Alice', aor: 'sip:alice@example.com' } : { aor: 'sip:bob@example.net' }, 'participant from the metadata');
    t.ok(tap.participant?.participantId, 'participant_id');
    // every packet sent arrived and was decoded: 160 samples each
    t.ok(x.length >= (sent[alice ? 0 : 1] - 2) * 160 && x.length <= sent[alice ? 0 : 1] * 160, `${x.length} samples for ${sent[alice ? 0 : 1]} packets`);
    const p = tones(x);
    if (alice) t.ok(p.alice > 50 * p.bob, `440 Hz on alice's tap (${p.alice.toExponential(2)} vs ${p.bob.toExponential(2)})`);
    else t.ok(p.bob > 50 * p.alice, `1000 Hz on bob's tap (${p.bob.toExponential(2)} vs ${p.alice.toExponential(2)})`);
    const level = rms(x);
    t.ok(Math.abs(level - EXPECTED_RMS) < 0.1 * EXPECTED_RMS, `level ${level.toFixed(0)} ≈ ${EXPECTED_RMS.toFixed(0)}`);
    const summary = await tap.done;
    t.equal(summary.droppedFrames, 0, 'nothing dropped for a reader that keeps up');
    t.equal(summary.samples, x.length, 'summary counts what was read');
    t.same(ended.find((e) => e.tap === tap)?.frames, tap.frames, 'the end event carries the counts');
  }
});

t.test('a consumer that never reads loses frames (counted); the recording is still complete', async (t) => {
  const srs = await startSrs(t, { liveAudioBufferMs: 100 });
  const taps: SrsAudioTap[] = [];
  srs.on('audioTap', (tap) => taps.push(tap)); // never read
  const m = await startManager(t, [entry([srs.uri()])]);
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  await started;
  const before = Date.now();
  const sent = await feedBoth(rec, 1000);
  const took = Date.now() - before;
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  t.equal(taps.length, 2);
  for (const tap of taps) {
    const s = await tap.done;
    // 100 ms buffer = 1600 bytes = 5 frames of 20 ms; the rest of ~50 frames is dropped
    t.ok(s.frames >= 5 && s.frames <= 7, `${s.frames} frames buffered`);
    t.ok(s.droppedFrames >= sent[0] - 10, `${s.droppedFrames} frames dropped`);
    t.equal(tap.droppedFrames, s.droppedFrames, 'on the tap object too');
    t.ok(tap.pcm.readableLength <= 1600 + 320, 'the buffer stayed bounded');
  }
  t.ok(took < 1500, `the call was fed on time (${took} ms)`);
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  const audio = inspectRecording(r, [ALICE_HZ, BOB_HZ]);
  for (const a of audio) {
    t.ok(a.durationSeconds > 0.9, `stream ${a.label}: ${a.durationSeconds.toFixed(2)} s stored`);
    t.equal(a.dominantHz, a.label === '1' ? ALICE_HZ : BOB_HZ, `stream ${a.label} stored whole`);
  }
});

t.test('a stream in a codec the tap cannot decode is reported, the others tapped', async (t) => {
  const srs = await startSrs(t);
  const taps: SrsAudioTap[] = [];
  srs.on('audioTap', (tap) => { taps.push(tap); tap.pcm.resume(); });
  const unavailable = waitFor(srs, 'audioTapUnavailable');
  const m = await startManager(t, [entry([srs.uri()])]);
  const started = waitFor(m, 'recordingStarted');
  const call = twoParty();
  call.streams[1].codecs = [{ payloadType: 96, name: 'opus', clockRate: 48000 }];
  const rec = m.startRecording(call);
  await started;
  const u = await unavailable;
  t.match(u, { streamLabel: '2', codec: 'opus', reason: AudioTapUnavailableReason.CodecNotDecodable, participant: { aor: 'sip:bob@example.net' } });
  t.same(taps.map((x) => x.streamLabel), ['1'], 'only the G.711 stream has a tap');
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  t.ok(taps[0].ended);
});

t.test('no listener: no tap, nothing decoded', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  await started;
  let late = 0;
  srs.on('audioTap', () => late++); // attached after the streams opened: they stay untapped
  rec.forward('1', Buffer.concat([Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 5]), Buffer.alloc(160, 0xff)]));
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(rec.callId);
  await srsEnded;
  t.equal(late, 0);
});
