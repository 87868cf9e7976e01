/**
 * INVITE edge cases on a fake clock: the callee's 2xx never ACKed (errorOccurredInDialog and BYE,
 * RFC 3261 §13.3.1.4), a reliable 1xx never PRACKed (504, RFC 3262 §3), and early dialogs from two
 * forks where the 2xx comes from the second (the association follows the answered fork).
 */
import t, { type Test } from 'tap';
import { DialogState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { createResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party, tick } from '../../unit/api/party.js';

const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

/**
 * alice INVITEs bob (bob on a fake clock, with `t1` if given) offering 100rel; bob answers a
 * reliable 180 (Require: 100rel) and alice has received it; nobody has PRACKed yet.
 */
async function reliable180Unacked(t: Test, t1?: number) {
  const clockB = new FakeClock();
  const a = await party('alice');
  const b = await party('bob', { clock: clockB, t1 });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite(new MessageElements({ headers: [['Supported', '100rel']] }));
  const inTx = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 180, messageElements: new MessageElements({ headers: [['Require', '100rel']] }) }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x.responseElements?.statusCode === 180);
  return { clockB, a, b, assoc, invite, inTx, uas };
}

/** alice INVITEs bob (bob on a fake clock); bob answers 200 and alice has it; nobody has ACKed. */
async function answeredUnacked(t: Test) {
  const clockB = new FakeClock();
  const a = await party('alice', { clock: new FakeClock() });
  const b = await party('bob', { clock: clockB });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite();
  const inTx = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  return { clockB, a, b, assoc, invite, inTx, uas };
}

t.test('no ACK for the 2xx: the callee ends the dialog with BYE and reports Timeout', async (t) => {
  const { clockB, a, b, assoc, invite, inTx, uas } = await answeredUnacked(t);
  // alice never ACKs
  clockB.advance(32_000);
  const e = await b.rec.wait('errorOccurredInDialog');
  t.equal((e.args[0] as { code: string }).code, 'Timeout');
  t.equal(e.args[1], inTx);
  t.equal(e.args[2], uas);
  t.equal(uas.dialog.state, DialogState.Terminated);
  const bye = (await a.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  t.equal(assoc.dialog.state, DialogState.Terminated);
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  for (const o of [bye, inTx, uas, assoc]) o.dispose();
  invite.forceDispose();
});

t.test('a BYE before the ACK stops the 2xx retransmission: no ACK timeout for a dialog that ended (RFC 3261 §13.3.1.4, §15.1.2)', async (t) => {
  const { clockB, a, b, assoc, invite, inTx, uas } = await answeredUnacked(t);
  t.equal(b.client.stack.stats().transactions.retransmitting2xx, 1, 'the 2xx waits for its ACK');
  // alice's ACK is "lost" (never sent); her BYE reaches bob
  const byeOut = assoc.sendBye();
  const bye = (await b.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  t.equal(b.client.stack.stats().transactions.retransmitting2xx, 0, 'the BYE stopped the 2xx retransmission');
  t.equal(uas.dialog.state, DialogState.Terminated);
  bye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === byeOut);
  const strays = a.rec.events.length;
  // the whole 64*T1 window passes on bob's clock: no retransmission, no Timeout, no BYE from bob
  for (let ms = 0; ms < 32_000; ms += 4_000) {
    clockB.advance(4_000);
    await tick(2);
  }
  await tick(50);
  t.notOk(b.rec.events.some((e) => e.name === 'errorOccurredInDialog'), 'no ACK timeout reported');
  t.notOk(a.rec.events.slice(strays).some((e) => e.name === 'incomingRequestInDialog'), 'bob sent no BYE');
  for (const o of [bye, inTx, uas, assoc, byeOut]) o.dispose();
  invite.forceDispose();
});

t.test('no PRACK for a reliable 1xx: 504 to the INVITE, errorOccurredInDialog on the callee', async (t) => {
  const { clockB, a, b, assoc, invite, inTx, uas } = await reliable180Unacked(t);
  t.throws(() => inTx.sendResponse(new ResponseElements({ statusCode: 183, messageElements: new MessageElements({ headers: [['Require', '100rel']] }) })), { code: 'InvalidState' }, 'one unacknowledged reliable 1xx at a time');
  // alice does not PRACK
  for (let ms = 0; ms < 32_000; ms += 4000) {
    clockB.advance(4000);
    await tick(5);
  }
  const e = await b.rec.wait('errorOccurredInDialog');
  t.equal((e.args[0] as { code: string }).code, 'Timeout');
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite && x.responseElements?.statusCode === 504);
  t.equal(a.rec.events.filter((ev) => ev.name === 'incomingResponseInDialog' && ev.args[0] === invite).length, 2, 'the 180 once (retransmissions dropped, RFC 3262 §4), then the 504');
  for (const o of [inTx, uas, assoc, invite]) o.dispose();
});

