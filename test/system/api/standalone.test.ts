/**
 * Stand-alone requests through SipConnection: MESSAGE/OPTIONS responses (incomingResponse),
 * timeouts (errorOccurred), what sendRequest refuses, a refreshed PUBLISH (RFC 3903 entity tag),
 * its update/terminate, and a failing refresh (errorOccurredInRefresh); a request tied to a
 * registration context carries the AOR and the Service-Route.
 */
import t from 'tap';
import { RefreshState, TransactionState } from '../../../include-types/states.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { RequestElements } from '../../../lib/api/elements/request-elements.js';
import { Refresh } from '../../../lib/api/refresh.js';
import { RegistrationBinding } from '../../../lib/api/registration-binding.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import { createResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party, tick } from '../../unit/api/party.js';

t.test('MESSAGE and OPTIONS get incomingResponse; the stack fills in its headers', async (t) => {
  const server = await FakeServer.start();
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const msg = a.conn.sendRequest(
    new RequestElements({
      method: 'MESSAGE',
      remoteUri: `sip:bob@127.0.0.1:${server.port}`,
      from: '<sip:alice@tsip.test>',
      messageElements: new MessageElements({ headers: [['Subject', 'hi']], content: 'hello', contentType: 'text/plain' }),
    }),
  );
  t.equal(msg.type, 'MESSAGE');
  t.equal(msg.isClientTransaction, true);
  t.equal(msg.cancelAllowed, false);
  t.throws(() => msg.cancel(), { code: 'MethodNotAllowed' });
  const ev = await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === msg);
  t.equal(msg.responseElements?.statusCode, 200);
  t.equal(msg.state, TransactionState.Completed);
  t.ok(ev);
  const got = server.of('MESSAGE')[0];
  t.equal(got.headers.get('Max-Forwards'), '70');
  t.ok(got.from.tag, 'From tag');
  t.notOk(got.to.tag);
  t.ok(got.callId);
  t.equal(got.headers.get('Subject'), 'hi');
  t.equal(got.body.toString(), 'hello');
  t.equal(got.headers.get('Content-Type'), 'text/plain');
  t.equal(msg.requestElements.callId, got.callId);
  msg.dispose();
  t.equal(msg.isDisposed, true);
  t.throws(() => msg.cancel(), { code: 'ObjectDisposed' });
  msg.dispose(); // idempotent

  const opt = a.conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: `sip:127.0.0.1:${server.port}` }));
  await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === opt);
  opt[Symbol.dispose]();

  for (const m of ['INVITE', 'ACK', 'CANCEL', 'BYE', 'PRACK', 'UPDATE', 'SUBSCRIBE', 'REFER', 'REGISTER']) {
    t.throws(() => a.conn.sendRequest(new RequestElements({ method: m, remoteUri: 'sip:x@127.0.0.1' })), { code: 'MethodNotAllowed' }, m);
  }
  for (const h of ['Via', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'From', 'To']) {
    t.throws(() => a.conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:x@127.0.0.1', messageElements: new MessageElements({ headers: [[h, '1']] }) })), { code: 'MalformedMessage' }, h);
  }
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});

t.test('no answer: errorOccurred(Timeout) after Timer F', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock, behaviour: () => 'handled' });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const tx = a.conn.sendRequest(new RequestElements({ method: 'MESSAGE', remoteUri: `sip:bob@127.0.0.1:${server.port}` }));
  await server.waitFor('MESSAGE');
  t.equal(tx.state, TransactionState.Trying);
  clock.advance(32_000);
  const e = await a.rec.wait('errorOccurred');
  t.equal((e.args[0] as { code: string }).code, 'Timeout');
  t.equal(e.args[1], tx);
  t.equal(tx.state, TransactionState.Terminated);
  tx.dispose();
});

