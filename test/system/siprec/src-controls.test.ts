/**
 * SRC controls against two tsip Srs on loopback: start/pause/resume/stop per SRS entry, a second
 * entry added to a call already recorded, the RFC 7865 session id in every event, the list of live
 * recordings, and requests the app sends to an SRS in the recording session's dialog.
 */
import t from 'tap';
import type { Test } from 'tap';
import { SipError } from '../../../include-types/errors.js';
import { LiveRecordingState } from '../../../include-types/siprec.js';
import { entry, pcmuPacket, startManager, startSrs, twoParty, type Payload, waitFor } from './helpers.js';

const B64_128 = /^[A-Za-z0-9+/]{22}==$/; // base64 of 128 bits (RFC 7865 §6.8 ids)

async function rig(t: Test) {
  const srsA = await startSrs(t);
  const srsB = await startSrs(t);
  const m = await startManager(t, [entry([srsA.uri()], { name: 'a' }), entry([srsB.uri()], { name: 'b' })]);
  const events: Payload[] = [];
  for (const ev of ['recordingStarted', 'recordingFailed', 'recordingPaused', 'recordingResumed', 'recordingStopped'] as const) {
    m.on(ev, (e: Payload) => events.push({ ev, ...e }));
  }
  return { srsA, srsB, m, events };
}

t.test('one entry records, a second is added later, each is paused, resumed and stopped on its own', async (t) => {
  const { srsA, srsB, m, events } = await rig(t);
  const call = twoParty();
  const startedA = waitFor(m, 'recordingStarted', (e) => e.srsName === 'a');
  const rec = m.startRecording(call, { srs: ['a'] });
  const a = await startedA;
  t.equal(srsA.activeSessions, 1);
  t.equal(srsB.activeSessions, 0, 'entry b was not asked');
  t.match(a.sessionId, B64_128, 'the RFC 7865 session id is in the started event');

  t.throws(() => m.startRecording(call, { srs: ['a'] }), RangeError, 'entry a records it already');
  t.throws(() => m.startRecording(call), RangeError, 'the whole call is known');
  t.throws(() => m.startRecording(twoParty(), { srs: ['nope'] }), /no SRS entry named "nope"/);
  await t.rejects(m.pauseRecording(call.callId, { srs: ['zz'] }), RangeError);
  await t.rejects(m.stopRecording(call.callId, { srs: [] }), RangeError);

  const startedB = waitFor(m, 'recordingStarted', (e) => e.srsName === 'b');
  t.equal(m.startRecording(call, { srs: ['b'] }), rec, 'the same handle');
  const b = await startedB;
  t.equal(srsB.activeSessions, 1);
  t.match(b.sessionId, B64_128);
  t.not(b.recordingId, a.recordingId, 'an RS of its own');

  // the SRS got the same session id in its metadata
  t.ok(JSON.stringify(srsA.liveRecordings()).includes(a.sessionId), 'SRS a has the session id from the metadata');

  t.equal(await m.pauseRecording(call.callId, { srs: ['b'] }), true);
  t.equal(rec.forward('1', rtp(1)), 1, 'only entry a forwards while b is paused');
  let list = m.recordings();
  t.same(list.map((r) => [r.srsName, r.state]).sort(), [['a', LiveRecordingState.Active], ['b', LiveRecordingState.Paused]]);
  t.equal(m.recordingIndication(call.callId), 'on', 'a still records');
  t.equal(await m.resumeRecording(call.callId, { srs: ['b'] }), true);
  t.equal(rec.forward('1', rtp(2)), 2, 'both forward again');

  const stoppedB = waitFor(m, 'recordingStopped', (e) => e.srsName === 'b');
  await m.stopRecording(call.callId, { srs: ['b'] });
  t.equal((await stoppedB).reason, 'Stopped');
  t.equal(srsB.activeSessions, 0);
  t.equal(srsA.activeSessions, 1, 'a goes on');
  t.ok(m.recording(call.callId), 'the call is still known');
  list = m.recordings();
  t.same(list.map((r) => r.srsName), ['a']);

  await m.stopRecording(call.callId);
  t.equal(m.recording(call.callId), undefined);
  t.same(m.recordings(), []);
  const kinds = events.map((e) => `${e.ev}:${e.srsName}`);
  t.same(kinds, ['recordingStarted:a', 'recordingStarted:b', 'recordingPaused:b', 'recordingResumed:b', 'recordingStopped:b', 'recordingStopped:a']);
  for (const e of events) t.match(e.sessionId, B64_128, `${e.ev} ${e.srsName} carries the session id`);
  t.equal(events.find((e) => e.srsName === 'b' && e.ev === 'recordingStopped').sessionId, b.sessionId, 'the same id all along');
});

