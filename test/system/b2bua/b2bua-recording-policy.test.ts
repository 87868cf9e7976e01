/**
 * The recording B2BUA's `recordingRequired` on the SrcManager's recording requirement, with two
 * SRS entries: one records (a tsip Srs), the other points at a port nobody listens on. 'any'
 * (true) answers the caller once one entry records; 'all' refuses the call with 503.
 */
import t from 'tap';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import type { B2buaCallEndedEvent, B2buaRecordingEvent } from '../../../lib/b2bua/index.js';
import { aliceCalls, bobRings, phoneSdp, response, rig, sdpElements } from './rig.js';

t.test("recordingRequired true ('any'), one of two SRS entries down: the call is answered once the other records", async (t) => {
  const r = await rig(t, { recordingRequired: true, secondSrsDown: true });
  const states: string[] = [];
  r.b2bua.on('recordingStateChanged', (e: B2buaRecordingEvent) => states.push(e.recording));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  const ok = await response(r.alice, call.invite, 200, 8000);
  call.assoc.sendAck(ok);
  t.same(states, ['starting', 'on']);
  t.equal(r.srs?.activeSessions, 1, 'the working SRS records');
  call.assoc.sendBye();
  const bye = (await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE')).args[0] as ServerTransaction;
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
});

t.test("recordingRequired 'all', one of two SRS entries down: the caller gets 503, the callee BYE", async (t) => {
  const r = await rig(t, { recordingRequired: 'all', secondSrsDown: true });
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const call = aliceCalls(r);
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  await response(r.alice, call.invite, 503, 8000);
  await r.bob.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE');
  const end = await ended;
  t.equal(end.reason, 'recording-unavailable');
  t.equal(end.statusCode, 503);
});
