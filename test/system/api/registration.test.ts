/**
 * RegistrationBinding against a fake registrar with RFC 7616 digest: register (401 answered from
 * stored credentials), refresh before expiry with the same Call-ID, next CSeq and pre-emptive
 * credentials, update, deregister, every state, challenge observer, refresh failure.
 */
import t from 'tap';
import { RegistrationState } from '../../../include-types/api.js';
import { RefreshState } from '../../../include-types/states.js';
import { HttpDigest } from '../../../lib/api/http-digest.js';
import { MessageElements } from '../../../lib/api/elements/message-elements.js';
import { Refresh } from '../../../lib/api/refresh.js';
import { RegistrationBinding } from '../../../lib/api/registration-binding.js';
import type { ClientTransaction } from '../../../lib/api/transactions/client-transaction.js';
import { createResponse } from '../../../lib/message/index.js';
import { FakeClock } from '../../../lib/transaction/index.js';
import { FakeServer } from '../../unit/api/fake-server.js';
import { party, tick } from '../../unit/api/party.js';

t.test('register with digest, refresh, update, deregister', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const digest = new HttpDigest(a.client);
  digest.setCredentials('tsip.test', 'alice', 'secret');
  const refresh = new Refresh(a.client);
  t.equal(refresh.state, RefreshState.Constructing);
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, refresh, expires: 600 });
  t.equal(binding.state, RegistrationState.Unregistered);
  t.notOk(binding.isContextActive());
  t.equal(refresh.state, RefreshState.Inactive);
  t.throws(() => binding.register(new MessageElements({ headers: [['Contact', '<sip:x@y>']] })), { code: 'MalformedMessage' });
  t.throws(() => binding.deregister(), { code: 'InvalidRegistrationState' });

  const tx = binding.register();
  t.equal(binding.state, RegistrationState.Registering);
  t.throws(() => binding.register(), { code: 'InvalidRegistrationState' });
  const ev = await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x.responseElements?.statusCode === 200);
  t.equal(ev.args[1], binding);
  t.equal(server.of('REGISTER').length, 2, '401 then the answer with credentials');
  t.ok(server.of('REGISTER')[1].headers.get('Authorization')?.includes('qop=auth'), 'qop=auth');
  t.match(server.of('REGISTER')[1].headers.get('Authorization') ?? '', /algorithm=SHA-256/, 'SHA-256 preferred when offered first (RFC 8760)');
  t.equal(server.of('REGISTER')[1].cseq.seq, server.of('REGISTER')[0].cseq.seq + 1, 'CSeq + 1 on the retry');
  t.notOk(a.rec.names().includes('challengeReceived'));
  t.equal(binding.state, RegistrationState.Registered);
  t.ok(binding.isContextActive());
  t.equal(binding.expires, 600);
  t.match(binding.registeredContact, /expires=600/);
  t.same(binding.path, ['<sip:edge.tsip.test;lr>']);
  t.same(binding.serviceRoute, [`<sip:orig@127.0.0.1:${server.port};lr>`]);
  t.equal(refresh.state, RefreshState.Active);
  t.equal(refresh.interval, 600);
  tx.dispose();

  // refresh before expiry: same Call-ID, next CSeq, credentials sent pre-emptively (nc 2)
  clock.advance(600_000 - 32_000);
  await server.waitFor('REGISTER', 3);
  await tick(30);
  const third = server.of('REGISTER')[2];
  t.equal(third.callId, server.of('REGISTER')[0].callId);
  t.equal(third.cseq.seq, server.of('REGISTER')[1].cseq.seq + 1);
  t.match(third.headers.get('Authorization') ?? '', /nc=00000002/);
  // the fake registrar's nonces live 300 s: the refresh's nonce is stale (401 stale=true), answered without the app
  await server.waitFor('REGISTER', 4);
  await tick(30);
  t.match(server.of('REGISTER')[3].headers.get('Authorization') ?? '', /nc=00000001/, 'a fresh nonce starts at nc 1');
  t.ok(server.of('REGISTER').every((r, i) => i === 0 || r.headers.has('Authorization')), 'every refresh carries credentials');
  t.notOk(a.rec.names().includes('challengeReceived'), 'the app was not asked');
  t.equal(binding.state, RegistrationState.Registered);

  // update the expiry
  const up = binding.update({ expires: 300 });
  t.equal(binding.state, RegistrationState.Updating);
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === up && x.responseElements?.statusCode === 200);
  t.equal(binding.expires, 300);
  up.dispose();

  const dereg = binding.deregister();
  t.equal(binding.state, RegistrationState.Deregistering);
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === dereg && x.responseElements?.statusCode === 200);
  t.equal(binding.state, RegistrationState.Unregistered);
  t.equal(refresh.state, RefreshState.Terminated);
  t.equal(server.bindings.size, 0);
  dereg.dispose();
  binding.dispose();
  refresh.dispose();
  digest.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});

