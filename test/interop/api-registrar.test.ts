/**
 * The API against a real Kamailio (test/interop/kamailio/registrar.cfg on loopback): REGISTER
 * with digest authentication, refresh and deregistration; OPTIONS; MESSAGE to a registered user;
 * and calls between two tsip clients through Kamailio as a record-routing proxy (loose routing:
 * ACK and BYE come through the proxy).
 */
import t from 'tap';
import { RegistrationState } from '../../include-types/api.js';
import { DialogState } from '../../include-types/states.js';
import { InviteDialogAssoc } from '../../lib/api/dialogs/invite-dialog-assoc.js';
import { MessageElements } from '../../lib/api/elements/message-elements.js';
import { RequestElements } from '../../lib/api/elements/request-elements.js';
import { ResponseElements } from '../../lib/api/elements/response-elements.js';
import { HttpDigest } from '../../lib/api/http-digest.js';
import { Refresh } from '../../lib/api/refresh.js';
import { RegistrationBinding } from '../../lib/api/registration-binding.js';
import type { ClientTransaction } from '../../lib/api/transactions/client-transaction.js';
import type { ServerTransaction } from '../../lib/api/transactions/server-transaction.js';
import { FakeClock } from '../../lib/transaction/index.js';
import { type Party, party } from '../unit/api/party.js';
import { type FailingTest, requireTool, startKamailio } from './lib/index.js';
import { kamailioConfig } from './lib/paths.js';

const ok = (code: number) => (tx: ClientTransaction) => tx.responseElements?.statusCode === code;
const method = (m: string) => (tx: ServerTransaction) => tx.type === m;

function kamailioPresent(t: FailingTest): boolean {
  return requireTool(t, 'kamailio');
}

async function registered(p: Party, user: string, registrar: string, refresh?: Refresh) {
  const digest = new HttpDigest(p.client);
  digest.setCredentials('tsip.test', user, 'secret');
  const binding = new RegistrationBinding(p.conn, { aor: `<sip:${user}@tsip.test>`, registrar, refresh, expires: 300 });
  const tx = binding.register();
  await p.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === tx && (x.responseElements?.statusCode ?? 0) >= 200);
  return { digest, binding, tx };
}

t.test('REGISTER with digest, refresh, deregister; OPTIONS', async (t) => {
  if (!kamailioPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('registrar.cfg') });
  const clock = new FakeClock();
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await k.stop();
  });
  const registrar = `sip:${k.host}:${k.port}`;
  const refresh = new Refresh(a.client);
  const { digest, binding, tx } = await registered(a, 'alice', registrar, refresh);
  t.equal(tx.responseElements?.statusCode, 200, 'REGISTER answered 200 after the digest challenge');
  t.equal(binding.state, RegistrationState.Registered);
  t.equal(binding.expires, 300);
  t.match(binding.registeredContact ?? '', /sip:alice@127\.0\.0\.1:\d+/);
  t.equal(refresh.state, 'Active');
  tx.dispose();

  // the refresh, driven by the fake clock: Kamailio answers the re-REGISTER (challenging again if it likes)
  const sentBefore = a.client.stack.stats().transport.datagramsOut;
  const inBefore = a.client.stack.stats().transport.datagramsIn;
  clock.advance((300 - 32) * 1000);
  await new Promise((r) => setTimeout(r, 300));
  t.ok(a.client.stack.stats().transport.datagramsOut > sentBefore, 'the re-REGISTER went out');
  t.ok(a.client.stack.stats().transport.datagramsIn > inBefore, 'and was answered');
  t.equal(binding.state, RegistrationState.Registered, 'still registered after the refresh');
  t.notOk(a.rec.names().includes('errorOccurredInRegistrationRefresh'), 'the refresh succeeded');

  // RFC 3261 §10.2.3: a REGISTER without Contact lists the bindings
  const fetch = a.conn.fetchRegistrations(new RequestElements({ method: 'REGISTER', remoteUri: registrar, to: '<sip:alice@tsip.test>' }));
  await a.rec.wait('incomingResponse', (x: ClientTransaction) => x === fetch && (x.responseElements?.statusCode ?? 0) >= 200);
  t.equal(fetch.responseElements?.statusCode, 200, 'fetchRegistrations answered 200 (digest answered on the way)');
  t.ok(fetch.responseElements?.messageElements.headerValues('Contact').some((c) => c.includes('sip:alice@127.0.0.1')), 'our binding is listed');
  fetch.dispose();

  const opt = a.conn.sendRequest(new RequestElements({ method: 'OPTIONS', remoteUri: registrar }));
  await a.rec.wait('incomingResponse', (x: ClientTransaction) => x === opt && ok(200)(x));
  t.match(opt.responseElements?.messageElements.header('Allow') ?? '', /INVITE/);
  opt.dispose();

  const dereg = binding.deregister();
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === dereg && (x.responseElements?.statusCode ?? 0) >= 200);
  t.equal(dereg.responseElements?.statusCode, 200);
  t.equal(binding.state, RegistrationState.Unregistered);
  for (const o of [dereg, binding, refresh, digest]) o.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});

