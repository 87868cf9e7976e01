/**
 * SUBSCRIBE/NOTIFY (RFC 6665) and REFER (RFC 3515) between tsip clients (and a scripted peer for
 * the NOTIFY that overtakes the 2xx): the notifier's NotifyDialogAssoc on the SUBSCRIBE
 * transaction, NOTIFYs in the subscriber's dialog, refresh by re-SUBSCRIBE, unsubscribe,
 * `terminated` ending the refresh, a failing re-SUBSCRIBE in errorOccurredInDialogRefresh, and
 * REFER's implicit subscription.
 */
import t from 'tap';
import { DialogState, RefreshState } from '../../../include-types/states.js';
import { NotifyDialogAssoc } from '../../../lib/api/dialogs/notify-dialog-assoc.js';
import { ReferDialogAssoc } from '../../../lib/api/dialogs/refer-dialog-assoc.js';
import { SubscribeDialogAssoc } from '../../../lib/api/dialogs/subscribe-dialog-assoc.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { Refresh } from '../../../lib/api/refresh.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { SipRequest, createResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party, tick, type Party } from '../../unit/api/party.js';

const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

async function subscribed(a: Party, b: Party, refresh: Refresh) {
  const sub = SubscribeDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, event: 'presence' });
  const stx = sub.sendSubscribe(new MessageElements({ headers: [['Expires', '300']] }), refresh);
  const inSub = (await b.rec.wait('incomingRequest', method('SUBSCRIBE'))).args[0] as ServerTransaction;
  const notifier = NotifyDialogAssoc.fromServerTransaction(inSub, { subscriptionState: 'active;expires=300' });
  inSub.sendResponse(new ResponseElements({ statusCode: 200, messageElements: new MessageElements({ headers: [['Expires', '300']] }) }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === stx && tx.responseElements?.statusCode === 200);
  return { sub, stx, inSub, notifier };
}

t.test('subscribe, NOTIFY, refresh, unsubscribe, terminated', async (t) => {
  const clock = new FakeClock();
  const a = await party('watcher', { clock });
  const b = await party('presentity', { clock });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const refresh = new Refresh(a.client);
  const probe = SubscribeDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, event: 'presence' });
  t.throws(() => probe.update(), { code: 'InvalidDialogState' });
  t.throws(() => SubscribeDialogAssoc.forDialog(probe.dialog, ''), { code: 'InvalidArgument' });
  probe.dispose();

  const { sub, stx, inSub, notifier } = await subscribed(a, b, refresh);
  t.equal(sub.dialog.state, DialogState.Confirmed);
  t.equal(refresh.state, RefreshState.Active);
  t.equal(refresh.interval, 300);
  t.equal(notifier.dialog.state, DialogState.Confirmed);
  const n1 = notifier.sendNotify(new MessageElements({ content: '<presence>open</presence>', contentType: 'application/pidf+xml' }));
  const notify = await a.rec.wait('incomingRequestInDialog', method('NOTIFY'));
  t.equal(notify.args[1], sub.dialog);
  const nTx = notify.args[0] as ServerTransaction;
  t.equal(nTx.requestElements.messageElements.header('Subscription-State'), 'active;expires=300');
  t.equal(nTx.requestElements.messageElements.header('Event'), 'presence');
  t.equal(nTx.requestElements.messageElements.contentText, '<presence>open</presence>');
  nTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === n1 && tx.responseElements?.statusCode === 200);

  // the refresh: a re-SUBSCRIBE in the dialog before expiry
  clock.advance(268_000);
  const re = (await b.rec.wait('incomingRequestInDialog', method('SUBSCRIBE'))).args[0] as ServerTransaction;
  t.equal(re.requestElements.messageElements.header('Expires'), '300');
  re.sendResponse(new ResponseElements({ statusCode: 200, messageElements: new MessageElements({ headers: [['Expires', '300']] }) }));
  await tick(30);
  t.equal(refresh.state, RefreshState.Active);

  // unsubscribe, and the final NOTIFY
  const un = sub.sendUnsubscribe();
  t.equal(refresh.state, RefreshState.Terminated);
  const unIn = (await b.rec.wait('incomingRequestInDialog', method('SUBSCRIBE'))).args[0] as ServerTransaction;
  t.equal(unIn.requestElements.messageElements.header('Expires'), '0');
  unIn.sendResponse(new ResponseElements({ statusCode: 200 }));
  notifier.setSubscriptionState('terminated;reason=timeout');
  const n2 = notifier.sendNotify();
  t.throws(() => notifier.sendNotify(), { code: 'InvalidState' });
  const last = (await a.rec.wait('incomingRequestInDialog', method('NOTIFY'))).args[0] as ServerTransaction;
  t.equal(last.requestElements.messageElements.header('Subscription-State'), 'terminated;reason=timeout');
  t.ok(sub.isTerminatedByNotifier);
  last.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === un);
  for (const o of [stx, inSub, nTx, re, un, unIn, n1, n2, last, sub, notifier, refresh]) o.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
});