t.test('refreshed PUBLISH: entity tag, update, terminate; a failing refresh → errorOccurredInRefresh', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const refresh = new Refresh(a.client);
  refresh.setInterval(100);
  t.throws(() => refresh.setInterval(0), { code: 'InvalidArgument' });
  t.throws(() => refresh.update(), { code: 'InvalidState' }, 'not stand-alone yet');
  const pub = a.conn.sendRequest(
    new RequestElements({ method: 'PUBLISH', remoteUri: `sip:alice@127.0.0.1:${server.port}`, messageElements: new MessageElements({ headers: [['Event', 'presence']], content: '<presence/>', contentType: 'application/pidf+xml' }) }),
    { refresh },
  );
  t.equal(pub.refresh, refresh);
  t.equal(refresh.transaction, pub);
  t.equal(refresh.isStandAlone, true);
  t.equal(refresh.state, RefreshState.Inactive);
  await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === pub);
  t.equal(refresh.state, RefreshState.Active);
  t.equal(refresh.interval, 100);
  t.throws(() => a.conn.sendRequest(new RequestElements({ method: 'PUBLISH', remoteUri: 'sip:x@127.0.0.1' }), { refresh }), { code: 'InvalidState' }, 'one request per refresh');
  pub.dispose();
  t.equal(refresh.transaction, undefined);

  clock.advance(68_000); // 100 s - 32 s
  await server.waitFor('PUBLISH', 2);
  const second = server.of('PUBLISH')[1];
  t.equal(second.headers.get('SIP-If-Match'), 'etag-1', 'RFC 3903 entity tag');
  t.equal(second.body.length, 0, 'a PUBLISH refresh has no body');
  t.equal(second.callId, server.of('PUBLISH')[0].callId);
  await tick(20);
  t.equal(refresh.state, RefreshState.Active);
  t.notOk(a.rec.names().includes('incomingResponse') && a.rec.events.filter((e) => e.name === 'incomingResponse').length > 1, 'automatic refreshes are not reported');

  const up = refresh.update(new MessageElements({ content: '<presence>away</presence>', contentType: 'application/pidf+xml' }));
  await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === up);
  t.equal(server.of('PUBLISH')[2].body.toString(), '<presence>away</presence>');
  up.dispose();

  server.behaviour = (req) => (req.method === 'PUBLISH' ? createResponse(req, 412) : undefined);
  clock.advance(68_000);
  const e = await a.rec.wait('errorOccurredInRefresh');
  t.equal(e.args[1], refresh);
  t.equal((e.args[0] as { statusCode: number }).statusCode, 412);
  t.equal(refresh.state, RefreshState.Terminated);
  t.throws(() => refresh.terminate(), { code: 'InvalidState' });
  refresh.dispose();

  const r2 = new Refresh(a.client);
  server.behaviour = undefined;
  const pub2 = a.conn.sendRequest(new RequestElements({ method: 'PUBLISH', remoteUri: `sip:alice@127.0.0.1:${server.port}`, messageElements: new MessageElements({ headers: [['Event', 'presence']], content: 'x', contentType: 'text/plain' }) }), { refresh: r2 });
  await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === pub2);
  const end = r2.terminate();
  t.equal(r2.state, RefreshState.Terminated);
  await a.rec.wait('incomingResponse', (tx: ClientTransaction) => tx === end);
  t.equal(server.of('PUBLISH').at(-1)?.headers.get('Expires'), '0');
  end.dispose();
  pub2.dispose();
  r2.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});

t.test('a request tied to a registration: AOR as From, Service-Route preloaded (RFC 3608)', async (t) => {
  const server = await FakeServer.start({ auth: false });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri });
  const el = new RequestElements({ method: 'MESSAGE', remoteUri: 'sip:bob@tsip.test' });
  t.throws(() => a.conn.sendRequest(el, { context: binding }), { code: 'InvalidRegistrationState' });
  const reg = binding.register();
  await a.rec.wait('incomingResponseForRegistration');
  const tx = a.conn.sendRequest(el, { context: binding });
  await a.rec.wait('incomingResponse', (x: ClientTransaction) => x === tx);
  const got = server.of('MESSAGE')[0];
  t.equal(got.from.uri.toString(), 'sip:alice@tsip.test');
  t.same(got.headers.getAll('Route'), [`<sip:orig@127.0.0.1:${server.port};lr>`]);
  tx.dispose();
  reg.dispose();
  binding.dispose();
});
