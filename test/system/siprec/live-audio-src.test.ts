/**
 * Live audio at the SRC (issue 13), real UDP RTP on loopback to an Srs: the tap of each stream
 * yields what was sent to the SRS, decoded (tone, level), names the participant the app declared,
 * has no frames while the recording is paused, ends when the recording stops, and counts what a
 * reader that never reads loses.
 */
import t from 'tap';
import type { SrcAudioTap } from '../../../include-types/siprec.js';
import { AudioTapUnavailableReason } from '../../../include-types/siprec.js';
import { entry, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';
import { EXPECTED_RMS, feedBoth, readAll, rms, tones } from './live-audio-lib.js';

t.test('SRC taps: tone, level, participant; no frames while paused; end on stop', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const taps: SrcAudioTap[] = [];
  const reads: Promise<Int16Array>[] = [];
  m.on('audioTap', (tap) => {
    taps.push(tap);
    reads.push(readAll(tap.pcm));
  });
  const ended: Payload[] = [];
  m.on('audioTapEnded', (e) => ended.push(e));
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(twoParty());
  t.equal(taps.length, 0, 'no tap before the recording started');
  await started;
  t.same(taps.map((x) => [x.callId, x.streamLabel]), [[rec.callId, '1'], [rec.callId, '2']]);
  const first = await feedBoth(rec, 400);
  t.ok(await m.pauseRecording(rec.callId), 'paused');
  const whilePaused = await feedBoth(rec, 200);
  t.same(whilePaused, [0, 0], 'nothing recorded while paused');
  t.ok(await m.resumeRecording(rec.callId), 'resumed');
  const second = await feedBoth(rec, 400);
  t.equal(ended.length, 0, 'taps still open');
  await m.stopRecording(rec.callId);
  const pcm = await Promise.all(reads);
  t.equal(ended.length, 2, 'both taps ended on stop');
  for (const [i, tap] of taps.entries()) {
    const alice = tap.streamLabel === '1';
    const x = pcm[i];
    const packets = first[i] + second[i];
    t.match(tap.participant, alice ? { key: 'alice', name: 'Alice', aor: 'sip:alice@example.com' } : { key: 'bob', aor: 'sip:bob@example.net' });
    t.equal(tap.codec, 'PCMU');
    t.ok(x.length >= (packets - 2) * 160 && x.length <= packets * 160 + 0.2 * 8000, `${x.length} samples for ${packets} packets sent (none for the pause)`);
    const p = tones(x);
    t.ok(alice ? p.alice > 50 * p.bob : p.bob > 50 * p.alice, `${alice ? 'alice' : 'bob'}'s tone`);
    const level = rms(x);
    t.ok(Math.abs(level - EXPECTED_RMS) < 0.1 * EXPECTED_RMS, `level ${level.toFixed(0)} ≈ ${EXPECTED_RMS.toFixed(0)}`);
    t.equal((await tap.done).droppedFrames, 0);
  }
});

t.test('SRC tap: a reader that never reads loses frames, counted; an undecodable stream is reported', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])], { liveAudioBufferMs: 60 });
  const taps: SrcAudioTap[] = [];
  m.on('audioTap', (tap) => taps.push(tap)); // never read
  const unavailable: Payload[] = [];
  m.on('audioTapUnavailable', (e) => unavailable.push(e));
  const started = waitFor(m, 'recordingStarted');
  const call = twoParty();
  call.streams[1].codecs = [{ payloadType: 96, name: 'opus', clockRate: 48000 }];
  const rec = m.startRecording(call);
  await started;
  t.same(taps.map((x) => x.streamLabel), ['1']);
  t.match(unavailable, [{ id: rec.callId, streamLabel: '2', codec: 'opus', reason: AudioTapUnavailableReason.CodecNotDecodable, participant: { key: 'bob' } }]);
  const sent = await feedBoth(rec, 500);
  const endedEvent = waitFor(m, 'audioTapEnded');
  await m.stopRecording(rec.callId);
  const e = await endedEvent;
  t.ok(e.frames >= 3 && e.frames <= 5, `${e.frames} frames buffered (60 ms)`);
  t.ok(e.droppedFrames >= sent[0] - 6, `${e.droppedFrames} of ${sent[0]} dropped`);
  t.equal(taps[0].droppedFrames, e.droppedFrames);
  t.equal(e.tap, taps[0]);
});
