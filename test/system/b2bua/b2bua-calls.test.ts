/**
 * A call through the recording B2BUA between two tsip phones: early media (183 with SDP) relayed
 * before the answer and not recorded; after the answer RTP relayed both ways, DTMF (RFC 4733
 * telephone-event) relayed but not forked to the SRS, the callee latched where its packets come
 * from (not where its SDP said: a phone behind NAT), the recording on PCMU with both
 * participants and the caller leg's Call-ID; hold (re-INVITE a=sendonly) pauses the recording and
 * unhold resumes it, each re-INVITE relayed with its SDP rewritten; BYE from the callee ends both legs.
 */
import t from 'tap';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import { describeAudio, type B2buaCallEndedEvent } from '../../../lib/b2bua/index.js';
import { RtpEndpoint } from '../../../lib/siprec/media/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import type { RecordingStartedEvent, RecordingStoppedEvent } from '../../../include-types/siprec.js';
import { aliceCalls, bobRings, phoneSdp, response, rig, sdpElements, sdpTarget, until } from './rig.js';

t.test('early media, answer, DTMF, latching, hold/unhold, BYE from the callee', async (t) => {
  const r = await rig(t);
  const recEvents: string[] = [];
  const states: string[] = [];
  r.b2bua.on('recordingStateChanged', (e) => states.push(e.recording));
  for (const ev of ['recordingStarted', 'recordingPaused', 'recordingResumed', 'recordingStopped'] as const) r.recorder.on(ev, () => recEvents.push(ev));
  const started = new Promise<RecordingStartedEvent>((res) => r.recorder.once('recordingStarted', res));
  const stopped = new Promise<RecordingStoppedEvent>((res) => r.recorder.once('recordingStopped', res));
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));

  const call = aliceCalls(r);
  const bob = await bobRings(r);
  t.not(bob.relay.port, r.alice.rtp.local.port, 'bob is offered the relay, not alice\'s port');
  const offered = describeAudio(bob.tx.requestElements.messageElements.content!)!;
  t.same(offered.codecs.map((c) => c.name), ['PCMU', 'PCMA', 'telephone-event'], 'codecs passed through unchanged');

  // bob signals a port nobody uses; his packets really come from another socket (NAT).
  const dead = await RtpEndpoint.bind({ address: '127.0.0.1' });
  const bobSdp = phoneSdp(dead.local.port, 'sendrecv', [8, 0]);
  await dead.close(); // the signalled port is dead: only latching can reach bob
  bob.tx.sendResponse(new ResponseElements({ statusCode: 183, messageElements: sdpElements(bobSdp) }));
  const early = await response(r.alice, call.invite, 183);
  await r.bob.sendRtp(bob.relay, 5, 8);
  t.ok(await until(() => (r.alice.received.get(8) ?? 0) === 5), 'early media reached alice through the relay');
  t.equal(recEvents.length, 0, 'early media is not recorded (recording starts at answer)');

  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(bobSdp) }));
  const ok = await response(r.alice, call.invite, 200);
  call.assoc.sendAck(ok);
  const s = await started;
  t.equal(s.callId, ok.request.callId, 'the recording carries the caller leg\'s Call-ID');
  t.same(r.b2bua.activeCalls.map((c) => c.codec), ['PCMA/8000'], 'the codec of the callee\'s answer');

  const toRelay = sdpTarget(ok);
  t.same(sdpTarget(early), toRelay, 'the 183 and the 200 both gave alice the relay');
  t.not(toRelay.port, r.bob.rtp.local.port, 'not bob\'s own port');
  await r.bob.sendRtp(bob.relay, 10, 8); // bob speaks first: the relay latches his source
  await r.alice.sendRtp(toRelay, 20, 8);
  await r.alice.sendRtp(toRelay, 5, 101); // a DTMF digit (RFC 4733)
  t.ok(await until(() => (r.bob.received.get(8) ?? 0) === 20 && (r.bob.received.get(101) ?? 0) === 5), 'alice\'s voice and DTMF reached bob at his real (latched) address');
  t.equal(r.alice.received.get(8), 15, 'bob\'s voice reached alice');
  const call0 = r.b2bua.call(s.callId)!;
  t.equal(call0.media?.b.latched, true, 'the callee leg latched');

  // Hold: alice re-INVITEs with a=sendonly; bob sees the re-INVITE with the relay's address.
  const hold = call.assoc.sendInvite(sdpElements(phoneSdp(r.alice.rtp.local.port, 'sendonly', [8, 0])));
  const reinv = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'INVITE')).args[0] as ServerTransaction;
  const held = describeAudio(reinv.requestElements.messageElements.content!)!;
  t.equal(held.direction, 'sendonly', 'the hold reached bob');
  t.equal(held.rtpPort, bob.relay.port, 'rewritten onto the relay');
  reinv.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port, 'recvonly', [8])) }));
  const holdOk = await response(r.alice, hold, 200);
  call.assoc.sendAck(holdOk);
  t.equal(describeAudio(holdOk.responseElements!.messageElements.content!)!.direction, 'recvonly', 'the answer came back');
  t.ok(await until(() => recEvents.includes('recordingPaused')), 'hold paused the recording');

  const unhold = call.assoc.sendInvite(sdpElements(phoneSdp(r.alice.rtp.local.port, 'sendrecv', [8, 0])));
  const reinv2 = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'INVITE')).args[0] as ServerTransaction;
  reinv2.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port, 'sendrecv', [8])) }));
  call.assoc.sendAck(await response(r.alice, unhold, 200));
  t.ok(await until(() => recEvents.includes('recordingResumed')), 'unhold resumed it');

  // bob hangs up.
  const bye = bob.assoc.sendBye();
  const aliceBye = (await r.alice.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE')).args[0] as ServerTransaction;
  aliceBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await response(r.bob, bye as ClientTransaction, 200);
  const end = await ended;
  t.equal(end.reason, 'hangup-callee', 'the callee hung up; the caller got BYE');
  const stop = await stopped;
  t.same(stop.packetsSent, { 1: 20, 2: 10 }, 'every voice packet after the answer forked (no early media, no DTMF)');
  t.same(states, ['starting', 'on', 'paused', 'on', 'stopped'], 'the B2BUA reported the recording\'s states in order');
  await until(() => listRecordings(r.dir).length > 0);
  const stored = listRecordings(r.dir).find((x) => x.index.callIds.includes(end.callId));
  t.ok(stored, 'the SRS stored it under the call\'s Call-ID');
  t.same(stored?.index.streams.map((x) => x.codec).sort(), ['PCMA', 'PCMA'], 'with the codec the call used');
  const aors = stored?.index.participants.map((p) => p.aors[0]).sort();
  t.same(aors, ['sip:alice@example.com', `sip:bob@127.0.0.1:${/:(\d+)$/.exec(r.bobUri)![1]}`], 'participants from From and To');
});

