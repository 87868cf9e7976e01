/**
 * SRC ↔ SRS on loopback, end to end through the SIP Client API: a recording is set up, carries
 * media, is paused and resumed, gets a metadata update with a new participant and a new stream,
 * and is stopped with BYE; the SRS's files say all of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseMetadata } from '../../../lib/siprec/metadata/index.js';
import { inspectRecording, listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('start, pause/resume, update, stop: events and stored recording', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const startedP = waitFor(m, 'recordingStarted');
  const srsStarted = waitFor(srs, 'sessionStarted');
  const rec = m.startRecording(call);
  t.throws(() => m.startRecording(call), RangeError, 'a call is recorded once');
  const started = await startedP;
  t.equal(started.callId, call.callId);
  t.ok(started.recordingId.length > 0, 'recording session id');
  t.equal(started.srs, srs.uri());
  t.same(started.streams.map((s: { accepted: boolean }) => s.accepted), [true, true]);
  const ss = await srsStarted;
  t.equal(ss.recordingId, started.recordingId, 'SRS sees the same RS Call-ID');
  t.not(ss.recordingId, call.callId, 'RS Call-ID differs from the CS Call-ID');

  t.ok(await feed(rec, 2000) > 190, 'media forked');
  const pausedP = waitFor(m, 'recordingPaused');
  const srsPaused = waitFor(srs, 'sessionUpdated', (e) => e.paused);
  t.equal(await m.pauseRecording(call.callId), true);
  await pausedP;
  await srsPaused;
  t.equal(rec.forward('1', Buffer.alloc(172)), 0, 'nothing forked while paused');
  await new Promise((r) => setTimeout(r, 500));
  const resumedP = waitFor(m, 'recordingResumed');
  t.equal(await m.resumeRecording(call.callId), true);
  await resumedP;
  const upd = waitFor(srs, 'sessionUpdated', (e) => e.metadataUpdated && e.labels.includes('3'));
  t.equal(await m.updateRecording(call.callId, {
    participantsJoined: [{ key: 'carol', aor: 'sip:carol@example.org' }],
    streamsAdded: [{ label: '3', sender: 'carol' }],
  }), true, 'update accepted');
  await upd;
  await feed(rec, 500);
  for (let i = 0; i < 25; i++) rec.forward('3', Buffer.concat([Buffer.from([0x80, 0, 0, i, 0, 0, 0, i * 160, 0, 0, 0, 9]), Buffer.alloc(160, 0xff)]));
  const stoppedP = waitFor(m, 'recordingStopped');
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.stopRecording(call.callId);
  const stopped = await stoppedP;
  t.equal(stopped.reason, 'Stopped');
  t.equal(stopped.byeStatusCode, 200, 'BYE answered 200');
  t.ok(stopped.packetsSent['1'] > 120 && stopped.packetsSent['3'] === 25);
  t.equal((await srsEnded).reason, 'bye');
  t.equal(m.recording(call.callId), undefined, 'handle released');

  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, 'complete');
  t.same(r.index.callIds, [call.callId], 'CS Call-ID in the index');
  t.same(r.index.streams.map((s) => s.label), ['1', '2', '3']);
  t.equal(r.index.pauses.length, 1, 'one pause');
  t.ok(r.index.pauses[0].to, 'and its end');
  t.equal(r.index.metadataFiles.length, 3, 'initial metadata, the update, the stop-time');
  const last = parseMetadata(readFileSync(join(r.dir, r.index.metadataFiles[2])));
  t.ok(last.sessions[0].stopTime, 'stop-time sent before the BYE');
  const update = parseMetadata(readFileSync(join(r.dir, r.index.metadataFiles[1])));
  t.equal(update.dataMode, 'partial');
  t.ok(update.participants.some((p) => p.nameIds[0].aor === 'sip:carol@example.org'));
  const carol = r.index.participants.find((p) => p.aors[0] === 'sip:carol@example.org');
  t.same(carol?.sends, ['3'], 'new participant tied to the new stream');
  t.equal(r.index.streams[2].packets, 25);
  const audio = inspectRecording(r, [440, 1000]);
  t.equal(audio[0].dominantHz, 440, 'stream 1 is alice');
  t.equal(audio[1].dominantHz, 1000, 'stream 2 is bob');
  t.ok(audio[0].durationSeconds > 1.9, `timeline keeps the pause (${audio[0].durationSeconds.toFixed(2)} s)`);
  t.equal(r.index.streams[0].packets, stopped.packetsSent['1'], 'every packet sent was received');
});

t.test('SRS answers with fewer usable streams: refused stream (port 0) is not forked', async (t) => {
  const srs = await startSrs(t, { codecs: ['PCMU'] });
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty({ streams: [{ label: 'a', sender: 'alice' }, { label: 'b', sender: 'bob', codecs: [{ payloadType: 18, name: 'G729', clockRate: 8000 }] }] });
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  const started = await p;
  t.same(started.streams.map((s: { label: string; accepted: boolean }) => [s.label, s.accepted]), [['a', true], ['b', false]]);
  t.equal(rec.forward('b', Buffer.alloc(172, 0x80)), 0, 'refused stream dropped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  t.same(listRecordings(srs.settings.dir)[0].index.streams.map((s) => s.label), ['a']);
});

t.test('a stream fed through CallRecording.writable (pipeline)', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  await p;
  const { Readable } = await import('node:stream');
  const { pipeline } = await import('node:stream/promises');
  const { syntheticCall } = await import('../../../lib/siprec/media/index.js');
  const packets: Buffer[] = [];
  for await (const x of syntheticCall({ durationMs: 600 })) if (x.party === 0) packets.push(x.bytes);
  await pipeline(Readable.from(packets), rec.writable('1'));
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).packetsSent['1'], packets.length, 'every piped packet forked');
});

t.test('SRS-initiated BYE ends the recording (RemoteBye)', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await p;
  const stopped = waitFor(m, 'recordingStopped');
  await srs.shutdown();
  const e = await stopped;
  t.equal(e.reason, 'RemoteBye');
  t.equal(e.callId, call.callId);
  t.equal(listRecordings(srs.settings.dir)[0].index.endReason, 'shutdown');
});

t.test('SRS-initiated re-INVITE with a snapshot request gets a complete snapshot (RFC 7866 §9.2)', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  const started = await p;
  const snap = waitFor(srs, 'sessionUpdated', (e) => e.metadataUpdated);
  t.equal(await srs.requestSnapshot(started.recordingId), true, 'SRC answered the re-INVITE 200');
  await snap;
  t.ok(rec.forward('1', Buffer.concat([Buffer.from([0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 5]), Buffer.alloc(160, 0xff)])) === 1, 'still recording');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.metadataFiles.length, 3, 'initial, snapshot, stop-time');
  const second = parseMetadata(readFileSync(join(r.dir, r.index.metadataFiles[1])));
  t.equal(second.dataMode, 'complete', 'a complete snapshot');
  t.equal(second.participants.length, 2);
});