t.test('early dialogs from two forks; the 2xx comes from the second', async (t) => {
  const server = await FakeServer.start({
    behaviour: (req, tx, srv) => {
      if (req.method !== 'INVITE') return undefined;
      const early = createResponse(req, 183, undefined, 'fork1');
      early.headers.set('Contact', `<sip:one@127.0.0.1:${srv.port}>`);
      tx.respond(early);
      const early2 = createResponse(req, 183, undefined, 'fork2');
      early2.headers.set('Contact', `<sip:two@127.0.0.1:${srv.port}>`);
      tx.respond(early2);
      setTimeout(() => {
        const ok = createResponse(req, 200, undefined, 'fork2');
        ok.headers.set('Contact', `<sip:two@127.0.0.1:${srv.port}>`);
        srv.stack.send2xxUntilAck(tx as never, ok);
      }, 50);
      return 'handled';
    },
  });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@127.0.0.1:${server.port}>` });
  const invite = assoc.sendInvite();
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x.responseElements?.statusCode === 183);
  t.equal(assoc.dialog.state, DialogState.Early);
  t.equal(assoc.dialog.remoteTag, 'fork1', 'the first early dialog');
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x.responseElements?.statusCode === 200);
  t.equal(assoc.dialog.remoteTag, 'fork2', 'the association follows the answered fork');
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  t.equal(assoc.dialog.remoteUri, `sip:two@127.0.0.1:${server.port}`);
  t.notOk(a.rec.names().includes('incomingResponseForkedInvite'), 'no forked association for an early fork that never answered');
  assoc.sendAck(invite);
  await tick(20);
  invite.forceDispose();
  assoc.dispose();
});

t.test('reliable 183s from two early forks: each PRACKed in its own early dialog', async (t) => {
  const pracks: string[] = [];
  const server = await FakeServer.start({
    behaviour: (req, tx, srv) => {
      if (req.method !== 'INVITE') return undefined;
      for (const [i, tag] of ['f1', 'f2'].entries()) {
        srv.stack.registerDialog({ callId: req.callId, localTag: tag }, {
          user: { uid: 'x', methods: [], claim: () => undefined, onRequest: () => undefined },
          onRequest: (inTx) => {
            if (inTx.request.method === 'PRACK') pracks.push(`${tag} ${inTx.request.headers.get('RAck')}`);
            inTx.respond(createResponse(inTx.request, 200));
          },
        });
        const r = createResponse(req, 183, undefined, tag);
        r.headers.set('Contact', `<sip:${tag}@127.0.0.1:${srv.port}>`);
        r.headers.set('Require', '100rel');
        r.headers.set('RSeq', String(10 + i));
        tx.respond(r);
      }
      return 'handled';
    },
  });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@127.0.0.1:${server.port}>` });
  const invite = assoc.sendInvite(new MessageElements({ headers: [['Supported', '100rel']] }));
  for (let i = 0; i < 100 && a.rec.events.filter((e) => e.name === 'incomingResponseInDialog').length < 2; i++) await tick(10);
  const p1 = assoc.sendPrack();
  const p2 = assoc.sendPrack();
  t.throws(() => assoc.sendPrack(), { code: 'InvalidState' });
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === p1 && x.responseElements?.statusCode === 200);
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === p2 && x.responseElements?.statusCode === 200);
  t.same(pracks.sort(), ['f1 10 ' + invite.request.cseq.seq + ' INVITE', 'f2 11 ' + invite.request.cseq.seq + ' INVITE']);
  for (const o of [p1, p2, invite, assoc]) o.forceDispose();
});

