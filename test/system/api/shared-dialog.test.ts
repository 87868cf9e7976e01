/**
 * Several associations on one dialog (a call transferred with REFER in the call's dialog, RFC
 * 3515 §2.4.6), and a registration's outbound proxy (preloaded loose Route).
 */
import t from 'tap';
import { DialogState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { NotifyDialogAssoc } from '../../../lib/api/dialogs/notify-dialog-assoc.js';
import { ReferDialogAssoc } from '../../../lib/api/dialogs/refer-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { RegistrationBinding } from '../../../lib/api/registration-binding.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party } from '../../unit/api/party.js';

const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

t.test('REFER in a call: INVITE and REFER (and the notifier) share one dialog', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const call = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = call.sendInvite();
  const inInv = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  const bCall = InviteDialogAssoc.fromServerTransaction(inInv);
  inInv.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  call.sendAck(invite);
  ((await b.rec.wait('incomingRequestInDialog', method('ACK'))).args[0] as ServerTransaction).dispose();
  t.throws(() => InviteDialogAssoc.forDialog(call.dialog), { code: 'InvalidState' }, 'one INVITE association per dialog');

  const transfer = ReferDialogAssoc.forDialog(call.dialog, '<sip:carol@tsip.test>');
  t.same(call.dialog.dialogAssocs, [call, transfer]);
  t.ok(call.dialog.isAssociated(transfer));
  const rtx = transfer.sendRefer();
  const ev = await b.rec.wait('incomingRequestInDialog', method('REFER'));
  t.equal(ev.args[1], bCall.dialog, 'the REFER arrives in the call’s dialog');
  const inRefer = ev.args[0] as ServerTransaction;
  const notifier = NotifyDialogAssoc.forDialog(bCall.dialog, { event: 'refer', subscriptionState: 'active' });
  t.equal(bCall.dialog.dialogAssocs.length, 2);
  inRefer.sendResponse(new ResponseElements({ statusCode: 202 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === rtx);
  notifier.setSubscriptionState('terminated;reason=noresource');
  const n = notifier.sendNotify(new MessageElements({ content: 'SIP/2.0 200 OK\r\n', contentType: 'message/sipfrag' }));
  const got = (await a.rec.wait('incomingRequestInDialog', method('NOTIFY'))).args[0] as ServerTransaction;
  got.sendResponse(new ResponseElements({ statusCode: 200 }));
  await b.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === n);
  transfer.dispose();
  t.same(call.dialog.dialogAssocs, [call], 'the dialog stays with its remaining association');
  t.equal(call.dialog.state, DialogState.Confirmed);
  const bye = call.sendBye();
  const inBye = (await b.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  inBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye);
  for (const o of [rtx, inRefer, n, got, inBye, bye, inInv, notifier, bCall, call]) o.dispose();
  invite.forceDispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
});

t.test('outbound proxy: REGISTER carries a preloaded loose Route; get/set', async (t) => {
  const server = await FakeServer.start({ auth: false });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: 'sip:registrar.tsip.test', outboundProxy: server.uri });
  t.equal(binding.outboundProxy, server.uri);
  t.throws(() => binding.setOutboundProxy('not a uri'), { code: 'InvalidArgument' });
  const tx = binding.register();
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === tx);
  const got = server.of('REGISTER')[0];
  t.equal(got.uri.toString(), 'sip:registrar.tsip.test', 'Request-URI stays the registrar');
  t.same(got.headers.getAll('Route'), [`<${server.uri};lr>`]);
  binding.setOutboundProxy(undefined);
  t.equal(binding.outboundProxy, undefined);
  tx.dispose();
  binding.dispose();
});

t.test('two clients on one shared stack call each other across their IAPs', async (t) => {
  const { SipStack } = await import('../../../lib/stack/index.js');
  const { SipClient } = await import('../../../lib/api/sip-client.js');
  const { SipConnection } = await import('../../../lib/api/sip-connection.js');
  const { Recorder } = await import('../../unit/api/recorder.js');
  const stack = new SipStack({ iaps: ['a', 'b'].map((id) => ({ id, listen: [{ protocol: 'udp' as const, address: '127.0.0.1', port: 0 }] })) });
  const ra = new Recorder();
  const rb = new Recorder();
  const ca = new SipClient({ uid: 'A', observer: ra.sipObserver(), stack });
  const cb = new SipClient({ uid: 'B', observer: rb.sipObserver(), stack });
  const conA = new SipConnection(ca, 'a', ra.connectionObserver());
  const conB = new SipConnection(cb, 'b', rb.connectionObserver());
  await ra.wait('connectionStateChanged', (s: string) => s === 'Active');
  await rb.wait('connectionStateChanged', (s: string) => s === 'Active');
  t.teardown(async () => {
    await ca.close();
    await cb.close();
    await stack.shutdown();
  });
  const portB = stack.boundAddresses('b')[0].port;
  const call = InviteDialogAssoc.create(conA, { to: `<sip:b@127.0.0.1:${portB}>` });
  const invite = call.sendInvite();
  const inInv = (await rb.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  t.notOk(ra.names().includes('incomingRequest'), 'client A is not offered its own INVITE');
  const answer = InviteDialogAssoc.fromServerTransaction(inInv);
  inInv.sendResponse(new ResponseElements({ statusCode: 200 }));
  await ra.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  call.sendAck(invite);
  await rb.wait('incomingRequestInDialog', method('ACK'));
  const bye = answer.sendBye();
  const inBye = (await ra.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  inBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await rb.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye && x.responseElements?.statusCode === 200);
  t.equal(call.dialog.state, DialogState.Terminated);
  for (const e of [...ra.events, ...rb.events]) if (e.name === 'incomingRequestInDialog') (e.args[0] as ServerTransaction).dispose();
  for (const o of [bye, inInv, answer, call]) o.dispose();
  invite.forceDispose();
  t.same(ca.liveObjects(), { SipConnection: 1 });
  t.same(cb.liveObjects(), { SipConnection: 1 });
  t.equal(stack.stats().dialogSets, 0);
});