t.test('a failing re-SUBSCRIBE arrives in errorOccurredInDialogRefresh', async (t) => {
  const clock = new FakeClock();
  const a = await party('watcher', { clock });
  const b = await party('presentity', { clock });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const refresh = new Refresh(a.client);
  const { sub, stx, inSub, notifier } = await subscribed(a, b, refresh);
  clock.advance(268_000);
  const re = (await b.rec.wait('incomingRequestInDialog', method('SUBSCRIBE'))).args[0] as ServerTransaction;
  re.sendResponse(new ResponseElements({ statusCode: 489 }));
  const e = await a.rec.wait('errorOccurredInDialogRefresh');
  t.equal((e.args[0] as { code: string; statusCode: number }).code, 'RefreshFailed');
  t.equal((e.args[0] as { statusCode: number }).statusCode, 489);
  t.equal(e.args[1], sub);
  t.equal(refresh.state, RefreshState.Terminated);
  for (const o of [stx, inSub, re, sub, notifier, refresh]) o.dispose();
});

t.test('a NOTIFY before the 2xx creates the subscriber dialog (RFC 6665 §4.1.2.4)', async (t) => {
  const server = await FakeServer.start({
    behaviour: (req, tx, srv) => {
      if (req.method !== 'SUBSCRIBE') return undefined;
      const notify = new SipRequest({ method: 'NOTIFY', uri: req.contact[0] === '*' ? req.from.uri : (req.contact[0]?.uri ?? req.from.uri) });
      const from = req.to.clone();
      from.tag = 'ntag';
      notify.headers.set('Max-Forwards', '70');
      notify.headers.set('From', from.toString());
      notify.headers.set('To', req.headers.get('From') ?? '');
      notify.headers.set('Call-ID', req.callId);
      notify.headers.set('CSeq', '1 NOTIFY');
      notify.headers.set('Contact', `<sip:srv@127.0.0.1:${srv.port}>`);
      notify.headers.set('Event', 'presence');
      notify.headers.set('Subscription-State', 'active;expires=60');
      srv.stack.send('srv', notify, { onProvisional: () => undefined, onFinal: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined });
      setTimeout(() => tx.respond(createResponse(req, 200, 'OK', 'ntag')), 50);
      return 'handled';
    },
  });
  const a = await party('watcher');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const sub = SubscribeDialogAssoc.create(a.conn, { to: `<sip:p@127.0.0.1:${server.port}>`, event: 'presence' });
  const stx = sub.sendSubscribe();
  const n = await a.rec.wait('incomingRequestInDialog', method('NOTIFY'));
  t.equal(n.args[1], sub.dialog);
  t.equal(sub.dialog.state, DialogState.Confirmed, 'the NOTIFY made the dialog');
  t.equal(sub.dialog.remoteTag, 'ntag');
  (n.args[0] as ServerTransaction).sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === stx && tx.responseElements?.statusCode === 200);
  t.equal(sub.dialog.remoteUri, `sip:srv@127.0.0.1:${server.port}`);
  for (const o of [stx, n.args[0] as ServerTransaction, sub]) o.dispose();
});

t.test('REFER with its implicit subscription', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const refer = ReferDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, referTo: '<sip:carol@tsip.test>' });
  t.throws(() => ReferDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, referTo: '<<bad' }), { code: 'InvalidArgument' });
  const rtx = refer.sendRefer();
  t.equal(refer.referSent, 1);
  const inRefer = (await b.rec.wait('incomingRequest', method('REFER'))).args[0] as ServerTransaction;
  t.equal(inRefer.requestElements.messageElements.header('Refer-To'), '<sip:carol@tsip.test>');
  const notifier = NotifyDialogAssoc.fromServerTransaction(inRefer, { subscriptionState: 'active;expires=60' });
  t.equal(notifier.event, 'refer');
  inRefer.sendResponse(new ResponseElements({ statusCode: 202 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === rtx && tx.responseElements?.statusCode === 202);
  const frag = (status: string) => new MessageElements({ content: `SIP/2.0 ${status}\r\n`, contentType: 'message/sipfrag;version=2.0' });
  const n1 = notifier.sendNotify(frag('100 Trying'));
  const got1 = (await a.rec.wait('incomingRequestInDialog', method('NOTIFY'))).args[0] as ServerTransaction;
  t.equal(got1.requestElements.messageElements.contentText, 'SIP/2.0 100 Trying\r\n');
  got1.sendResponse(new ResponseElements({ statusCode: 200 }));
  notifier.setSubscriptionState('terminated;reason=noresource');
  const n2 = notifier.sendNotify(frag('200 OK'));
  const got2 = (await a.rec.wait('incomingRequestInDialog', method('NOTIFY'))).args[0] as ServerTransaction;
  t.equal(got2.requestElements.messageElements.header('Subscription-State'), 'terminated;reason=noresource');
  got2.sendResponse(new ResponseElements({ statusCode: 200 }));
  await b.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === n2);
  for (const o of [rtx, inRefer, n1, n2, got1, got2, refer, notifier]) o.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});
