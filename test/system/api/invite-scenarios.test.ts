/**
 * INVITE scenarios between tsip clients and a scripted peer over loopback: CANCEL (and CANCEL
 * crossing the 200), forked 2xx, 481 for a dialog the peer forgot, 491 glare, PRACK (RFC 3262),
 * INVITE timeout, inviteCompleted and the disposal rule of an INVITE client transaction.
 */
import t from 'tap';
import type { Test } from 'tap';
import { DialogState, TransactionState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { createResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party, tick, type Party } from '../../unit/api/party.js';

const status = (code: number) => (tx: ClientTransaction) => tx.responseElements?.statusCode === code;
const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

/** Alice and Bob, closed when the test ends. */
async function parties(t: Test): Promise<{ a: Party; b: Party }> {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  return { a, b };
}

/** Alice calls Bob; Bob answers 200 and gets the ACK: the call is up. */
async function established(a: Party, b: Party) {
  const call = await ringing(a, b);
  call.inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', status(200));
  call.assoc.sendAck(call.invite);
  ((await b.rec.wait('incomingRequestInDialog', method('ACK'))).args[0] as ServerTransaction).dispose();
  return call;
}

async function ringing(a: Party, b: Party, inviteElements?: MessageElements) {
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite(inviteElements);
  const inTx = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  return { assoc, invite, inTx, uas };
}

t.test('CANCEL before the answer: inviteCanceled, 487, both dialogs Terminated', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await ringing(a, b);
  inTx.sendResponse(new ResponseElements({ statusCode: 180 }));
  await a.rec.wait('incomingResponseInDialog', status(180));
  t.ok(invite.cancelAllowed);
  const cancel = invite.cancel();
  t.equal(cancel.type, 'CANCEL');
  t.equal(invite.cancel !== undefined, true);
  const canceled = await b.rec.wait('inviteCanceled');
  t.equal(canceled.args[0], inTx);
  t.notOk(inTx.responseAllowed);
  t.equal(uas.dialog.state, DialogState.Terminated);
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === invite && tx.responseElements?.statusCode === 487);
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === cancel && tx.responseElements?.statusCode === 200);
  t.equal(assoc.dialog.state, DialogState.Terminated);
  t.notOk(invite.cancelAllowed);
  invite.dispose(); // a non-2xx INVITE may go at once
  cancel.dispose();
  inTx.dispose();
  assoc.dispose();
  uas.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
});

t.test('CANCEL crossing the 200: the call is up, the CANCEL has no effect, ACK and BYE end it', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await ringing(a, b);
  inTx.sendResponse(new ResponseElements({ statusCode: 180 }));
  await a.rec.wait('incomingResponseInDialog', status(180));
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  const cancel = invite.cancel(); // the 200 is on its way
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === invite && tx.responseElements?.statusCode === 200);
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === cancel && tx.responseElements?.statusCode === 200);
  t.notOk(b.rec.names().includes('inviteCanceled'), 'no inviteCanceled after the 2xx');
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  assoc.sendAck(invite);
  (await b.rec.wait('incomingRequestInDialog', method('ACK'))).args[0];
  const bye = assoc.sendBye();
  const byeIn = (await b.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  byeIn.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === bye);
  for (const e of b.rec.events) if (e.name === 'incomingRequestInDialog') (e.args[0] as ServerTransaction).dispose();
  for (const o of [bye, cancel, inTx, assoc, uas]) o.dispose();
  invite.forceDispose();
});

