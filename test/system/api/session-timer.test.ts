/**
 * RFC 4028 session timers on InviteDialogAssoc: negotiation in INVITE/2xx, 422 with Min-SE and
 * the automatic retry, the refresher's UPDATE at half the interval, and expiry when the refresher
 * goes silent (errorOccurredInDialogRefresh(SessionTimerExpired), BYE, dialog Terminated).
 */
import t from 'tap';
import { DialogState, RefreshState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { SipClient } from '../../../lib/api/sip-client.js';
import { SipConnection } from '../../../lib/api/sip-connection.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { Recorder } from '../../unit/api/recorder.js';
import { party, tick } from '../../unit/api/party.js';

const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

t.test('422 → retry with the larger interval; refresher UPDATEs; silence → expiry', async (t) => {
  const clock = new FakeClock();
  const a = await party('alice', { clock });
  // bob refuses intervals below 120 s
  const rec = new Recorder();
  const bobClient = new SipClient({ uid: 'bob', observer: rec.sipObserver(), minSessionExpires: 120, settings: { iaps: [{ id: 'lo', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], clock } });
  const bobConn = new SipConnection(bobClient, 'lo', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === 'Active');
  const bobPort = bobClient.stack.boundAddresses('lo')[0].port;
  t.teardown(async () => {
    await a.close();
    await bobClient.close();
  });

  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@127.0.0.1:${bobPort}>`, sessionTimer: { sessionExpires: 90 } });
  const invite = assoc.sendInvite();
  const inTx = (await rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  t.equal(inTx.requestElements.messageElements.header('Session-Expires'), '120', 'retried after 422 with Min-SE 120 (RFC 4028 §7.3)');
  t.equal(inTx.requestElements.messageElements.header('Min-SE'), '120');
  t.ok(inTx.requestElements.messageElements.headerValues('Supported').includes('timer'));
  const uas = InviteDialogAssoc.fromServerTransaction(inTx, { sessionTimer: { preferredRefresher: 'uas' } });
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === invite && tx.responseElements?.statusCode === 200);
  t.match(invite.responseElements?.messageElements.header('Session-Expires') ?? '', /^120;refresher=uas$/);
  t.equal(invite.responseElements?.messageElements.header('Require'), 'timer');
  assoc.sendAck(invite);
  t.equal(assoc.refresh?.state, RefreshState.Active);
  t.equal(assoc.refresh?.interval, 120);
  t.equal(uas.refresh?.state, RefreshState.Active);
  await rec.wait('incomingRequestInDialog', method('ACK')); // before the fake clock jumps past Timer H's 64*T1

  // bob (refresher) sends UPDATE at half the interval; alice answers it
  clock.advance(60_000);
  const upd = (await a.rec.wait('incomingRequestInDialog', method('UPDATE'))).args[0] as ServerTransaction;
  t.match(upd.requestElements.messageElements.header('Session-Expires') ?? '', /^120;refresher=uac$/);
  upd.sendResponse(new ResponseElements({ statusCode: 200 }));
  await tick(30);
  t.equal(assoc.dialog.state, DialogState.Confirmed);

  // bob goes silent: alice's timer expires 120 - 32 s after the last refresh
  await bobClient.close();
  clock.advance(88_000);
  const e = await a.rec.wait('errorOccurredInDialogRefresh');
  t.equal((e.args[0] as { code: string }).code, 'SessionTimerExpired');
  t.equal(e.args[1], assoc);
  t.equal(assoc.dialog.state, DialogState.Terminated);
  t.equal(assoc.dialog.endReason, 'SessionTimerExpired');
  t.equal(assoc.refresh?.state, RefreshState.Terminated);
  for (const ev of rec.events) if (ev.name === 'incomingRequestInDialog') (ev.args[0] as ServerTransaction).dispose();
  upd.dispose();
  invite.forceDispose();
  assoc.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  void bobConn;
  void uas;
});

t.test('no Session-Expires asked for: no timer', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite();
  const inTx = (await b.rec.wait('incomingRequest')).args[0] as ServerTransaction;
  t.equal(inTx.requestElements.messageElements.header('Session-Expires'), undefined);
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx.responseElements?.statusCode === 200);
  t.equal(assoc.refresh, undefined);
  t.not(uas.refresh?.state, RefreshState.Active);
  assoc.sendAck(invite);
  invite.forceDispose();
  for (const o of [inTx, uas, assoc]) o.dispose();
});

t.test('session refresh by re-INVITE: the refresher re-sends its SDP and ACKs by itself', async (t) => {
  const clock = new FakeClock();
  const a = await party('alice', { clock });
  const b = await party('bob', { clock });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const { MessageElements } = await import('../../../lib/api/elements/message-elements.js');
  const sdp = new MessageElements({ content: 'v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7002 RTP/AVP 0\r\n', contentType: 'application/sdp' });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>`, sessionTimer: { sessionExpires: 100 } });
  const invite = assoc.sendInvite();
  const inTx = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  const uas = InviteDialogAssoc.fromServerTransaction(inTx, { sessionTimer: { refreshMethod: 'INVITE' } });
  inTx.sendResponse(new ResponseElements({ statusCode: 200, messageElements: sdp }));
  await a.rec.wait('incomingResponseInDialog', (tx: ClientTransaction) => tx === invite);
  assoc.sendAck(invite);
  await b.rec.wait('incomingRequestInDialog', method('ACK'));
  clock.advance(50_000);
  const re = (await a.rec.wait('incomingRequestInDialog', method('INVITE'))).args[0] as ServerTransaction;
  t.match(re.requestElements.messageElements.contentText, /o=bob/, 'the refresh re-offers the last SDP');
  t.match(re.requestElements.messageElements.header('Session-Expires') ?? '', /^100;refresher=uac$/);
  re.sendResponse(new ResponseElements({ statusCode: 200, messageElements: new MessageElements({ content: 'v=0\r\n', contentType: 'application/sdp' }) }));
  await a.rec.wait('incomingRequestInDialog', method('ACK'));
  t.pass('the refresher ACKed its re-INVITE');
  t.equal(uas.refresh?.state, RefreshState.Active);
  t.equal(assoc.refresh?.state, RefreshState.Active);
  t.equal(b.client.liveObjects().ClientTransaction, 1, 'the refresh re-INVITE lives until its forking window closes');
  clock.advance(32_000);
  await tick(20);
  t.equal(b.client.liveObjects().ClientTransaction, undefined, 'then the stack releases it');
  for (const e of [...a.rec.events, ...b.rec.events]) if (e.name === 'incomingRequestInDialog') (e.args[0] as ServerTransaction).dispose();
  invite.forceDispose();
  for (const o of [inTx, uas, assoc]) o.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
  t.same(b.client.liveObjects(), { SipConnection: 1 });
});
