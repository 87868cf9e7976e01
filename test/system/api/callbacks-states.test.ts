/**
 * The callbacks and states the other files do not reach: errorOccurredInRegistration,
 * challengeReceivedInRefresh, digest challenges inside a dialog (407 to BYE answered
 * automatically with the next CSeq), TransactionState Confirmed (ACK for a non-2xx) and
 * Constructing (next hop still resolving).
 */
import t from 'tap';
import { RegistrationState } from '../../../include-types/api.js';
import type { ResolveQuery, ResolvedTarget, Resolver } from '../../../include-types/settings.js';
import { TransactionState } from '../../../include-types/states.js';
import { InviteDialogAssoc } from '../../../lib/api/dialogs/invite-dialog-assoc.js';
import { RequestElements } from '../../../lib/api/elements/request-elements.js';
import { ResponseElements } from '../../../lib/api/elements/response-elements.js';
import { HttpDigest } from '../../../lib/api/http-digest.js';
import { Refresh } from '../../../lib/api/refresh.js';
import { RegistrationBinding } from '../../../lib/api/registration-binding.js';
import { SipClient } from '../../../lib/api/sip-client.js';
import { SipConnection } from '../../../lib/api/sip-connection.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../../lib/api/transactions/server-transaction.js';
import { createResponse } from '../../../lib/message/index.js';
import { DigestServer } from '../../../lib/stack/digest/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { Recorder } from '../../unit/api/recorder.js';
import { party, tick } from '../../unit/api/party.js';

t.test('errorOccurredInRegistration: the registrar never answers', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ behaviour: () => 'handled' });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri });
  const tx = binding.register();
  await server.waitFor('REGISTER');
  clock.advance(32_000);
  const e = await a.rec.wait('errorOccurredInRegistration');
  t.equal((e.args[0] as { code: string }).code, 'Timeout');
  t.equal(e.args[1], tx);
  t.equal(e.args[2], binding);
  t.equal(binding.state, RegistrationState.Unregistered);
  tx.dispose();
  binding.dispose();
});

t.test('challengeReceivedInRefresh: a refresh challenged for a realm without credentials', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock, auth: false });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const digest = new HttpDigest(a.client, a.rec.digestObserver());
  const refresh = new Refresh(a.client);
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, refresh, expires: 120 });
  const tx = binding.register();
  await a.rec.wait('incomingResponseForRegistration');
  tx.dispose();
  // from now on the registrar challenges
  const realm = new DigestServer({ realm: 'other.test', clock });
  server.behaviour = (req) => {
    if (req.method !== 'REGISTER') return undefined;
    const auth = req.headers.get('Authorization');
    if (auth !== undefined && realm.verifyAuthorization(auth, { method: 'REGISTER', uri: req.uri.toString(), lookup: () => ({ password: 'pw' }) }).result === 'ok') return server.register(Object.assign(req, {}));
    const res = createResponse(req, 401);
    for (const c of realm.createChallenge()) res.headers.append('WWW-Authenticate', c);
    return res;
  };
  clock.advance(88_000);
  const ch = await a.rec.wait('challengeReceivedInRefresh');
  t.equal(ch.args[0], refresh);
  digest.setCredentialsForRefresh(refresh, 'other.test', 'alice', 'pw');
  await tick(50);
  t.equal(binding.state, RegistrationState.Registered);
  t.equal(refresh.state, 'Active');
  t.notOk(a.rec.names().includes('errorOccurredInRegistrationRefresh'));
  binding.dispose();
  refresh.dispose();
  digest.dispose();
});

t.test('a 407 to a BYE is answered from stored credentials, with the next CSeq', async (t) => {
  const clock = new FakeClock();
  const proxyAuth = new DigestServer({ realm: 'proxy.test', clock });
  let byes = 0;
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const digest = new HttpDigest(a.client);
  digest.setCredentials('proxy.test', 'alice', 'pw');
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite();
  const inTx = (await b.rec.wait('incomingRequest')).args[0] as ServerTransaction;
  const uas = InviteDialogAssoc.fromServerTransaction(inTx);
  inTx.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  assoc.sendAck(invite);
  b.rec.on('incomingRequestInDialog', (tx: ServerTransaction) => {
    if (tx.type !== 'BYE') return;
    byes++;
    const auth = tx.request.headers.get('Proxy-Authorization');
    const ok = auth !== undefined && proxyAuth.verifyAuthorization(auth, { method: 'BYE', uri: tx.request.uri.toString(), lookup: () => ({ password: 'pw' }) }).result === 'ok';
    if (ok) return tx.sendResponse(new ResponseElements({ statusCode: 200 }));
    // the dialog ended with the first BYE on bob's side; answer as a proxy would, from outside
    const res = createResponse(tx.request, 407, undefined, tx.localTag);
    for (const c of proxyAuth.createChallenge()) res.headers.append('Proxy-Authenticate', c);
    tx.respondInternally(res);
  });
  const bye = assoc.sendBye();
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye && (x.responseElements?.statusCode ?? 0) >= 200);
  t.equal(byes, 1, "bob's app saw the first BYE and challenged it");
  t.equal(bye.responseElements?.statusCode, 481, 'the retry reached bob, whose dialog the first BYE had ended');
  t.equal(bye.request.cseq.seq, invite.request.cseq.seq + 2, 'the retried BYE took the next CSeq of the dialog');
  t.ok(bye.request.headers.get('Proxy-Authorization'));
  for (const o of [bye, inTx, uas, assoc, digest]) o.dispose();
  for (const e of b.rec.events) if (e.name === 'incomingRequestInDialog') (e.args[0] as ServerTransaction).dispose();
  invite.forceDispose();
});