t.test('forked 2xx: a new association per fork (incomingResponseForkedInvite), then inviteCompleted', async (t) => {
  const clock = new FakeClock();
  const acks: string[] = [];
  const byes: string[] = [];
  const server = await FakeServer.start({
    clock,
    behaviour: (req, tx, srv) => {
      if (req.method !== 'INVITE') return undefined;
      for (const tag of ['forkA', 'forkB']) {
        const key = { callId: req.callId, localTag: tag };
        srv.stack.registerDialog(key, {
          user: { uid: 'x', methods: [], claim: () => undefined, onRequest: () => undefined },
          onAck: () => acks.push(tag),
          onRequest: (inTx) => {
            byes.push(tag);
            inTx.respond(createResponse(inTx.request, 200));
          },
        });
      }
      const r1 = createResponse(req, 200, 'OK', 'forkA');
      r1.headers.set('Contact', `<sip:a@127.0.0.1:${srv.port}>`);
      tx.respond(r1);
      const r2 = createResponse(req, 200, 'OK', 'forkB');
      r2.headers.set('Contact', `<sip:b@127.0.0.1:${srv.port}>`);
      void srv.stack.transport.sendResponse(r2, tx.source);
      return 'handled';
    },
  });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@127.0.0.1:${server.port}>` });
  const invite = assoc.sendInvite();
  await a.rec.wait('incomingResponseInDialog', status(200));
  t.equal(assoc.dialog.remoteTag, 'forkA');
  assoc.sendAck(invite);
  const fork = await a.rec.wait('incomingResponseForkedInvite');
  t.equal(fork.args[0], invite);
  const forked = fork.args[1] as InviteDialogAssoc;
  t.not(forked, assoc);
  t.equal(forked.dialog.remoteTag, 'forkB');
  t.equal(forked.dialog.state, DialogState.Confirmed);
  t.equal(forked.dialog.callId, assoc.dialog.callId);
  t.equal(forked.dialog.remoteUri, `sip:b@127.0.0.1:${server.port}`);
  forked.sendAck(invite);
  await tick(30);
  t.same(acks.sort(), ['forkA', 'forkB']);
  const bye = forked.sendBye();
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === bye);
  t.same(byes, ['forkB']);
  t.throws(() => invite.dispose(), { code: 'InviteTransactionInUse' });
  clock.advance(32_000); // 64*T1: RFC 6026 Timer M
  await a.rec.wait('inviteCompleted', (tx: ClientTransaction) => tx === invite);
  invite.dispose();
  bye.dispose();
  forked.dispose();
  assoc.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});

t.test('481 from a peer that forgot the dialog ends ours', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await established(a, b);
  uas.dispose(); // bob's dialog is gone
  inTx.dispose();
  const info = assoc.sendNonTargetRefreshRequest('INFO', new MessageElements({ content: 'x', contentType: 'text/plain' }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === info && tx.responseElements?.statusCode === 481);
  t.equal(assoc.dialog.state, DialogState.Terminated, 'RFC 3261 §12.2.1.2');
  t.throws(() => assoc.sendNonTargetRefreshRequest('BYE'), { code: 'MethodNotAllowed' });
  // CSIPDialogAssocBase::IsNonTargetRefreshRequest: only the target refresh methods say false
  t.same(['INFO', 'message', 'BYE', 'INVITE', 'update', 'SUBSCRIBE', 'NOTIFY'].map((m) => assoc.isNonTargetRefreshRequest(m)), [true, true, true, false, false, false, false]);
  t.throws(() => assoc.sendBye(), { code: 'InvalidDialogState' });
  info.dispose();
  assoc.dispose();
  invite.forceDispose();
});

t.test('glare: both re-INVITE at once, both get 491 (RFC 3261 §14.2)', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await established(a, b);
  const ra = assoc.sendInvite();
  const rb = uas.sendInvite();
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === ra && tx.responseElements?.statusCode === 491);
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === rb && tx.responseElements?.statusCode === 491);
  t.notOk(a.rec.events.some((e) => e.name === 'incomingRequestInDialog' && (e.args[0] as ServerTransaction).type === 'INVITE'), 'the app never saw the colliding INVITE');
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  const dCaller = assoc.glareRetryDelayMs();
  const dCallee = uas.glareRetryDelayMs();
  t.ok(dCaller >= 2100 && dCaller <= 4000, `caller waits 2.1–4 s (${dCaller})`);
  t.ok(dCallee >= 0 && dCallee <= 2000, `callee waits 0–2 s (${dCallee})`);
  // the retry after 491 works
  const again = assoc.sendInvite();
  const reIn = (await b.rec.wait('incomingRequestInDialog', method('INVITE'))).args[0] as ServerTransaction;
  reIn.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === again && tx.responseElements?.statusCode === 200);
  assoc.sendAck(again);
  for (const o of [ra, rb, reIn, inTx, uas, assoc]) o.dispose();
  again.forceDispose();
  invite.forceDispose();
});

t.test('PRACK: reliable 183, retransmission dropped, PRACK answered, then 200/ACK', async (t) => {
  const clock = new FakeClock();
  const a = await party('alice', { clock });
  const b = await party('bob', { clock });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const { assoc, invite, inTx, uas } = await ringing(a, b, new MessageElements({ headers: [['Supported', '100rel']] }));
  inTx.sendResponse(new ResponseElements({ statusCode: 183, messageElements: new MessageElements({ headers: [['Require', '100rel']] }) }));
  t.equal(uas.dialog.state, DialogState.Early);
  await a.rec.wait('incomingResponseInDialog', status(183));
  t.throws(() => uas.sendPrack(), { code: 'InvalidState' });
  clock.advance(500); // the UAS retransmits the 183 (no PRACK yet)
  await tick(30);
  t.equal(a.rec.events.filter((e) => e.name === 'incomingResponseInDialog').length, 1, 'the retransmission is not delivered (RFC 3262 §4)');
  const prack = assoc.sendPrack();
  const prIn = (await b.rec.wait('incomingRequestInDialog', method('PRACK'))).args[0] as ServerTransaction;
  t.match(prIn.requestElements.messageElements.header('RAck') ?? '', /^\d+ \d+ INVITE$/);
  prIn.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === prack && tx.responseElements?.statusCode === 200);
  t.throws(() => assoc.sendPrack(), { code: 'InvalidState' }, 'one PRACK per reliable 1xx');
  t.equal(b.client.liveObjects().ServerTransaction, 2, 'the INVITE and the PRACK, nothing else');
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === invite && tx.responseElements?.statusCode === 200);
  assoc.sendAck(invite);
  await b.rec.wait('incomingRequestInDialog', method('ACK'));
  for (const o of [prack, prIn, inTx, uas, assoc]) o.dispose();
  invite.forceDispose();
});

t.test('a reliable 1xx needs the caller to support 100rel', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await ringing(a, b);
  t.throws(() => inTx.sendResponse(new ResponseElements({ statusCode: 180, messageElements: new MessageElements({ headers: [['Require', '100rel']] }) })), { code: 'InvalidState' });
  inTx.sendResponse(new ResponseElements({ statusCode: 486 }));
  await a.rec.wait('incomingResponseInDialog', status(486));
  t.equal(assoc.dialog.state, DialogState.Terminated);
  t.equal(uas.dialog.state, DialogState.Terminated);
  for (const o of [invite, inTx, uas, assoc]) o.dispose();
});

t.test('no answer at all: Timer B → errorOccurredInDialog(Timeout); the transaction may go', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ behaviour: () => 'handled' }); // its own clock never moves: no 100 Trying
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@127.0.0.1:${server.port}>` });
  const invite = assoc.sendInvite();
  await server.waitFor('INVITE');
  t.equal(invite.state, TransactionState.Calling);
  clock.advance(32_000);
  const e = await a.rec.wait('errorOccurredInDialog');
  t.equal((e.args[0] as { code: string }).code, 'Timeout');
  t.equal(e.args[1], invite);
  t.equal(e.args[2], assoc);
  t.equal(assoc.dialog.state, DialogState.Terminated);
  invite.dispose();
  assoc.dispose();
});

