/**
 * SipClient and SipConnection: connection states (Init, Active, Suspended, Inactive,
 * Unavailable), one connection per IAP, routing of requests outside dialogs between clients
 * sharing a stack (connection first, else SipObserver.incomingRequest), SipObserver.timedOut,
 * ownership (dispose cascades, ObjectDisposed, `using`).
 */
import t from 'tap';
import { ConnectionState } from '../../../include-types/states.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { RequestElements } from '../../../lib/api/elements/request-elements.js';
import { SipClient } from '../../../lib/api/sip-client.js';
import { SipConnection } from '../../../lib/api/sip-connection.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import { SipStack } from '../../../lib/stack/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { Recorder } from '../../unit/api/recorder.js';
import { party } from '../../unit/api/party.js';

t.test('connection states: Init → Active → Suspended → Active → Inactive', async (t) => {
  const rec = new Recorder();
  const client = new SipClient({ uid: 'c1', observer: rec.sipObserver() });
  t.teardown(() => client.close());
  t.same(client.supportedSecurityMechanisms(), ['digest']);
  t.equal(client.isSigCompSupported(), false);
  t.throws(() => new SipConnection(client, 'nope', rec.connectionObserver()), { code: 'UnknownIap' });
  const conn = new SipConnection(client, 'default', rec.connectionObserver());
  t.equal(conn.state, ConnectionState.Init);
  t.equal(client.connection('default'), conn);
  t.equal(client.connection('other'), undefined);
  t.throws(() => new SipConnection(client, 'default', rec.connectionObserver()), { code: 'ConnectionExists' });
  t.throws(() => conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:a@127.0.0.1' })), { code: 'ConnectionNotActive' });
  t.notOk(rec.names().includes('connectionStateChanged'), 'never called from inside the constructor');
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  t.equal(conn.state, ConnectionState.Active);
  t.ok(conn.localAddress()?.port);
  client.stack.setIapSuspended('default', true);
  t.equal(conn.state, ConnectionState.Suspended);
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Suspended);
  t.throws(() => conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:a@127.0.0.1' })), { code: 'ConnectionNotActive' });
  client.stack.setIapSuspended('default', false);
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  await client.stack.shutdown();
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Inactive);
  t.equal(conn.state, ConnectionState.Inactive);
  conn.dispose();
  t.equal(client.connection('default'), undefined);
  t.throws(() => conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:a@127.0.0.1' })), { code: 'ObjectDisposed' });
});

t.test('Unavailable when the stack cannot bind', async (t) => {
  const blocker = await party('blocker');
  t.teardown(() => blocker.close());
  const port = blocker.client.stack.boundAddresses('lo')[0].port;
  const rec = new Recorder();
  const client = new SipClient({ uid: 'c2', observer: rec.sipObserver(), settings: { iaps: [{ id: 'x', listen: [{ protocol: 'udp', address: '127.0.0.1', port }] }] } });
  t.teardown(() => client.close());
  const conn = new SipConnection(client, 'x', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Unavailable);
  t.equal(conn.state, ConnectionState.Unavailable);
  t.match(conn.startFailure?.message, new RegExp(`bind udp 127\\.0\\.0\\.1:${port}: EADDRINUSE`), 'startFailure says why, with the address');
});

t.test('startFailure is undefined for a connection that started', async (t) => {
  const rec = new Recorder();
  const client = new SipClient({ uid: 'c3', observer: rec.sipObserver(), settings: { iaps: [{ id: 'x', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }] } });
  t.teardown(() => client.close());
  const conn = new SipConnection(client, 'x', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  t.equal(conn.startFailure, undefined);
});

t.test('clients sharing a stack: connection first, else SipObserver.incomingRequest; timedOut', async (t) => {
  const clock = new FakeClock();
  const stack = new SipStack({ iaps: [{ id: 'a', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }, { id: 'b', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], clock });
  const r1 = new Recorder();
  const r2 = new Recorder();
  const c1 = new SipClient({ uid: 'one', observer: r1.sipObserver(), stack, answerTimeout: 10_000 });
  const c2 = new SipClient({ uid: 'two', observer: r2.sipObserver(), stack });
  t.throws(() => new SipClient({ uid: 'two', observer: r2.sipObserver(), stack }), { code: 'InvalidArgument' }, 'UIDs are unique per stack');
  const conn2 = new SipConnection(c2, 'b', r2.connectionObserver());
  await r2.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  const peer = await party('peer', { clock });
  t.teardown(async () => {
    await peer.close();
    await c1.close();
    await c2.close();
    await stack.shutdown();
  });
  const portA = stack.boundAddresses('a')[0].port;
  const portB = stack.boundAddresses('b')[0].port;

  // on IAP b client two has a connection
  const tb = peer.conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: `sip:x@127.0.0.1:${portB}` }));
  const inB = (await r2.wait('incomingRequest')).args[0] as ServerTransaction;
  t.equal(inB.type, 'MESSAGE');
  t.ok(inB.responseAllowed);
  inB.sendResponse(new ResponseElements({ statusCode: 202 }));
  t.notOk(inB.responseAllowed);
  t.throws(() => inB.sendResponse(new ResponseElements({ statusCode: 200 })), { code: 'InvalidState' });
  await peer.rec.wait('incomingResponse', (x: ClientTransaction) => x === tb && x.responseElements?.statusCode === 202);
  inB.dispose();
  tb.dispose();

  // on IAP a nobody has a connection: the first client's SipObserver gets it, and times out
  const ta = peer.conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: `sip:x@127.0.0.1:${portA}` }));
  const ev = await r1.wait('sip.incomingRequest');
  t.equal(ev.args[0], 'a');
  const inA = ev.args[1] as ServerTransaction;
  clock.advance(10_000);
  const to = await r1.wait('timedOut');
  t.equal(to.args[0], inA);
  t.notOk(inA.responseAllowed);
  await peer.rec.wait('incomingResponse', (x: ClientTransaction) => x === ta && x.responseElements?.statusCode === 408);
  inA.dispose();
  ta.dispose();
  t.equal(r2.names().filter((n) => n === 'sip.incomingRequest').length, 0);

  // a provisional response is enough to show the app took the request: no timeout
  const tc = peer.conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: `sip:x@127.0.0.1:${portA}` }));
  const inC = (await r1.wait('sip.incomingRequest')).args[1] as ServerTransaction;
  inC.sendResponse(new ResponseElements({ statusCode: 183 }));
  clock.advance(10_000);
  await new Promise((r) => setTimeout(r, 20));
  t.equal(r1.names().filter((n) => n === 'timedOut').length, 1, 'no second timedOut');
  t.ok(inC.responseAllowed);
  inC.sendResponse(new ResponseElements({ statusCode: 200 }));
  await peer.rec.wait('incomingResponse', (x: ClientTransaction) => x === tc && x.responseElements?.statusCode === 200);
  inC.dispose();
  tc.dispose();
  conn2.dispose();
});

