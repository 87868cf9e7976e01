/** Digest on SIP messages: a REGISTER challenged by a proxy and a registrar, retried, verified. */
import t from 'tap';
import { SipRequest, SipResponse, createResponse, parseMessage, serializeMessage } from '../../../lib/message/index.js';
import { DigestCredentialStore } from '../../../lib/stack/digest/credential-store.js';
import { DigestServer } from '../../../lib/stack/digest/server.js';
import { answerChallenge, authenticationFailed, buildAuthorizedRetry, challengedRealms, challengedRequestOf } from '../../../lib/stack/digest/sip-auth.js';

const clock = { now: () => 5_000 };
const lookup = (u: string) => (u === 'alice' ? { password: 'pw' } : undefined);

function register(): SipRequest {
  return new SipRequest({
    method: 'REGISTER',
    uri: 'sip:atlanta.example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKreg1'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@atlanta.example.com>;tag=f1'],
      ['To', '<sip:alice@atlanta.example.com>'],
      ['Call-ID', 'reg-1'],
      ['CSeq', '1 REGISTER'],
      ['Contact', '<sip:alice@10.0.0.1>'],
    ],
  });
}

function challenge(req: SipRequest, status: 401 | 407, values: string[]): SipResponse {
  const res = createResponse(req, status);
  for (const v of values) res.headers.append(status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate', v);
  // through the wire and back, as the stack would see it
  return parseMessage(serializeMessage(res)) as SipResponse;
}

t.test('407 then 401: each retry carries what is needed and verifies', async (t) => {
  const proxy = new DigestServer({ realm: 'proxy.example.com', clock, algorithms: ['MD5'] });
  const registrar = new DigestServer({ realm: 'atlanta.example.com', clock });
  const store = new DigestCredentialStore();
  const first = register();
  const r407 = challenge(first, 407, proxy.createChallenge());
  const ask = answerChallenge(store, first, r407);
  t.same(ask, { kind: 'needCredentials', realms: ['proxy.example.com'] });
  store.setCredentials('proxy.example.com', { username: 'alice', secret: { password: 'pw' } });
  store.setCredentials('atlanta.example.com', { username: 'alice', secret: { password: 'pw' } });
  const o1 = answerChallenge(store, first, r407);
  if (o1.kind !== 'retry') throw new Error('expected retry');
  const second = o1.request;
  t.same(second.via, [], 'the transaction layer adds a fresh Via');
  t.same(second.cseq, { seq: 2, method: 'REGISTER' });
  t.equal(second.headers.getAll('Proxy-Authorization').length, 1);
  t.equal(first.headers.getAll('Proxy-Authorization').length, 0, 'the original is not changed');
  t.equal(proxy.verifyAuthorization(second.headers.get('Proxy-Authorization')!, { method: 'REGISTER', uri: second.uri.toString(), lookup }).result, 'ok');

  second.headers.prepend('Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKreg2');
  const r401 = challenge(second, 401, registrar.createChallenge());
  const o2 = answerChallenge(store, second, r401);
  if (o2.kind !== 'retry') throw new Error('expected retry');
  const third = o2.request;
  t.same(third.cseq, { seq: 3, method: 'REGISTER' });
  const wire = parseMessage(serializeMessage(third)) as SipRequest;
  const info = challengedRequestOf(wire);
  t.equal(info.proxyAuthorization?.length, 1);
  t.equal(info.authorization?.length, 1);
  t.equal(proxy.verifyAuthorization(info.proxyAuthorization![0], { method: 'REGISTER', uri: info.uri, lookup }).result, 'ok');
  t.equal(registrar.verifyAuthorization(info.authorization![0], { method: 'REGISTER', uri: info.uri, lookup }).result, 'ok');

  // the registrar refuses again without stale: credentials rejected
  const again = challenge(wire, 401, registrar.createChallenge());
  t.same(answerChallenge(store, wire, again), { kind: 'failed', reason: 'rejected', realms: ['atlanta.example.com'] });
});

t.test('retry inside a dialog takes the dialog’s CSeq', async (t) => {
  const req = register();
  const r = buildAuthorizedRetry(req, { kind: 'retry', authorization: ['Digest x="y"'], proxyAuthorization: [] }, { cseq: 42 });
  t.same(r.cseq, { seq: 42, method: 'REGISTER' });
  t.same(r.headers.getAll('Authorization'), ['Digest x="y"']);
});

t.test('authenticationFailed says why, with the status', async (t) => {
  const a = authenticationFailed(401, { kind: 'failed', reason: 'rejected', realms: ['r'] });
  t.match(a, { name: 'SipError', code: 'AuthenticationFailed', statusCode: 401, message: 'credentials rejected for r' });
  t.match(authenticationFailed(407, { kind: 'needCredentials', realms: ['p', 'q'] }), { statusCode: 407, message: 'no credentials for p, q' });
  t.match(authenticationFailed(401, { kind: 'failed', reason: 'unsupported', realms: [] }), { message: 'no supported challenge' });
  t.match(authenticationFailed(401), { message: 'challenge ignored' });
});

t.test('challengedRealms: unquoted, several per value, deduplicated, unsupported left out', async (t) => {
  const res = challenge(register(), 401, ['Digest realm=a.example, nonce=1, Digest realm="b, c", nonce="2", algorithm=SHA-256', 'Digest realm="b, c", nonce="3"', 'Basic realm="basic"']);
  res.headers.append('Proxy-Authenticate', 'Digest realm="a.example", nonce="4"');
  t.same(challengedRealms(res), [
    { origin: 'proxy', realm: 'a.example' },
    { origin: 'www', realm: 'a.example' },
    { origin: 'www', realm: 'b, c' },
  ]);
});
