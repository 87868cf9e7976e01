/**
 * Persistent recording session (RFC 7866 §10) end to end on loopback: one RS from the SRC to the
 * tsip Srs that carries three calls in turn. The SRS sees one INVITE and one BYE, the metadata
 * associates and disassociates each CS with its own participants, and the media of each call is
 * stored in files of its own CS (each call's parties speak tones of their own, read back from
 * the WAVs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { syntheticCall } from '../../../lib/siprec/media/index.js';
import { parseMetadata } from '../../../lib/siprec/metadata/index.js';
import type { PersistentRecording } from '../../../lib/siprec/src/index.js';
import { inspectRecording, readRecording } from '../../../lib/siprec/srs/storage/index.js';
import { type RecordingIndex } from '../../../lib/siprec/srs/storage/index-file.js';
import { readIndex } from '../../../lib/siprec/srs/storage/index-read.js';
import { entry, startManager, startSrs, waitFor, type Payload } from './helpers.js';

/** Tone per call (party 0 on label 'a', party 1 on label 'b'). */
const TONES: [number, number][] = [[440, 1000], [600, 1400], [800, 1800]];
const ALL = TONES.flat();

/** Feeds one call: both parties talk all along, paced in real time. */
async function feedCall(rs: PersistentRecording, n: number, ms: number): Promise<number> {
  let sent = 0;
  const parties: [{ frequency: number; talk: { startMs: number; endMs: number }[] }, { frequency: number; talk: { startMs: number; endMs: number }[] }] = [
    { frequency: TONES[n][0], talk: [{ startMs: 0, endMs: ms }] },
    { frequency: TONES[n][1], talk: [{ startMs: 0, endMs: ms }] },
  ];
  for await (const p of syntheticCall({ durationMs: ms, realtime: true, parties })) sent += rs.forward(p.party === 0 ? 'a' : 'b', p.bytes) > 0 ? 1 : 0;
  return sent;
}

t.test('one RS, three calls attached and detached in turn; media stored per CS', async (t) => {
  const srs = await startSrs(t);
  const started: Payload[] = [];
  const updated: Payload[] = [];
  srs.on('sessionStarted', (e: Payload) => started.push(e));
  srs.on('sessionUpdated', (e: Payload) => updated.push(e));
  const m = await startManager(t, [entry([srs.uri()])]);

  const rs = m.openPersistentSession({ id: `pers-${process.pid}`, streams: [{ label: 'a' }, { label: 'b' }] });
  const up = await waitFor(rs, 'started');
  t.equal(up.callId, rs.id, 'the RS is keyed by its id');
  t.equal(rs.forward('a', Buffer.alloc(172)), 0, 'no call attached: nothing forwarded');

  const calls = TONES.map((_, i) => ({
    callId: `call-${i}-${process.pid}@psap.test`,
    participants: [{ key: 'caller', aor: `sip:caller${i}@example.com` }, { key: 'taker', aor: 'sip:position7@psap.example' }],
    streams: [{ label: 'a', sender: 'caller' }, { label: 'b', sender: 'taker' }],
  }));
  const indications: string[] = [];
  m.on('recordingIndicationChanged', (e) => indications.push(`${e.callId.split('-')[1]}:${e.indication}`));
  /** Wall-clock time each call was attached: its file may hold no more than that. */
  const attachedSeconds: number[] = [];
  for (const [i, call] of calls.entries()) {
    const attached = waitFor(rs, 'callAttached');
    const from = performance.now();
    t.equal(m.recordingIndication(call.callId), 'off', `call ${i}: not recorded before it is attached`);
    t.equal(await rs.attachCall(call), true, `call ${i} attached`);
    t.same((await attached).srsNames, ['e1']);
    t.equal(m.recordingIndication(call.callId), 'on', `call ${i}: indication on while attached (RFC 7866 §6.1.2)`);
    t.equal(rs.recordingIndication(call.callId), 'on');
    t.equal(rs.callOn('a'), call.callId);
    t.ok(await feedCall(rs, i, 300) > 20, `call ${i} media forwarded`);
    t.equal(await rs.detachCall(call.callId), true, `call ${i} detached`);
    attachedSeconds.push((performance.now() - from) / 1000);
    t.equal(m.recordingIndication(call.callId), 'off', `call ${i}: indication off once detached`);
    t.equal(rs.forward('a', Buffer.alloc(172)), 0, 'between calls: nothing forwarded');
  }
  t.rejects(rs.attachCall({ ...calls[0], callId: 'x', streams: [{ label: 'zz' }] }), RangeError, 'a label the RS lacks');
  t.same(indications, ['0:on', '0:off', '1:on', '1:off', '2:on', '2:off'], 'each call\'s indication reported on the manager');

  const ended = waitFor(srs, 'sessionEnded');
  const stopped = waitFor(rs, 'stopped');
  await rs.close();
  const e = await ended;
  t.equal((await stopped).reason, 'Stopped');
  t.equal(e.reason, 'bye', 'one BYE ends the RS');
  t.equal(started.length, 1, 'one INVITE: one session at the SRS');
  t.equal(updated.filter((u) => u.metadataUpdated).length, 6, 'three associations and three disassociations');
  t.ok(updated.every((u) => u.recordingId === e.recordingId), 'all in the one RS');

  const index: RecordingIndex = readIndex(e.dir);
  t.equal(index.state, 'complete');
  t.equal(index.metadataFiles.length, 7, 'the complete snapshot without CS, then 6 partial updates');
  const first = parseMetadata(readFileSync(join(e.dir, index.metadataFiles[0])));
  t.equal(first.sessions.length, 0, 'the RS was set up with no CS (RFC 7866 §10)');
  t.same(index.callIds, calls.map((c) => c.callId), 'every CS Call-ID');
  const audio = inspectRecording(readRecording(e.dir), ALL);
  const sessions = index.sessions ?? [];
  t.equal(sessions.length, 3, 'three CSs');
  for (const [i, cs] of sessions.entries()) {
    t.same(cs.callIds, [calls[i].callId], `CS ${i}: its Call-ID`);
    t.equal(cs.associated, false, `CS ${i} disassociated`);
    t.ok(cs.associatedAt && cs.disassociatedAt && cs.stopTime, `CS ${i}: associate-time, disassociate-time, stop-time`);
    const aors = index.participants.filter((p) => cs.participants.includes(p.participantId)).flatMap((p) => p.aors).sort();
    t.same(aors, [`sip:caller${i}@example.com`, 'sip:position7@psap.example'], `CS ${i}: its participants`);
    t.same(cs.labels.sort(), ['a', 'b']);
    t.equal(cs.files.length, 2, `CS ${i}: a file per label`);
    for (const label of ['a', 'b'] as const) {
      const st = index.streams.find((s) => s.sessionId === cs.sessionId && s.label === label)!;
      t.ok(st.packets > 10, `CS ${i} label ${label}: packets stored (${st.packets})`);
      const sender = index.participants.find((p) => st.senders.includes(p.participantId));
      t.same(sender?.aors, [label === 'a' ? `sip:caller${i}@example.com` : 'sip:position7@psap.example'], `CS ${i} label ${label}: its sender`);
      const heard = audio.find((x) => x.path === join(e.dir, st.file))!;
      t.equal(heard.sessionId, cs.sessionId);
      t.equal(heard.dominantHz, TONES[i][label === 'a' ? 0 : 1], `CS ${i} label ${label}: the call's own tone`);
      t.ok(heard.rms > 2000, `CS ${i} label ${label}: audio in the file (rms ${heard.rms.toFixed(0)})`);
      // The media is paced on the wall clock, so a loaded machine stretches a 300 ms call; what
      // must hold is that nothing after the detach (the next call's media) went into this file.
      t.ok(st.durationSeconds <= attachedSeconds[i] + 0.1, `CS ${i} label ${label}: the file ends with its CS (${st.durationSeconds} s, attached ${attachedSeconds[i].toFixed(3)} s)`);
    }
  }
  t.equal(new Set(index.streams.map((s) => s.file)).size, 6, 'six files, none shared between CSs');
  t.equal(index.streams.length, 6, 'no file outside a CS (none opened before the first call)');
});