t.test('MESSAGE to a registered user, and a call through Kamailio (Record-Route, loose routing)', async (t) => {
  if (!kamailioPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('registrar.cfg') });
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
    await k.stop();
  });
  const registrar = `sip:${k.host}:${k.port}`;
  const ra = await registered(a, 'alice', registrar);
  const rb = await registered(b, 'bob', registrar);
  t.equal(rb.binding.state, RegistrationState.Registered);

  const msg = a.conn.sendRequest(
    new RequestElements({ method: 'MESSAGE', remoteUri: `sip:bob@${k.host}:${k.port}`, from: '<sip:alice@tsip.test>', messageElements: new MessageElements({ content: 'hi bob', contentType: 'text/plain' }) }),
  );
  const inMsg = (await b.rec.wait('incomingRequest', method('MESSAGE'))).args[0] as ServerTransaction;
  t.equal(inMsg.requestElements.messageElements.contentText, 'hi bob');
  inMsg.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponse', (x: ClientTransaction) => x === msg && ok(200)(x));
  inMsg.dispose();
  msg.dispose();

  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@${k.host}:${k.port}>`, from: '<sip:alice@tsip.test>' });
  const invite = assoc.sendInvite(new MessageElements({ content: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n', contentType: 'application/sdp' }));
  const inInv = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  t.match(inInv.requestElements.messageElements.header('Record-Route') ?? '', new RegExp(`${k.port};lr`), 'Kamailio record-routed');
  const uas = InviteDialogAssoc.fromServerTransaction(inInv);
  inInv.sendResponse(new ResponseElements({ statusCode: 180 }));
  inInv.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite && ok(200)(x));
  t.equal(assoc.dialog.state, DialogState.Confirmed);
  t.match(assoc.dialog.core?.routeSet.map(String).join(',') ?? '', new RegExp(`${k.port};lr`), 'route set from the Record-Route');
  assoc.sendAck(invite);
  const ack = (await b.rec.wait('incomingRequestInDialog', method('ACK'))).args[0] as ServerTransaction;
  t.equal((ack as unknown as { request: { via: unknown[] } }).request.via.length, 2, 'the ACK came through the proxy');
  const bye = assoc.sendBye();
  const inBye = (await b.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  t.equal((inBye as unknown as { request: { via: unknown[] } }).request.via.length, 2, 'the BYE came through the proxy');
  inBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye && ok(200)(x));
  t.equal(uas.dialog.state, DialogState.Terminated);
  for (const o of [ack, inBye, inInv, bye, uas, assoc, ra.tx, rb.tx, ra.binding, rb.binding, ra.digest, rb.digest]) o.dispose();
  invite.forceDispose();
});

t.test('Kamailio challenges the INVITE (407): answered from stored credentials, call completes', async (t) => {
  if (!kamailioPresent(t)) return;
  const k = await startKamailio({ config: kamailioConfig('registrar.cfg'), vars: { AUTH_CALLS: 1 } });
  const a = await party('alice');
  const b = await party('bob');
  t.teardown(async () => {
    await a.close();
    await b.close();
    await k.stop();
  });
  const registrar = `sip:${k.host}:${k.port}`;
  const ra = await registered(a, 'alice', registrar);
  const rb = await registered(b, 'bob', registrar);
  const assoc = InviteDialogAssoc.create(a.conn, { to: `<sip:bob@${k.host}:${k.port}>`, from: '<sip:alice@tsip.test>' });
  const invite = assoc.sendInvite();
  const inInv = (await b.rec.wait('incomingRequest', method('INVITE'))).args[0] as ServerTransaction;
  t.notOk(inInv.requestElements.messageElements.header('Proxy-Authorization'), 'the proxy consumed the credentials');
  t.ok(invite.request.headers.get('Proxy-Authorization'), 'alice answered the 407');
  t.notOk(a.rec.names().includes('challengeReceived'));
  const uas = InviteDialogAssoc.fromServerTransaction(inInv);
  inInv.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === invite && ok(200)(x));
  assoc.sendAck(invite);
  const ack = (await b.rec.wait('incomingRequestInDialog', method('ACK'))).args[0] as ServerTransaction;
  const bye = assoc.sendBye();
  const inBye = (await b.rec.wait('incomingRequestInDialog', method('BYE'))).args[0] as ServerTransaction;
  inBye.sendResponse(new ResponseElements({ statusCode: 200 }));
  await a.rec.wait('incomingResponseInDialog', (x: ClientTransaction) => x === bye && ok(200)(x));
  for (const o of [ack, inBye, inInv, bye, uas, assoc, ra.tx, rb.tx, ra.binding, rb.binding, ra.digest, rb.digest]) o.dispose();
  invite.forceDispose();
});