t.test('no options: every entry, as before; per-entry pause of the whole call', async (t) => {
  const { srsA, srsB, m } = await rig(t);
  const call = twoParty();
  const both = Promise.all([waitFor(m, 'recordingStarted', (e) => e.srsName === 'a'), waitFor(m, 'recordingStarted', (e) => e.srsName === 'b')]);
  m.startRecording(call);
  await both;
  t.equal(srsA.activeSessions + srsB.activeSessions, 2);
  t.equal(await m.pauseRecording(call.callId), true);
  t.equal(m.recordingIndication(call.callId), 'paused');
  t.equal(await m.resumeRecording(call.callId, { srs: ['a'] }), true);
  t.same(m.recordings().map((r) => [r.srsName, r.state]), [['a', 'Active'], ['b', 'Paused']]);
  await m.stopRecording(call.callId);
  t.equal(srsA.activeSessions + srsB.activeSessions, 0);
});

t.test('an entry added to a call the app paused starts paused', async (t) => {
  const { m } = await rig(t);
  const call = twoParty();
  const startedA = waitFor(m, 'recordingStarted', (e) => e.srsName === 'a');
  const rec = m.startRecording(call, { srs: ['a'] });
  await startedA;
  t.equal(await m.pauseRecording(call.callId), true);
  const pausedB = waitFor(m, 'recordingPaused', (e) => e.srsName === 'b');
  m.startRecording(call, { srs: ['b'] });
  await pausedB;
  t.equal(rec.forward('1', rtp(1)), 0, 'nothing forwarded');
  t.equal(m.recordingIndication(call.callId), 'paused');
  t.equal(await m.resumeRecording(call.callId), true);
  t.equal(rec.forward('1', rtp(2)), 2, 'both resumed');
});

t.test('recordings(): a typed snapshot with streams, counters, URIs and times', async (t) => {
  const { srsA, m } = await rig(t);
  const call = twoParty();
  const before = Date.now();
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call, { srs: ['a'] });
  const starting = m.recordings();
  t.equal(starting.length, 1);
  t.equal(starting[0].state, 'Starting');
  t.same(starting[0].streams.map((s) => s.accepted), [false, false], 'nothing accepted yet');
  const e = await started;
  for (let i = 0; i < 5; i++) rec.forward('1', rtp(i));
  rec.forward('2', rtp(9));
  const [r] = m.recordings();
  t.match(r, {
    callId: call.callId, srsName: 'a', state: 'Active', srs: srsA.uri(), recordingId: e.recordingId, sessionId: e.sessionId, srsInitiated: false,
  });
  t.same(r.streams.map((s) => [s.label, s.media, s.accepted, s.packetsSent]), [['1', 'audio', true, 5], ['2', 'audio', true, 1]]);
  t.equal(r.streams[0].bytesSent, 5 * 172, 'RTP header + 160 bytes each');
  t.ok(r.startedAt >= before - 5 && r.startedAt <= Date.now(), 'startedAt is epoch ms');
  t.ok(r.activeSince !== undefined && r.activeSince >= r.startedAt);
  r.streams[0].packetsSent = 999;
  t.equal(m.recordings()[0].streams[0].packetsSent, 5, 'a snapshot, not a live view');
});

