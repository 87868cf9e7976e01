/**
 * A delayed-offer call through the recording B2BUA (RFC 3261 §13.2.1: the INVITE has no SDP, the
 * callee offers in its 2xx, the caller answers in its ACK): the callee gets an offer-less INVITE,
 * the caller the callee's offer on the relay with one voice codec (the recorded one), the callee's
 * ACK carries the caller's answer on the relay; RTP flows both ways and the recording is on that
 * codec. A caller's ACK without an answer ends both legs. Before 2026-12-08 such an INVITE got 488.
 */
import t from 'tap';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import { InviteDialogAssoc } from '../../../lib/api/index.js';
import { describeAudio, type B2buaCallEndedEvent } from '../../../lib/b2bua/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import type { RecordingStartedEvent, RecordingStoppedEvent } from '../../../include-types/siprec.js';
import { phoneSdp, response, rig, sdpElements, sdpTarget, until, type Rig } from './rig.js';

/** alice calls bob through the B2BUA without an offer; bob gets it and offers PCMA, PCMU in his 200. */
async function delayedOfferCall(r: Rig) {
  const assoc = InviteDialogAssoc.create(r.alice.conn, { to: `<${r.bobUri}>`, from: '"Alice" <sip:alice@example.com>' });
  const invite = assoc.sendInvite();
  const tx = (await r.bob.rec.wait('incomingRequest', (x: ServerTransaction) => x.type === 'INVITE')).args[0] as ServerTransaction;
  const bob = InviteDialogAssoc.fromServerTransaction(tx);
  tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port, 'sendrecv', [8, 0])) }));
  const ok = await response(r.alice, invite, 200);
  return { assoc, invite, bobInvite: tx, bob, ok };
}

t.test('delayed offer: the callee offers in its 2xx, the caller answers in its ACK; media and recording on the one codec', async (t) => {
  const r = await rig(t);
  const started = new Promise<RecordingStartedEvent>((res) => r.recorder.once('recordingStarted', res));
  const stopped = new Promise<RecordingStoppedEvent>((res) => r.recorder.once('recordingStopped', res));
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = await delayedOfferCall(r);
  t.equal(call.bobInvite.requestElements.messageElements.content?.length ?? 0, 0, 'bob\'s INVITE has no offer either');

  const offer = describeAudio(call.ok.responseElements!.messageElements.content!)!;
  t.same(offer.codecs.map((c) => c.name), ['PCMA', 'telephone-event'], 'alice is offered bob\'s first voice codec (and telephone-event)');
  const toRelayA = sdpTarget(call.ok);
  t.not(toRelayA.port, r.bob.rtp.local.port, 'on the relay, not bob\'s port');

  // alice answers in her ACK; bob's ACK carries it, on the relay
  const bobAck = r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'ACK');
  call.assoc.sendAck(call.ok, sdpElements(phoneSdp(r.alice.rtp.local.port, 'sendrecv', [8])));
  const ack = (await bobAck).args[0] as ServerTransaction;
  const answer = describeAudio(ack.requestElements.messageElements.content!);
  t.ok(answer, 'bob\'s ACK carries the answer');
  t.same(answer!.codecs.map((c) => c.name), ['PCMA', 'telephone-event']);
  t.not(answer!.rtpPort, r.alice.rtp.local.port, 'on the relay, not alice\'s port');
  const toRelayB = { address: answer!.address, port: answer!.rtpPort };

  const s = await started;
  t.same(r.b2bua.activeCalls.map((c) => c.codec), ['PCMA/8000'], 'the codec of the one offered');
  await r.alice.sendRtp(toRelayA, 10, 8);
  await r.bob.sendRtp(toRelayB, 12, 8);
  t.ok(await until(() => (r.bob.received.get(8) ?? 0) === 10 && (r.alice.received.get(8) ?? 0) === 12), 'RTP both ways through the relay');

  const bye = call.assoc.sendBye();
  const bobBye = (await r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE')).args[0] as ServerTransaction;
  bobBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await response(r.alice, bye as ClientTransaction, 200);
  t.equal((await ended).reason, 'hangup-caller');
  const stop = await stopped;
  t.same(stop.packetsSent, { 1: 10, 2: 12 }, 'both directions forked to the SRS');
  await until(() => listRecordings(r.dir).some((x) => x.index.callIds.includes(s.callId)));
  const stored = listRecordings(r.dir).find((x) => x.index.callIds.includes(s.callId));
  t.same(stored?.index.streams.map((x) => x.codec), ['PCMA', 'PCMA'], 'stored with the codec the call used');
});

t.test('delayed offer: a caller\'s ACK without an answer ends both legs', async (t) => {
  const r = await rig(t);
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = await delayedOfferCall(r);
  const bobAck = r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'ACK');
  const bobBye = r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE');
  const aliceBye = r.alice.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE');
  call.assoc.sendAck(call.ok); // no SDP: the offer in the 200 went unanswered
  const ack = (await bobAck).args[0] as ServerTransaction;
  t.equal(ack.requestElements.messageElements.content?.length ?? 0, 0, 'bob\'s 2xx is ACKed all the same (RFC 3261 §13.2.2.4)');
  for (const bye of [(await bobBye).args[0], (await aliceBye).args[0]] as ServerTransaction[]) bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  t.pass('both legs got BYE');
  t.equal((await ended).reason, 'failed');
});

t.test('delayed offer: a callee whose 2xx has no audio offer gets ACK and BYE, the caller 502', async (t) => {
  const r = await rig(t);
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const assoc = InviteDialogAssoc.create(r.alice.conn, { to: `<${r.bobUri}>`, from: '"Alice" <sip:alice@example.com>' });
  const invite = assoc.sendInvite();
  const tx = (await r.bob.rec.wait('incomingRequest', (x: ServerTransaction) => x.type === 'INVITE')).args[0] as ServerTransaction;
  InviteDialogAssoc.fromServerTransaction(tx);
  const bobAck = r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'ACK');
  const bobBye = r.bob.rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'BYE');
  tx.sendResponse(new ResponseElements({ statusCode: 200 })); // no SDP: nothing to offer alice
  await response(r.alice, invite, 502);
  t.pass('the caller got 502');
  await bobAck;
  ((await bobBye).args[0] as ServerTransaction).sendResponse(new ResponseElements({ statusCode: 200 }));
  t.pass('the callee got ACK, then BYE');
  t.equal((await ended).reason, 'failed');
});