t.test('an answered INVITE may be disposed once its connection is Inactive', async (t) => {
  const { a, b } = await parties(t);
  const { invite, inTx, assoc, uas } = await ringing(a, b);
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', status(200));
  t.throws(() => invite.dispose(), { code: 'InviteTransactionInUse' });
  await a.client.stack.shutdown();
  await a.rec.wait('connectionStateChanged', (s: string) => s === 'Inactive');
  invite.dispose();
  t.ok(invite.isDisposed);
  for (const o of [inTx, uas, assoc]) o.dispose();
});

t.test('CANCEL of a re-INVITE: inviteCanceled on the callee side, 487, the dialog stays', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await established(a, b);
  const re = uas.sendInvite();
  const reIn = (await a.rec.wait('incomingRequestInDialog', method('INVITE'))).args[0] as ServerTransaction;
  reIn.sendResponse(new ResponseElements({ statusCode: 180 }));
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === re && tx.responseElements?.statusCode === 180);
  const cancel = re.cancel();
  const c = await a.rec.wait('inviteCanceled');
  t.equal(c.args[0], reIn);
  t.notOk(reIn.responseAllowed);
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === re && tx.responseElements?.statusCode === 487);
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  t.equal(uas.dialog.state, DialogState.Confirmed, 'a failed re-INVITE leaves the dialog (RFC 3261 §14.1)');
  const again = uas.sendInvite();
  t.ok(again, 'a new re-INVITE is allowed');
  for (const o of [re, cancel, reIn, inTx, uas, assoc]) o.dispose();
  again.forceDispose();
  invite.forceDispose();
});

t.test('UPDATE glare: both offer in UPDATE at once, both get 491 (RFC 3311 §5.2)', async (t) => {
  const { a, b } = await parties(t);
  const { assoc, invite, inTx, uas } = await established(a, b);
  const offer = () => new MessageElements({ content: 'v=0\r\n', contentType: 'application/sdp' });
  const ua = assoc.sendUpdate(offer());
  const ub = uas.sendUpdate(offer());
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === ua && tx.responseElements?.statusCode === 491);
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === ub && tx.responseElements?.statusCode === 491);
  t.notOk(a.rec.events.some((e) => e.name === 'incomingRequestInDialog' && (e.args[0] as ServerTransaction).type === 'UPDATE'));
  // an UPDATE without an offer is no glare
  const plain = assoc.sendUpdate();
  const inUp = (await b.rec.wait('incomingRequestInDialog', method('UPDATE'))).args[0] as ServerTransaction;
  inUp.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === plain && tx.responseElements?.statusCode === 200);
  t.equal(b.client.liveObjects().ServerTransaction, 2, 'the INVITE and the plain UPDATE; the refused one was released');
  for (const o of [ua, ub, plain, inUp, inTx, uas, assoc]) o.dispose();
  invite.forceDispose();
});