t.test('TransactionState Confirmed: the ACK for a non-2xx reached the INVITE server transaction', async (t) => {
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<${b.uri('bob')}>` });
  const invite = assoc.sendInvite();
  const inTx = (await b.rec.wait('incomingRequest')).args[0] as ServerTransaction;
  t.equal(inTx.state, TransactionState.Proceeding);
  inTx.sendResponse(new ResponseElements({ statusCode: 486 }));
  t.equal(inTx.state, TransactionState.Completed);
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite);
  t.equal(invite.state, TransactionState.Completed, 'the INVITE client transaction absorbs 486 retransmissions');
  for (let i = 0; i < 50 && inTx.state !== TransactionState.Confirmed; i++) await tick(10);
  t.equal(inTx.state, TransactionState.Confirmed);
  for (const o of [invite, inTx, assoc]) o.dispose();
});

t.test('TransactionState Constructing while the next hop resolves', async (t) => {
  let release: (v: ResolvedTarget[]) => void = () => undefined;
  const resolver: Resolver = { resolve: (_q: ResolveQuery) => new Promise<ResolvedTarget[]>((r) => (release = r)) };
  const rec = new Recorder();
  const client = new SipClient({ uid: 'dns', observer: rec.sipObserver(), settings: { iaps: [{ id: 'lo', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], resolver } });
  const conn = new SipConnection(client, 'lo', rec.connectionObserver());
  const server = await FakeServer.start();
  t.teardown(async () => {
    await client.close();
    await server.stop();
  });
  await rec.wait('connectionStateChanged', (s: string) => s === 'Active');
  const tx = conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: 'sip:server.tsip.test' }));
  t.equal(tx.state, TransactionState.Constructing);
  release([{ protocol: 'udp', address: '127.0.0.1', port: server.port, family: 4 }]);
  await rec.wait('incomingResponse', (x: ClientTransaction) => x === tx);
  t.equal(tx.state, TransactionState.Completed);
  tx.dispose();
});

t.test('connection Inactive: refreshes, registrations and subscriptions are dropped silently', async (t) => {
  const server = await FakeServer.start({ auth: false });
  const a = await party('alice');
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const { SubscribeDialogAssoc } = await import('../../../lib/api/dialogs/subscribe-dialog-assoc.js');
  const regRefresh = new Refresh(a.client);
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, refresh: regRefresh });
  const rtx = binding.register();
  await a.rec.wait('incomingResponseForRegistration');
  const subRefresh = new Refresh(a.client);
  const sub = SubscribeDialogAssoc.create(a.conn, { to: `<sip:p@127.0.0.1:${server.port}>`, event: 'presence' });
  const stx = sub.sendSubscribe(undefined, subRefresh);
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === stx);
  t.equal(regRefresh.state, 'Active');
  t.equal(subRefresh.state, 'Active');
  const before = a.rec.events.length;
  await a.client.stack.shutdown();
  await a.rec.wait('connectionStateChanged', (s: string) => s === 'Inactive');
  t.equal(regRefresh.state, 'Terminated');
  t.equal(subRefresh.state, 'Terminated');
  t.equal(binding.state, RegistrationState.Unregistered);
  t.same(a.rec.events.slice(before).map((e) => e.name), ['connectionStateChanged'], 'no per-item errors (Symbian: no event flood)');
  for (const o of [rtx, stx, sub, binding, regRefresh, subRefresh]) o.dispose();
});

t.test('a registration refresh due while the connection is Suspended: CouldNotConnect', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock, auth: false });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const refresh = new Refresh(a.client);
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, refresh, expires: 120 });
  const tx = binding.register();
  await a.rec.wait('incomingResponseForRegistration');
  a.client.stack.setIapSuspended('lo', true);
  await a.rec.wait('connectionStateChanged', (s: string) => s === 'Suspended');
  clock.advance(88_000);
  const e = await a.rec.wait('errorOccurredInRegistrationRefresh');
  t.equal((e.args[0] as { code: string }).code, 'CouldNotConnect');
  t.equal(binding.state, RegistrationState.Unregistered);
  t.equal(server.of('REGISTER').length, 1, 'nothing sent while suspended');
  for (const o of [tx, binding, refresh]) o.dispose();
});