t.test('disposing the client disposes everything it made', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const tx = a.conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: b.uri('bob') }));
  t.same(a.client.liveObjects(), { SipConnection: 1, ClientTransaction: 1 });
  await a.client.close();
  t.equal(a.client.liveObjectCount, 0);
  t.ok(tx.isDisposed);
  t.ok(a.conn.isDisposed);
  t.throws(() => a.client.connection('lo'), { code: 'ObjectDisposed' });
  t.throws(() => new SipConnection(a.client, 'lo', a.rec.connectionObserver()), { code: 'ObjectDisposed' });
  {
    using scoped = b.conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: 'sip:127.0.0.1:9' }));
    t.notOk(scoped.isDisposed);
    t.equal(b.client.liveObjects().ClientTransaction, 1);
  }
  t.equal(b.client.liveObjects().ClientTransaction, undefined, '`using` disposed it');
});

t.test('SipObserver.incomingRequest, then the app opens a connection and answers the INVITE on it', async (t) => {
  const { InviteDialogAssoc } = await import('../../../lib/api/dialogs/invite-dialog-assoc.js');
  const caller = await party('caller');
  const rec = new Recorder();
  const callee = new SipClient({ uid: 'callee', observer: rec.sipObserver(), settings: { iaps: [{ id: 'x', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }] } });
  const bootstrap = new SipConnection(callee, 'x', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  bootstrap.dispose(); // the stack keeps running; now no connection is on IAP x
  t.teardown(async () => {
    await caller.close();
    await callee.close();
  });
  const port = callee.stack.boundAddresses('x')[0].port;
  const assoc = InviteDialogAssoc.create(caller.conn, { to: `<sip:callee@127.0.0.1:${port}>` });
  const invite = assoc.sendInvite();
  const ev = await rec.wait('sip.incomingRequest');
  t.equal(ev.args[0], 'x');
  const tx = ev.args[1] as ServerTransaction;
  t.throws(() => InviteDialogAssoc.fromServerTransaction(tx), { code: 'InvalidState' }, 'needs a connection on the IAP');
  const conn = new SipConnection(callee, 'x', rec.connectionObserver());
  await rec.wait('connectionStateChanged', (s: string) => s === ConnectionState.Active);
  const uas = InviteDialogAssoc.fromServerTransaction(tx);
  tx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await caller.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite && x.responseElements?.statusCode === 200);
  assoc.sendAck(invite);
  const ack = await rec.wait('incomingRequestInDialog', (x: ServerTransaction) => x.type === 'ACK');
  t.equal(ack.args[1], uas.dialog, "the dialog's requests go to the new connection");
  (ack.args[0] as ServerTransaction).dispose();
  for (const o of [tx, uas, assoc, conn]) o.dispose();
  invite.forceDispose();
});
