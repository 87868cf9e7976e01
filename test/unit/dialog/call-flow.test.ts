/**
 * The dialog pieces together, as the stack will use them: INVITE with 100rel and session timer,
 * reliable 183 with the answer, PRACK, 200, ACK, a refresh by UPDATE, then an expiry and BYE.
 * Messages cross a "wire" (serialize → parse) so both sides see what a peer would send.
 */
import t from 'tap';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { type SipMessage, SipRequest, type SipResponse, createResponse, parseMessage, serializeMessage } from '../../../lib/message/index.js';
import { DialogTable } from '../../../lib/dialog/dialog-table.js';
import { UacDialogSet } from '../../../lib/dialog/dialog-set.js';
import { createUasDialog } from '../../../lib/dialog/dialog-factory.js';
import { OfferAnswer } from '../../../lib/dialog/offer-answer.js';
import { ReliableProvisionalReceiver } from '../../../lib/dialog/reliable-provisional-receiver.js';
import { ReliableProvisionalSender } from '../../../lib/dialog/reliable-provisional-sender.js';
import { SessionTimer } from '../../../lib/dialog/session-timer.js';
import { negotiateAsUac, negotiateAsUas, uacRequestHeaders } from '../../../lib/dialog/session-timer-negotiation.js';
import { NameAddr } from '../../../lib/message/index.js';

let branch = 0;
function wire<T extends SipMessage>(m: T): T {
  if (m.isRequest() && m.via.length === 0) m.headers.prepend('Via', `SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKflow${++branch}`);
  return parseMessage(serializeMessage(m)) as unknown as T;
}