t.test("idle 'inactive': a=inactive goes with the last detach, a=sendonly with the next attach", async (t) => {
  const srs = await startSrs(t);
  const paused: boolean[] = [];
  srs.on('sessionUpdated', (e: Payload) => { if (e.pauseChanged) paused.push(e.paused); });
  const m = await startManager(t, [entry([srs.uri()])]);
  const rs = m.openPersistentSession({ streams: [{ label: 'a' }], idle: 'inactive' });
  await waitFor(rs, 'started');
  await waitFor(m, 'recordingPaused', (e) => e.callId === rs.id);
  const call = { callId: `idle-${process.pid}@test`, participants: [{ key: 'x', aor: 'sip:x@example.com' }], streams: [{ label: 'a', sender: 'x' }] };
  t.ok(await rs.attachCall(call));
  t.ok(await rs.detachCall(call.callId, { callEnded: false }));
  const ended = waitFor(srs, 'sessionEnded');
  await rs.close();
  const e = await ended;
  t.same(paused, [true, false, true], 'inactive at start, sendonly with the call, inactive after it');
  const index = readIndex(e.dir);
  const cs = index.sessions?.[0];
  t.ok(cs?.disassociatedAt, 'disassociated');
  t.equal(cs?.stopTime, undefined, 'callEnded false: no stop-time, the call goes on unrecorded');
});

t.test('two calls at once on different labels (a consultation): each label filed under its own CS', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const rs = m.openPersistentSession({ streams: [{ label: 'a' }, { label: 'b' }] });
  const mk = (n: string, label: string) => ({ callId: `${n}-${process.pid}@test`, participants: [{ key: 'p', aor: `sip:${n}@example.com` }], streams: [{ label, sender: 'p' }] });
  const [x, y] = [mk('first', 'a'), mk('consult', 'b')];
  t.same(await Promise.all([rs.attachCall(x), rs.attachCall(y)]), [true, true], 'both attached (the first waited for the RS)');
  await t.rejects(rs.attachCall(mk('third', 'a')), RangeError, 'a label carries one call at a time');
  t.same([rs.callOn('a'), rs.callOn('b')], [x.callId, y.callId]);
  await feedCall(rs, 0, 200);
  await rs.detachCall(y.callId);
  t.equal(rs.callOn('b'), undefined);
  t.equal(rs.callOn('a'), x.callId, 'the first call goes on');
  const ended = waitFor(srs, 'sessionEnded');
  await rs.close();
  const index = readIndex((await ended).dir);
  const sid = (c: { callId: string }) => index.sessions?.find((s) => s.callIds.includes(c.callId))?.sessionId;
  t.same(index.streams.map((s) => [s.label, s.sessionId]), [['a', sid(x)], ['b', sid(y)]], 'a file per CS');
  t.ok(index.sessions?.every((s) => s.stopTime), 'the call still attached at close got its stop-time too');
  t.ok(index.streams.every((s) => s.packets > 5));
});
