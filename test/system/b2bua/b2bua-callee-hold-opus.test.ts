/**
 * The callee's side of things and other codecs: a call negotiated on opus is recorded on opus (the
 * SRS is offered the codec the phones use and stores it raw); the callee puts the call on hold
 * (re-INVITE a=inactive from leg b, relayed to the caller) and the recording pauses.
 */
import t from 'tap';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { describeAudio } from '../../../lib/b2bua/index.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { aliceCalls, bobRings, response, rig, sdpElements, sdpTarget, until } from './rig.js';

const opusSdp = (port: number, direction = 'sendrecv'): string => [
  'v=0', `o=phone ${port} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  `m=audio ${port} RTP/AVP 111 101`, 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 useinbandfec=1',
  'a=rtpmap:101 telephone-event/48000', `a=${direction}`, '',
].join('\r\n');

t.test('an opus call is recorded on opus; the callee holds, the caller is told, the recording pauses', async (t) => {
  const r = await rig(t);
  const states: string[] = [];
  r.b2bua.on('recordingStateChanged', (e) => states.push(e.recording));
  const call = aliceCalls(r, opusSdp(r.alice.rtp.local.port));
  const bob = await bobRings(r);
  t.match(bob.tx.requestElements.messageElements.contentText, /a=fmtp:111 useinbandfec=1/, 'fmtp passed through');
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(opusSdp(r.bob.rtp.local.port)) }));
  const ok = await response(r.alice, call.invite, 200);
  call.assoc.sendAck(ok);
  t.ok(await until(() => states.includes('on')), 'recording');
  t.same(r.b2bua.activeCalls.map((c) => c.codec), ['opus/48000'], 'the call runs on opus');
  await r.alice.sendRtp(sdpTarget(ok), 10, 111);
  await r.bob.sendRtp(bob.relay, 10, 111);
  t.ok(await until(() => r.bob.received.get(111) === 10 && r.alice.received.get(111) === 10), 'opus relayed both ways');

  // bob holds: his re-INVITE reaches alice rewritten.
  const hold = bob.assoc.sendInvite(sdpElements(opusSdp(r.bob.rtp.local.port, 'inactive')));
  const reinv = (await r.alice.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'INVITE')).args[0] as ServerTransaction;
  const seen = describeAudio(reinv.requestElements.messageElements.content!)!;
  t.equal(seen.direction, 'inactive', 'alice got bob\'s hold');
  t.equal(seen.rtpPort, sdpTarget(ok).port, 'alice is still pointed at her relay leg');
  reinv.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(opusSdp(r.alice.rtp.local.port, 'inactive')) }));
  bob.assoc.sendAck(await response(r.bob, hold, 200));
  t.ok(await until(() => states.includes('paused')), 'the callee\'s hold paused the recording');

  call.assoc.sendBye();
  const bye = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE')).args[0] as ServerTransaction;
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  t.ok(await until(() => listRecordings(r.dir).some((x) => x.index.callIds.includes(ok.request.callId) && x.index.state === 'complete'), 5000), 'stored');
  const stored = listRecordings(r.dir).find((x) => x.index.callIds.includes(ok.request.callId))!;
  t.same(stored.index.streams.map((s) => [s.codec, s.format]), [['opus', 'rtpdump'], ['opus', 'rtpdump']], 'the SRS got the call\'s codec (opus, kept raw)');
  t.same(stored.index.streams.map((s) => s.packets), [10, 10], 'every opus packet of each side');
});