t.test('sendRequest: INFO and MESSAGE reach the SRS in the dialog; dialog methods are refused', async (t) => {
  const { srsA, m } = await rig(t);
  const call = twoParty();
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call, { srs: ['a'] });
  const e = await started;
  const seen: { method: string; callId: string | undefined; body: string; status?: number; mark?: string }[] = [];
  srsA.on('sessionRequest', (r) => seen.push({
    method: r.method, callId: r.recordingId, body: r.body.toString(), status: r.statusCode,
    ...(r.headers.find((h) => h.name === 'X-Mark') ? { mark: r.headers.find((h) => h.name === 'X-Mark')!.value } : {}),
  }));
  srsA.on('sessionUpdated', (u) => { if (u.pauseChanged) seen.push({ method: 'INVITE', callId: u.recordingId, body: '' }); });
  const info = await m.sendRequest(call.callId, {
    srs: 'a', method: 'INFO', headers: [{ name: 'X-Mark', value: 'v1' }], body: 'hello', contentType: 'text/plain',
  });
  t.equal(info.statusCode, 200);
  t.equal(info.reasonPhrase, 'OK');
  t.same(info.body, Buffer.alloc(0));
  const msg = await m.sendRequest(call.callId, { srs: 'a', method: 'MESSAGE' });
  t.equal(msg.statusCode, 405, 'any final response resolves');
  t.ok(msg.headers.some((h) => h.name.toLowerCase() === 'allow' && h.value.includes('INVITE')), 'its headers come back');
  t.same(seen.map((s) => [s.method, s.callId]), [['INFO', e.recordingId], ['MESSAGE', e.recordingId]], 'in the RS dialog');
  t.equal(seen[0].body, 'hello');
  t.equal(seen[0].mark, 'v1', 'its headers reach the SRS');
  t.same(seen.map((x) => x.status), [200, 405], 'the SRS reports what it answered');

  for (const method of ['INVITE', 'ACK', 'BYE', 'CANCEL', 'PRACK', 'bye', 'REFER']) {
    await t.rejects(m.sendRequest(call.callId, { srs: 'a', method }), { name: 'SipError', code: 'MethodNotAllowed' }, method);
  }
  await t.rejects(m.sendRequest(call.callId, { srs: 'a', method: 'UPDATE', body: 'v=0\r\n', contentType: 'application/sdp' }), { code: 'MethodNotAllowed' }, 'UPDATE with SDP');
  await t.rejects(m.sendRequest(call.callId, { srs: 'a', method: 'IN FO' }), { code: 'InvalidArgument' });
  await t.rejects(m.sendRequest(call.callId, { srs: 'b', method: 'INFO' }), { code: 'InvalidState' }, 'entry b does not record it');
  await t.rejects(m.sendRequest(call.callId, { srs: 'c', method: 'INFO' }), RangeError);
  await t.rejects(m.sendRequest('no-such-call', { srs: 'a', method: 'INFO' }), RangeError);
  const err = await m.sendRequest(call.callId, { srs: 'a', method: 'ACK' }).catch((x: unknown) => x);
  t.ok(err instanceof SipError);

  // queued behind the session's own requests: a pause and an INFO sent at once both succeed in order
  const [paused, during] = await Promise.all([m.pauseRecording(call.callId), m.sendRequest(call.callId, { srs: 'a', method: 'INFO' })]);
  t.equal(paused, true);
  t.equal(during.statusCode, 200);
  t.same(seen.slice(2).map((s) => s.method), ['INVITE', 'INFO'], 'the INFO waited for the re-INVITE');
  t.equal(srsA.activeSessions, 1, 'the recording goes on');
});

/** A minimal PCMU RTP packet of this file's SSRC. */
const rtp = (seq: number): Buffer => pcmuPacket(seq, 0x1234);