t.test('INVITE / reliable 183 / PRACK / 200 / ACK / UPDATE refresh / expiry / BYE', async (t) => {
  const clock = new FakeClock();
  const aliceTable = new DialogTable();
  const bobTable = new DialogTable();
  const aliceOA = new OfferAnswer();
  const bobOA = new OfferAnswer();

  // Alice sends the INVITE with an offer
  const invite = new SipRequest({
    method: 'INVITE',
    uri: 'sip:bob@192.0.2.2',
    headers: [
      ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKinv'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@example.com>;tag=alice1'],
      ['To', '<sip:bob@example.com>'],
      ['Call-ID', 'flow-1'],
      ['CSeq', '1 INVITE'],
      ['Contact', '<sip:alice@192.0.2.1>'],
      ['Supported', '100rel'],
      ...uacRequestHeaders({ sessionExpires: 600 }),
      ['Content-Type', 'application/sdp'],
    ],
    body: 'v=0 offer\r\n',
  });
  aliceOA.offerSent();
  const set = new UacDialogSet(invite);
  const aliceRx = new ReliableProvisionalReceiver();

  // Bob receives it
  const bobInvite = wire(invite);
  const bob = createUasDialog(bobInvite, { localContact: NameAddr.parse('<sip:bob@192.0.2.2>') });
  bobTable.add(bob);
  t.same(bobOA.offerReceived(), { accept: true });
  const timerDecision = negotiateAsUas(bobInvite, { preferredRefresher: 'uac' });
  if (timerDecision.kind !== 'accept') throw new Error('expected accept');
  const toAlice: SipResponse[] = [];
  const sender = new ReliableProvisionalSender({ clock, transmit: (r) => toAlice.push(wire(r)), onTimeout: () => t.fail('PRACK came') , initialRSeq: 7 });
  const r183 = createResponse(bobInvite, 183, undefined, bob.id.localTag);
  r183.headers.append('Contact', bob.localContact!.toString());
  r183.headers.append('Content-Type', 'application/sdp');
  r183.body = Buffer.from('v=0 answer\r\n');
  bob.responseSent(sender.send(r183));
  bobOA.answerSent();
  t.equal(bob.state, 'Early');
  clock.advance(500); // one retransmission before the PRACK

  // Alice: the early dialog, the PRACK
  let prack: SipRequest | undefined;
  for (const res of toAlice) {
    const { dialog, created } = set.receiveResponse(res);
    if (created) aliceTable.add(dialog!);
    const v = aliceRx.receive(res);
    if (v.kind === 'accept') {
      aliceOA.answerReceived();
      prack = dialog!.createRequest('PRACK', { headers: { RAck: v.rack } });
    }
  }
  t.equal(toAlice.length, 2);
  t.equal(aliceTable.size, 1);
  const alice = aliceTable.all()[0];
  t.equal(alice.state, 'Early');
  t.equal(prack?.headers.get('RAck'), '7 1 INVITE');
  t.equal(aliceOA.exchanges, 1);

  // Bob: PRACK matches, then the 200 with the session timer
  const bobPrack = wire(prack!);
  const matched = bobTable.matchRequest(bobPrack);
  t.equal(matched, bob);
  t.same(bob.receiveRequest(bobPrack).accept, true);
  t.ok(sender.receivePrack(bobPrack).matched);
  const r200 = createResponse(bobInvite, 200, undefined, bob.id.localTag);
  r200.headers.append('Contact', bob.localContact!.toString());
  for (const [n, v] of timerDecision.headers) r200.headers.append(n, v);
  bob.responseSent(r200);
  sender.finalResponseSent();
  t.equal(bob.state, 'Confirmed');
  const bobEvents: string[] = [];
  const bobTimer = new SessionTimer(clock, timerDecision.timer!, { onRefreshDue: () => bobEvents.push('refresh'), onExpired: () => bobEvents.push('expired') });

  // Alice: confirmed, ACK, timer as refresher
  const a200 = wire(r200);
  set.receiveResponse(a200);
  t.equal(alice.state, 'Confirmed');
  const negotiated = negotiateAsUac(a200);
  t.same(negotiated, { interval: 600, refresher: 'uac', localRefreshes: true });
  const ack = alice.createAck(1);
  t.same(bob.receiveRequest(wire(ack)).accept, true);
  const aliceEvents: string[] = [];
  let update: SipRequest | undefined;
  const aliceTimer = new SessionTimer(clock, negotiated!, {
    onRefreshDue: () => {
      aliceEvents.push(`refresh@${clock.now()}`);
      update = alice.createRequest('UPDATE', { headers: uacRequestHeaders({ sessionExpires: 600, refresher: 'uac' }) });
    },
    onExpired: () => aliceEvents.push('expired'),
  });

  // 300 s later Alice refreshes with UPDATE; Bob answers; both restart
  clock.advance(300_000);
  t.same(aliceEvents, ['refresh@300500']);
  const bobUpdate = wire(update!);
  t.same(bob.receiveRequest(bobUpdate), { accept: true, targetRefreshed: true });
  const again = negotiateAsUas(bobUpdate);
  t.equal(again.kind === 'accept' && again.timer?.localRefreshes, false);
  bobTimer.refreshed(again.kind === 'accept' ? again.timer : undefined);
  const u200 = createResponse(bobUpdate, 200);
  for (const [n, v] of again.kind === 'accept' ? again.headers : []) u200.headers.append(n, v);
  const aU200 = wire(u200);
  alice.receiveResponse(aU200);
  aliceTimer.refreshed(negotiateAsUac(aU200));
  t.same(bobEvents, []);

  // Alice goes silent: Bob's timer expires at 600 − 32 s after the refresh and Bob hangs up
  aliceTimer.dispose();
  clock.advance(568_000);
  t.same(bobEvents, ['expired']);
  bobTimer.dispose();
  const bye = bob.createRequest('BYE', { endReason: 'SessionTimerExpired' });
  t.equal(bob.endReason, 'SessionTimerExpired');
  t.equal(bobTable.size, 0);
  const aBye = wire(bye);
  t.equal(aliceTable.matchRequest(aBye), alice);
  t.same(alice.receiveRequest(aBye), { accept: true, targetRefreshed: false });
  t.equal(alice.endReason, 'RemoteBye');
  t.equal(aliceTable.size, 0, 'nothing left in either table');
  t.equal(clock.pending(), 0, 'no timer left');
});