t.test('an UPDATE with an offer (RFC 3311) is relayed as an UPDATE: hold and unhold through it, the recording paused and resumed', async (t) => {
  const r = await rig(t);
  const recEvents: string[] = [];
  for (const ev of ['recordingPaused', 'recordingResumed'] as const) r.recorder.on(ev, () => recEvents.push(ev));
  const started = new Promise<RecordingStartedEvent>((res) => r.recorder.once('recordingStarted', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  call.assoc.sendAck(await response(r.alice, call.invite, 200));
  await started;

  const hold = call.assoc.sendUpdate(sdpElements(phoneSdp(r.alice.rtp.local.port, 'sendonly')));
  const upd = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'UPDATE')).args[0] as ServerTransaction;
  const offered = describeAudio(upd.requestElements.messageElements.content!)!;
  t.equal(offered.direction, 'sendonly', 'bob got the hold as an UPDATE');
  t.equal(offered.rtpPort, bob.relay.port, 'rewritten onto the relay');
  upd.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port, 'recvonly')) }));
  const held = await response(r.alice, hold, 200);
  const answer = describeAudio(held.responseElements!.messageElements.content!)!;
  t.equal(answer.direction, 'recvonly', 'the answer came back in the UPDATE\'s 200');
  t.not(answer.rtpPort, r.bob.rtp.local.port, 'on the relay');
  t.ok(await until(() => recEvents.includes('recordingPaused')), 'the hold paused the recording');

  const unhold = call.assoc.sendUpdate(sdpElements(phoneSdp(r.alice.rtp.local.port, 'sendrecv')));
  const upd2 = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'UPDATE')).args[0] as ServerTransaction;
  upd2.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port, 'sendrecv')) }));
  await response(r.alice, unhold, 200);
  t.ok(await until(() => recEvents.includes('recordingResumed')), 'the unhold resumed it');

  // an UPDATE without a body is a session refresh, answered here
  const refresh = call.assoc.sendUpdate();
  await response(r.alice, refresh, 200);
  t.pass('an UPDATE without an offer: 200');
});