t.test('the reliable 1xx follows the stack\'s T1 (TimerSettings): with T1 = 100 ms no PRACK ends it at 64*T1 = 6.4 s', async (t) => {
  const { clockB, a, b, assoc, invite, inTx, uas } = await reliable180Unacked(t, 100);
  // alice does not PRACK
  for (let ms = 0; ms < 6300; ms += 700) {
    clockB.advance(700);
    await tick(5);
  }
  clockB.advance(6399 - 6300);
  await tick(20);
  t.notOk(b.rec.events.some((ev) => ev.name === 'errorOccurredInDialog'), 'still waiting for the PRACK at 6.4 s - 1 ms');
  clockB.advance(1);
  const e = await b.rec.wait('errorOccurredInDialog');
  t.equal((e.args[0] as { code: string }).code, 'Timeout', 'given up at 64*T1 of the configured T1 (not of 500 ms)');
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite && x.responseElements?.statusCode === 504);
  for (const o of [inTx, uas, assoc, invite]) o.dispose();
});

t.test('RFC 3261 §15: the callee\'s BYE before the ACK is held (Constructing) and goes when the ACK comes', async (t) => {
  const { a, b, assoc, invite, inTx, uas } = await answeredUnacked(t);
  const bye = uas.sendBye();
  t.equal(bye.state, 'Constructing', 'built, not sent');
  t.equal(uas.dialog.state, DialogState.Terminated, 'the dialog ends at once, as for any BYE');
  t.throws(() => uas.sendBye(), { code: 'InvalidDialogState' }, 'a second BYE is refused, held one or not');
  await tick(100);
  t.notOk(a.rec.events.some((e) => e.name === 'incomingRequestInDialog'), 'no BYE on the wire before the ACK');
  assoc.sendAck(invite);
  const got = (await a.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  t.not(bye.state, 'Constructing', 'sent once the ACK came');
  got.sendResponse(new ResponseElements({ statusCode: 200 }));
  await b.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye);
  for (const o of [got, bye, inTx, uas, assoc]) o.dispose();
  invite.forceDispose();
});

t.test('RFC 3261 §15: a held BYE goes at the ACK timeout when no ACK comes (once), and also after the app disposed the association', async (t) => {
  const first = await answeredUnacked(t);
  const bye = first.uas.sendBye();
  first.clockB.advance(32_000);
  const got = (await first.a.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  got.sendResponse(new ResponseElements({ statusCode: 200 }));
  await first.b.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye);
  const e = await first.b.rec.wait('errorOccurredInDialog');
  t.equal((e.args[0] as { code: string }).code, 'Timeout', 'the app is told there was no ACK');
  await tick(50);
  t.equal(first.a.rec.events.filter((x) => x.name === 'incomingRequestInDialog').length, 1, 'one BYE, the app\'s');

  // the association disposed right after sendBye: the dialog is no longer routed, the stack's word on the ACK still releases the BYE
  const second = await answeredUnacked(t);
  const bye2 = second.uas.sendBye();
  second.uas.dispose();
  second.assoc.sendAck(second.invite);
  await tick(50);
  t.equal(bye2.state, 'Constructing', 'not before the clock turns: the stack tells the 2xx\'s hooks outside its receive path');
  second.clockB.advance(0);
  await second.a.rec.wait('incomingRequestInDialog', method('BYE'));
  t.not(bye2.state, 'Constructing');
  bye2.dispose();
});
