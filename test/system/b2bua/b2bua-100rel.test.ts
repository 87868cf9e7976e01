/**
 * RFC 3262 through the recording B2BUA: a caller whose INVITE says `Require: 100rel` gets the
 * callee's ringing as a reliable 180 (Require: 100rel, RSeq), retransmitted until its PRACK, which
 * the B2BUA answers 200; the call then goes on as any other. A 183 that comes while the 180 still
 * waits for its PRACK is held and sent once the PRACK came (RFC 3262 §3: one at a time). Before
 * 2026-12-08 the 1xx went unreliably and a PRACK got 405.
 */
import t from 'tap';
import { InviteDialogAssoc } from '../../../lib/api/index.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { B2buaCallEndedEvent } from '../../../lib/b2bua/index.js';
import { bobRings, phoneSdp, response, rig, sdpElements } from './rig.js';

t.test('a caller that requires 100rel gets a reliable 180 and its PRACK is answered 200', async (t) => {
  const r = await rig(t);
  const ended = new Promise<B2buaCallEndedEvent>((res) => r.b2bua.once('callEnded', res));
  const assoc = InviteDialogAssoc.create(r.alice.conn, { to: `<${r.bobUri}>`, from: '"Alice" <sip:alice@example.com>' });
  const invite = assoc.sendInvite(new MessageElements({ headers: [['Require', '100rel']], content: phoneSdp(r.alice.rtp.local.port), contentType: 'application/sdp' }));
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 180 }));
  const ringing = await response(r.alice, invite, 180);
  const me = ringing.responseElements!.messageElements;
  t.match(me.header('Require'), /100rel/, 'the 180 requires 100rel (RFC 3262 §3)');
  t.match(me.header('RSeq'), /^\d+$/, 'with an RSeq');
  const prack = assoc.sendPrack();
  await response(r.alice, prack, 200);
  t.pass('the PRACK was answered 200');

  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  const ok = await response(r.alice, invite, 200);
  assoc.sendAck(ok);
  const bye = assoc.sendBye();
  await response(r.alice, bye as ClientTransaction, 200);
  t.equal((await ended).reason, 'hangup-caller', 'the call went on as any other');
});

t.test('a second 1xx while the first reliable one waits for its PRACK goes once the PRACK came (RFC 3262 §3)', async (t) => {
  const r = await rig(t);
  const assoc = InviteDialogAssoc.create(r.alice.conn, { to: `<${r.bobUri}>`, from: '"Alice" <sip:alice@example.com>' });
  const invite = assoc.sendInvite(new MessageElements({ headers: [['Require', '100rel']], content: phoneSdp(r.alice.rtp.local.port), contentType: 'application/sdp' }));
  const bob = await bobRings(r);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 180 }));
  bob.tx.sendResponse(new ResponseElements({ statusCode: 183, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  const ringing = await response(r.alice, invite, 180);
  const rseq = Number(ringing.responseElements!.messageElements.header('RSeq'));
  // the 183 is held until the 180 is PRACKed
  await new Promise((res) => setTimeout(res, 200));
  t.notOk(r.alice.rec.events.some((c) => c.name === 'incomingResponseInDialog' && (c.args[0] as ClientTransaction).responseElements?.statusCode === 183), 'no 183 before the PRACK');
  await response(r.alice, assoc.sendPrack(), 200);
  const early = await response(r.alice, invite, 183);
  const me = early.responseElements!.messageElements;
  t.equal(Number(me.header('RSeq')), rseq + 1, 'the 183 came next, reliably (RSeq + 1)');
  t.ok(me.content !== undefined && me.content.length > 0, 'with the callee\'s early-media SDP (on the relay)');
  await response(r.alice, assoc.sendPrack(), 200);
  bob.tx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdpElements(phoneSdp(r.bob.rtp.local.port)) }));
  assoc.sendAck(await response(r.alice, invite, 200));
  t.pass('answered');
});