t.test('no credentials: the challenge observer is asked; setCredentialsFor and ignoreChallenge', async (t) => {
  const clock = new FakeClock();
  const server = await FakeServer.start({ clock, algorithms: ['MD5'] });
  const a = await party('alice', { clock });
  t.teardown(async () => {
    await a.close();
    await server.stop();
  });
  const digest = new HttpDigest(a.client, a.rec.digestObserver());
  t.throws(() => new HttpDigest(a.client, a.rec.digestObserver()), { code: 'InvalidState' }, 'one challenge observer per client');
  const binding = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri });
  const tx = binding.register();
  const ch = await a.rec.wait('challengeReceived');
  t.equal(ch.args[0], tx);
  t.equal(tx.responseElements?.statusCode, 401);
  digest.setCredentialsFor(tx, 'tsip.test', 'alice', 'secret');
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x.responseElements?.statusCode === 200);
  t.match(server.of('REGISTER')[1].headers.get('Authorization') ?? '', /algorithm=MD5/);
  tx.dispose();

  // wrong credentials: the registrar refuses again → the 401 is the final response
  digest.removeCredentials();
  digest.setCredentials('tsip.test', 'alice', 'wrong');
  const up = binding.update({ expires: 120 });
  const r = await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === up && (x.responseElements?.statusCode ?? 0) >= 300);
  t.equal((r.args[0] as ClientTransaction).responseElements?.statusCode, 401);
  t.equal(binding.state, RegistrationState.Registered, 'a failed update leaves the old binding');
  up.dispose();

  // ignoreChallenge: delivered as the final response
  digest.removeCredentials();
  const other = new RegistrationBinding(a.conn, { aor: '<sip:alice@tsip.test>', registrar: server.uri, contact: '<sip:alice2@127.0.0.1>' });
  const tx2 = other.register();
  await a.rec.wait('challengeReceived', (x: ClientTransaction) => x === tx2);
  digest.ignoreChallenge(tx2, 'tsip.test');
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x === tx2 && x.responseElements?.statusCode === 401);
  t.equal(other.state, RegistrationState.Unregistered);
  tx2.dispose();
  other.dispose();
  binding.dispose();
  digest.dispose();
});

t.test('refresh failure arrives in errorOccurredInRegistrationRefresh', async (t) => {
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
  await a.rec.wait('incomingResponseForRegistration', (x: ClientTransaction) => x.responseElements?.statusCode === 200);
  tx.dispose();
  server.behaviour = (req) => (req.method === 'REGISTER' ? createResponse(req, 503) : undefined);
  clock.advance(88_000); // 120 s - min(32, 120/3): the refresh goes out, Timer F not yet run
  const e = await a.rec.wait('errorOccurredInRegistrationRefresh');
  t.equal((e.args[0] as { code: string }).code, 'RefreshFailed', String(e.args[0]));
  t.equal((e.args[0] as { statusCode: number }).statusCode, 503);
  t.equal(e.args[1], binding);
  t.equal(binding.state, RegistrationState.Unregistered);
  t.equal(refresh.state, RefreshState.Terminated);
  binding.dispose();
  refresh.dispose();
  t.same(a.client.liveObjects(), { SipConnection: 1 });
});
