/**
 * The SRC relays a call's MSRP messages (RFC 4975) to the tsip Srs: the offer carries a=path,
 * a=accept-types and a=setup:active, the SRC connects to the answered a=path, and the Srs's
 * message log holds exactly the messages the app fed, in order (one larger than a chunk, one with
 * non-ASCII UTF-8). Pause: messages fed meanwhile are not sent and are counted. An SRS whose
 * a=path nobody listens on: streamFailed (connect), the recording goes on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { listRecordings, parseMessageLog } from '../../../lib/siprec/srs/storage/index.js';
import { entry, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';

const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => String.fromCharCode(65 + (i % 26))).join(''));
const fed = [
  { contentType: 'text/plain', body: 'hello, SRS' },
  { contentType: 'text/plain', body: big },
  { contentType: 'text/plain;charset=UTF-8', body: 'Grüße aus Köln 😀 — ¿qué tal? 你好' },
  { contentType: 'application/octet-stream', body: Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]) },
];

t.test('messages fed reach the Srs message log exactly, in order', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const events: Payload[] = [];
  m.on('streamFailed', (e) => events.push(e));
  m.on('messageDropped', (e) => events.push(e));
  const call = twoParty({ streams: [{ label: 'a', sender: 'alice' }, { label: 'chat', sender: 'alice', media: 'message' }] });
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  const st = await started;
  t.same(st.streams.map((s: Payload) => [s.label, s.accepted]), [['a', true], ['chat', true]]);
  for (const f of fed) t.equal(rec.forwardMessage('chat', f), 1, 'queued to the one SRS');
  t.equal(rec.forwardMessage('a', fed[0]), 0, 'not a message stream');
  const stopped = waitFor(m, 'recordingStopped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  const s = await stopped;
  await recordingClosed;
  t.same(s.messages.chat, { sent: 4, chunks: 1 + 3 + 1 + 1, bytes: fed.reduce((n, f) => n + Buffer.byteLength(f.body), 0), notSentPaused: 0, dropped: 0, aborted: 0 }, 'counters: 5000 bytes went as three 2048-byte chunks');
  t.same(events, [], 'no failure, nothing dropped');
  const [r] = listRecordings(srs.settings.dir);
  const st2 = r.index.streams.find((x) => x.label === 'chat')!;
  const log = parseMessageLog(readFileSync(join(r.dir, st2.file!)));
  t.same(log.map((x) => [x.contentType, x.complete]), fed.map((f) => [f.contentType, true]), 'every message stored complete with its type');
  log.forEach((x, i) => t.ok(x.body.equals(Buffer.from(fed[i].body as string | Buffer)), `message ${i + 1} byte-identical`));
  t.equal(log[2].body.toString('utf8'), fed[2].body, 'UTF-8 text intact across the wire');
});

t.test('pause: messages fed meanwhile are counted, not sent; resume sends again; from/to as message/cpim', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp', media: { msrp: { acceptTypes: ['text/plain', 'message/cpim'], chunkSize: 16 } } })]);
  const call = twoParty({ streams: [{ label: 'chat', sender: 'alice', media: 'message' }] });
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  await started;
  t.equal(rec.forwardMessage('chat', { contentType: 'text/plain', body: 'before pause, longer than one 16-byte chunk' }), 1);
  t.ok(await m.pauseRecording(call.callId));
  t.equal(rec.forwardMessage('chat', { contentType: 'text/plain', body: 'while paused 1' }), 0, 'paused: not sent');
  t.equal(rec.forwardMessage('chat', { contentType: 'text/plain', body: 'while paused 2' }), 0);
  t.ok(await m.resumeRecording(call.callId));
  t.equal(rec.forwardMessage('chat', { contentType: 'text/plain', body: 'after resume', from: 'sip:alice@example.com', to: 'Bob <sip:bob@example.net>' }), 1);
  const stopped = waitFor(m, 'recordingStopped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  const s = await stopped;
  await recordingClosed;
  t.same([s.messages.chat.sent, s.messages.chat.notSentPaused, s.messages.chat.dropped], [2, 2, 0]);
  const [r] = listRecordings(srs.settings.dir);
  const log = parseMessageLog(readFileSync(join(r.dir, r.index.streams[0].file!)));
  t.same(log.map((x) => x.body.toString('utf8').split('\r\n\r\n').at(-1)), ['before pause, longer than one 16-byte chunk', 'after resume'], 'nothing of the pause recorded');
  t.equal(log[1].contentType, 'message/cpim', 'from/to: wrapped in message/cpim');
  t.match(log[1].body.toString(), /^From: <sip:alice@example\.com>\r\nTo: Bob <sip:bob@example\.net>\r\nDateTime: \S+\r\n\r\nContent-Type: text\/plain\r\n\r\nafter resume$/);
});

t.test('an a=path nobody listens on: streamFailed (connect), the recording goes on', async (t) => {
  const srs = await startSrs(t, { signalingOnly: true });
  const m = await startManager(t, [entry([srs.uri('tcp')], { transport: 'tcp' })]);
  const call = twoParty({ streams: [{ label: 'a', sender: 'alice' }, { label: 'chat', sender: 'bob', media: 'message' }] });
  const failed = waitFor(m, 'streamFailed');
  const started = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  await started;
  const f = await failed;
  t.same([f.label, f.reason, f.callId], ['chat', 'connect', call.callId]);
  t.equal(rec.forwardMessage('chat', { contentType: 'text/plain', body: 'lost' }), 0, 'nothing queued on a failed stream');
  t.ok(m.recording(call.callId), 'the recording goes on');
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).messages.chat.dropped, 1);
});
