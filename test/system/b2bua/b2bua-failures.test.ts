/**
 * The recording B2BUA when calls do not simply go through: the caller CANCELs while the callee
 * rings, the callee rejects, the SRS is down (the call goes on unrecorded) and the SRS is down
 * with `recordingRequired` (the caller gets 503, the callee BYE).
 */
import t from 'tap';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import type { B2buaCallEndedEvent, B2buaRecordingEvent } from '../../../lib/b2bua/index.js';
import { aliceCalls, bobRings, phoneSdp, response, rig, sdpElements, sdpTarget, sleep, until } from './rig.js';

t.test('CANCEL before the answer: the callee leg is CANCELed, the caller gets 487, no recording', async (t) => {
  const r = await rig(t);
  let recordings = 0;
  r.recorder.on('recordingStarted', () => recordings++);
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 180 }));
  await response(r.alice, call.invite, 180);
  call.invite.cancel();
  const canceled = await r.bob.rec.wait('inviteCanceled');
  t.equal(canceled.args[0], bob.tx, 'bob got the CANCEL of his INVITE');
  await response(r.alice, call.invite, 487);
  const end = await ended;
  t.equal(end.reason, 'canceled');
  t.equal(end.recording, 'off', 'no recording was started for an unanswered call');
  t.equal(recordings, 0);
  t.same(r.b2bua.activeCalls, [], 'no call left');
  t.equal(r.recorder.recording(end.callId), undefined, 'nothing left open in the SrcManager');
});

t.test('the callee rejects: the caller gets the same status and reason phrase', async (t) => {
  const r = await rig(t);
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 486, reasonPhrase: 'Busy Here Right Now' }));
  const got = await response(r.alice, call.invite, 486);
  t.equal(got.responseElements?.reasonPhrase, 'Busy Here Right Now');
  const end = await ended;
  t.equal(end.reason, 'rejected');
  t.equal(end.statusCode, 486);
  t.same(r.b2bua.activeCalls, []);
});

t.test('SRS down: the call is answered and relayed anyway, the recording reported failed', async (t) => {
  const r = await rig(t, { srsDown: true });
  const recStates: string[] = [];
  r.b2bua.on('recordingStateChanged', (e: B2buaRecordingEvent) => recStates.push(e.recording));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  const ok = await response(r.alice, call.invite, 200);
  call.assoc.sendAck(ok);
  t.ok(await until(() => recStates.includes('failed'), 5000), 'the recording failed (SRS timeout)');
  await r.alice.sendRtp(sdpTarget(ok), 10);
  t.ok(await until(() => (r.bob.received.get(0) ?? 0) === 10), 'media still goes through');
  call.assoc.sendBye();
  await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE');
});

t.test('SRS down with recordingRequired: the caller gets 503, the callee gets BYE', async (t) => {
  const r = await rig(t, { srsDown: true, recordingRequired: true });
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'ACK');
  const refused = await response(r.alice, call.invite, 503, 8000);
  t.match(refused.responseElements?.messageElements.header('Reason') ?? '', /cause=503/, 'with a Reason saying why');
  await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE');
  const end = await ended;
  t.equal(end.reason, 'recording-unavailable');
  t.equal(end.statusCode, 503);
  await sleep(50);
});

t.test('recordingRequired with the SRS up: the caller\'s 200 waits for the recording, then the call goes on', async (t) => {
  const r = await rig(t, { recordingRequired: true });
  const states: string[] = [];
  r.b2bua.on('recordingStateChanged', (e: B2buaRecordingEvent) => states.push(e.recording));
  let startedBeforeAnswer = false;
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  r.alice.rec.on('incomingResponseInDialog', () => { if (states.includes('on')) startedBeforeAnswer = true; });
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  const ok = await response(r.alice, call.invite, 200, 8000);
  call.assoc.sendAck(ok);
  t.ok(startedBeforeAnswer, 'the recording was up before the caller got 200');
  call.assoc.sendBye();
  const bye = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE')).args[0] as ServerTransaction;
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  t.ok(await until(() => states.includes('stopped')), 'stopped at the BYE');
  t.same(states, ['starting', 'on', 'stopped'], 'each recording state reported once');
});

t.test('the callee rings too long: the caller gets 408, the callee a CANCEL', async (t) => {
  const r = await rig(t, { answerTimeoutMs: 400 });
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 180 }));
  await response(r.alice, call.invite, 408, 3000);
  const canceled = await r.bob.rec.wait('inviteCanceled');
  t.equal(canceled.args[0], bob.tx, 'bob\'s INVITE was CANCELed');
  const end = await ended;
  t.equal(end.reason, 'no-answer', 'ended as unanswered');
  t.equal(end.statusCode, 408);
  t.equal(end.recording, 'off');
});
