/**
 * The INVITE path over real loopback sockets: INVITE → 180 → 200 → ACK (on a new server
 * transaction), re-INVITE both ways with its ACK, BYE → 200; dialog and transaction states at each
 * step, live objects back to zero.
 */
import t from 'tap';
import { DialogState, TransactionState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { party } from '../../unit/api/party.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
const sdp = (): MessageElements => new MessageElements({ content: SDP, contentType: 'application/sdp' });

t.test('call: INVITE, 180, 200, ACK, re-INVITE, BYE', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });

  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, from: '<sip:alice@tsip.test>' });
  t.equal(assoc.dialog.state, DialogState.Init);
  t.equal(assoc.dialog.connection, a.conn);
  const invite = assoc.sendInvite(sdp());
  t.equal(invite.type, 'INVITE');
  t.ok(([TransactionState.Calling, TransactionState.Constructing] as string[]).includes(invite.state));

  const [inTx] = (await b.rec.wait('incomingRequest')).args as [ServerTransaction];
  t.equal(inTx.type, 'INVITE');
  t.equal(inTx.requestElements.messageElements.contentType, 'application/sdp');
  t.ok(inTx.requestElements.callId, 'Call-ID filled in by the stack');
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  t.equal(uas.dialog.state, DialogState.Init);
  inTx.sendResponse(new ResponseElements({ statusCode: 180 }));
  t.equal(uas.dialog.state, DialogState.Early);

  const ringing = await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx.responseElements?.statusCode === 180);
  t.equal(ringing.args[1], assoc);
  t.equal(assoc.dialog.state, DialogState.Early);
  t.equal(invite.state, TransactionState.Proceeding);

  inTx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdp() }));
  t.equal(uas.dialog.state, DialogState.Confirmed);
  t.equal(inTx.state, TransactionState.Terminated, 'a 2xx ends the INVITE server transaction (API view)');
  inTx.dispose();

  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx.responseElements?.statusCode === 200);
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  t.equal(invite.state, TransactionState.Terminated);
  t.throws(() => invite.dispose(), { code: 'InviteTransactionInUse' });
  t.throws(() => invite.cancel(), { code: 'InvalidState' });
  assoc.sendAck(invite);

  const ack = await b.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'ACK');
  t.equal(ack.args[1], uas.dialog);
  t.notOk((ack.args[0] as ServerTransaction).responseAllowed);
  (ack.args[0] as ServerTransaction).dispose();

  // re-INVITE from the caller
  const re = assoc.sendInvite(sdp());
  t.throws(() => assoc.sendInvite(), { code: 'InvalidDialogState' }, 'one INVITE at a time (RFC 3261 §14.1)');
  const reIn = (await b.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'INVITE')).args[0] as ServerTransaction;
  reIn.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdp() }));
  reIn.dispose();
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === re && tx.responseElements?.statusCode === 200);
  assoc.sendAck(re);
  ((await b.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'ACK')).args[0] as ServerTransaction).dispose();

  // re-INVITE from the callee
  const re2 = uas.sendInvite(sdp());
  const re2In = (await a.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'INVITE')).args[0] as ServerTransaction;
  re2In.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdp() }));
  re2In.dispose();
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === re2 && tx.responseElements?.statusCode === 200);
  uas.sendAck(re2);
  ((await a.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'ACK')).args[0] as ServerTransaction).dispose();

  const bye = assoc.sendBye();
  t.equal(assoc.dialog.state, DialogState.Terminated);
  const byeIn = (await b.rec.wait('incomingRequestInDialog', (tx: ServerTransaction) => tx.type === 'BYE')).args[0] as ServerTransaction;
  t.equal(uas.dialog.state, DialogState.Terminated);
  byeIn.sendResponse(new ResponseElements({ statusCode: 200 }));
  byeIn.dispose();
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === bye && tx.responseElements?.statusCode === 200);
  bye.dispose();
  re.forceDispose();
  re2.forceDispose();
  invite.forceDispose();
  assoc.dispose();
  uas.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
  t.same([a.client.stack.stats().dialogs, a.client.stack.stats().dialogSets], [0, 0], 'no dialog left routed (alice)');
  t.same([b.client.stack.stats().dialogs, b.client.stack.stats().dialogSets], [0, 0], 'no dialog left routed (bob)');
});
