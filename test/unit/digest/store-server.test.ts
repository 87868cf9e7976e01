/** DigestCredentialStore against DigestServer: round trips, stale nonces, nonce counts, rejections. */
import t from 'tap';
import { DigestCredentialStore } from '../../../lib/stack/digest/credential-store.js';
import { DigestServer } from '../../../lib/stack/digest/server.js';
import { parseDigestCredentials } from '../../../lib/stack/digest/authorization.js';
import { computeBaseHa1 } from '../../../lib/stack/digest/compute.js';

class Time {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

const req = { method: 'REGISTER', uri: 'sip:atlanta.com' };
const lookup = (u: string): { password: string } | undefined => (u === 'alice' ? { password: 'secret' } : undefined);
const alice = { username: 'alice', secret: { password: 'secret' } };

function setup(opts: Partial<ConstructorParameters<typeof DigestServer>[0]> = {}) {
  const clock = new Time();
  const server = new DigestServer({ realm: 'atlanta.com', clock, secret: Buffer.alloc(32, 7), ...opts });
  let n = 0;
  const store = new DigestCredentialStore({ cnonce: () => `cn${++n}` });
  return { clock, server, store };
}

function retry(a: ReturnType<DigestCredentialStore['answer']>): { authorization: string[]; proxyAuthorization: string[] } {
  if (a.kind !== 'retry') throw new Error('expected retry, got ' + JSON.stringify(a));
  return a;
}

t.test('round trip: challenge → needCredentials → answer → ok (SHA-256 chosen over MD5)', async (t) => {
  const { server, store } = setup();
  const challenge = server.createChallenge();
  t.equal(challenge.length, 2);
  t.same(store.answer({ wwwAuthenticate: challenge }, req), { kind: 'needCredentials', realms: ['atlanta.com'] });
  store.setCredentials('atlanta.com', alice);
  const a = retry(store.answer({ wwwAuthenticate: challenge }, req));
  t.equal(a.authorization.length, 1);
  t.same(a.proxyAuthorization, []);
  const c = parseDigestCredentials(a.authorization[0]);
  t.equal(c?.algorithm, 'SHA-256');
  t.equal(c?.nc, '00000001');
  t.equal(c?.cnonce, 'cn1');
  t.equal(c?.qop, 'auth');
  t.same(server.verifyAuthorization(a.authorization[0], { ...req, lookup }), { result: 'ok', username: 'alice' });
});

t.test('every algorithm and qop=auth-int verify; a changed body does not', async (t) => {
  for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'] as const) {
    const { server } = setup({ algorithms: [algorithm], qop: ['auth-int'] });
    const store = new DigestCredentialStore();
    store.setCredentials('atlanta.com', alice);
    const invite = { method: 'INVITE', uri: 'sip:bob@atlanta.com', body: 'v=0\r\n' };
    const a = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, invite));
    t.equal(parseDigestCredentials(a.authorization[0])?.qop, 'auth-int', algorithm);
    t.same(server.verifyAuthorization(a.authorization[0], { ...invite, lookup }), { result: 'ok', username: 'alice' }, algorithm);
    t.same(server.verifyAuthorization(a.authorization[0], { ...invite, body: 'v=1\r\n', lookup }), { result: 'bad', reason: 'digest' }, algorithm);
  }
});

t.test('nonce count increments per nonce and restarts with a new nonce', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', alice);
  const first = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  const nonce = parseDigestCredentials(first)!.nonce;
  t.equal(store.nonceCount('www', 'atlanta.com', nonce), 1);
  const second = store.authorize('www', 'atlanta.com', req)!;
  const third = store.authorize('www', 'atlanta.com', req)!;
  t.equal(parseDigestCredentials(second)?.nc, '00000002');
  t.equal(parseDigestCredentials(third)?.nc, '00000003');
  t.equal(parseDigestCredentials(third)?.nonce, nonce);
  t.same(server.verifyAuthorization(first, { ...req, lookup }).result, 'ok');
  t.same(server.verifyAuthorization(third, { ...req, lookup }).result, 'ok');
  t.same(server.verifyAuthorization(second, { ...req, lookup }), { result: 'bad', reason: 'replay' }, 'lower nc after a higher one is a replay');
  t.same(server.verifyAuthorization(third, { ...req, lookup }), { result: 'bad', reason: 'replay' });
  retry(store.answer({ wwwAuthenticate: server.createChallenge({ stale: true }) }, { ...req, authorization: [third] }));
  t.equal(store.nonceCount('www', 'atlanta.com', nonce), 0, 'old nonce forgotten');
  t.equal(store.stats.nonces, 1, 'one nonce per realm');
  t.equal(store.authorize('www', 'nowhere', req), undefined);
});

t.test('stale: an expired nonce with a correct digest is stale; the store retries without asking', async (t) => {
  const { server, store, clock } = setup({ nonceLifetimeMs: 60_000 });
  store.setCredentials('atlanta.com', alice);
  const a = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  clock.t += 60_001;
  t.same(server.verifyAuthorization(a, { ...req, lookup }), { result: 'stale' });
  const stale = server.createChallenge({ stale: true });
  t.match(stale[0], /stale=true/);
  const b = retry(store.answer({ wwwAuthenticate: stale }, { ...req, authorization: [a] })).authorization[0];
  t.not(parseDigestCredentials(b)?.nonce, parseDigestCredentials(a)?.nonce);
  t.equal(parseDigestCredentials(b)?.nc, '00000001');
  t.same(server.verifyAuthorization(b, { ...req, lookup }).result, 'ok');
  // a wrong password with an expired nonce is bad, not stale (no hint to guessers)
  const wrong = new DigestCredentialStore();
  wrong.setCredentials('atlanta.com', { username: 'alice', secret: { password: 'guess' } });
  const w = retry(wrong.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  clock.t += 120_000;
  t.same(server.verifyAuthorization(w, { ...req, lookup }), { result: 'bad', reason: 'digest' });
});

t.test('rejection: challenged again, not stale, after answering → failed/rejected', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', { username: 'alice', secret: { password: 'wrong' } });
  const challenge = server.createChallenge();
  const a = retry(store.answer({ wwwAuthenticate: challenge }, req)).authorization[0];
  t.same(server.verifyAuthorization(a, { ...req, lookup }), { result: 'bad', reason: 'digest' });
  t.same(store.answer({ wwwAuthenticate: challenge }, { ...req, authorization: [a] }), { kind: 'failed', reason: 'rejected', realms: ['atlanta.com'] }, 'same nonce');
  t.same(store.answer({ wwwAuthenticate: server.createChallenge() }, { ...req, authorization: [a] }), { kind: 'failed', reason: 'rejected', realms: ['atlanta.com'] }, 'fresh nonce, nc=1 answered: RFC 7616 §3.3');
});

t.test('a reused nonce (nc > 1) refused without stale gets one fresh answer', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', alice);
  retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req));
  const reused = store.authorize('www', 'atlanta.com', req)!;
  const again = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, { ...req, authorization: [reused] }));
  t.equal(parseDigestCredentials(again.authorization[0])?.nc, '00000001');
  t.same(store.answer({ wwwAuthenticate: server.createChallenge() }, { ...req, authorization: again.authorization }).kind, 'failed', 'but not twice');
});

t.test('proxy and registrar realms: 407 then 401 keeps the proxy credentials with the next nc', async (t) => {
  const clock = new Time();
  const proxy = new DigestServer({ realm: 'proxy.net', clock, algorithms: ['MD5'] });
  const registrar = new DigestServer({ realm: 'atlanta.com', clock });
  const store = new DigestCredentialStore();
  store.setCredentials('proxy.net', { username: 'alice', secret: { password: 'secret' } });
  store.setCredentials('atlanta.com', alice);
  const r1 = retry(store.answer({ proxyAuthenticate: proxy.createChallenge() }, req));
  t.equal(r1.proxyAuthorization.length, 1);
  t.same(r1.authorization, []);
  const r2 = retry(store.answer({ wwwAuthenticate: registrar.createChallenge() }, { ...req, proxyAuthorization: r1.proxyAuthorization }));
  t.equal(r2.proxyAuthorization.length, 1);
  t.equal(r2.authorization.length, 1);
  t.equal(parseDigestCredentials(r2.proxyAuthorization[0])?.nc, '00000002');
  t.same(proxy.verifyAuthorization(r1.proxyAuthorization[0], { ...req, lookup }).result, 'ok');
  t.same(proxy.verifyAuthorization(r2.proxyAuthorization[0], { ...req, lookup }).result, 'ok');
  t.same(registrar.verifyAuthorization(r2.authorization[0], { ...req, lookup }).result, 'ok');
});

t.test('two realms, one without credentials → needCredentials lists only it', async (t) => {
  const { store } = setup();
  store.setCredentials('a', alice);
  const a = store.answer({ wwwAuthenticate: ['Digest realm="a", nonce="1"', 'Digest realm="b", nonce="2"'] }, req);
  t.same(a, { kind: 'needCredentials', realms: ['b'] });
});

t.test('unsupported challenges only → failed/unsupported', async (t) => {
  const { store } = setup();
  store.setCredentials('r', alice);
  t.same(store.answer({ wwwAuthenticate: ['Basic realm="r"', 'Digest realm="r", nonce="n", algorithm=AKAv1-MD5'] }, req), { kind: 'failed', reason: 'unsupported', realms: ['r', 'r'] });
});

t.test('credentials scoped to an outbound proxy win over unscoped ones', async (t) => {
  const { server } = setup({ algorithms: ['MD5'] });
  const store = new DigestCredentialStore();
  store.setCredentials('atlanta.com', { username: 'bob', secret: { password: 'x' } });
  store.setCredentials('atlanta.com', alice, { outboundProxy: 'sip:edge.example' });
  const ch = server.createChallenge();
  const viaEdge = retry(store.answer({ wwwAuthenticate: ch }, req, { outboundProxy: 'sip:edge.example' })).authorization[0];
  t.equal(parseDigestCredentials(viaEdge)?.username, 'alice');
  const direct = retry(store.answer({ wwwAuthenticate: ch }, req)).authorization[0];
  t.equal(parseDigestCredentials(direct)?.username, 'bob');
  t.ok(store.hasCredentials('atlanta.com', { outboundProxy: 'sip:other' }));
  t.ok(store.removeCredentials('atlanta.com'));
  t.notOk(store.hasCredentials('atlanta.com', { outboundProxy: 'sip:other' }));
  t.ok(store.hasCredentials('atlanta.com', { outboundProxy: 'sip:edge.example' }));
});

t.test('opaque is echoed; userhash hides the username; RFC 2069 mode has no nc/cnonce', async (t) => {
  const { server, store } = setup({ opaque: 'op"aque', qop: [] , algorithms: ['SHA-256'] });
  store.setCredentials('atlanta.com', alice);
  const a = retry(store.answer({ wwwAuthenticate: server.createChallenge({ userhash: true }) }, req)).authorization[0];
  const c = parseDigestCredentials(a)!;
  t.equal(c.opaque, 'op"aque');
  t.equal(c.userhash, true);
  t.not(c.username, 'alice');
  t.equal(c.nc, undefined);
  t.equal(c.cnonce, undefined);
  t.equal(c.qop, undefined);
  t.same(server.verifyAuthorization(a, { ...req, lookup, knownUsers: () => ['bob', 'alice'] }), { result: 'ok', username: 'alice' });
  t.same(server.verifyAuthorization(a, { ...req, lookup, knownUsers: () => ['bob'] }), { result: 'bad', reason: 'unknown-user' });
  t.same(server.verifyAuthorization(a.replace('op\\"aque', 'other'), { ...req, lookup }), { result: 'bad', reason: 'opaque' });
});

t.test('server refuses forged, foreign and mismatched answers', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', alice);
  const a = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  const c = parseDigestCredentials(a)!;
  t.same(server.verifyAuthorization(a, { ...req, uri: 'sip:other.com', lookup }), { result: 'bad', reason: 'uri' });
  t.same(server.verifyAuthorization(a, { ...req, uri: 'not a uri', lookup }), { result: 'bad', reason: 'uri' });
  t.same(server.verifyAuthorization(a, { ...req, method: 'INVITE', lookup }), { result: 'bad', reason: 'digest' });
  t.same(server.verifyAuthorization(a, { ...req, lookup: () => undefined }), { result: 'bad', reason: 'unknown-user' });
  const ha1 = computeBaseHa1('SHA-256', 'alice', 'atlanta.com', 'secret');
  t.same(server.verifyAuthorization(a, { ...req, lookup: () => ({ ha1 }) }).result, 'ok', 'HA1 lookup');
  const forged = a.replace(c.nonce, (c.nonce[0] === 'A' ? 'B' : 'A') + c.nonce.slice(1));
  t.same(server.verifyAuthorization(forged, { ...req, lookup }), { result: 'bad', reason: 'nonce' });
  t.same(server.verifyAuthorization(a.replace(c.nonce, c.nonce + 'A'), { ...req, lookup }), { result: 'bad', reason: 'nonce' }, 'longer');
  const other = new DigestServer({ realm: 'atlanta.com', clock: new Time() });
  t.same(other.verifyAuthorization(a, { ...req, lookup }), { result: 'bad', reason: 'nonce' }, 'another secret');
  t.same(server.verifyAuthorization('Basic Zm9vOmJhcg==', { ...req, lookup }), { result: 'bad', reason: 'malformed' });
  t.same(server.verifyAuthorization(a.replace('realm="atlanta.com"', 'realm="x"'), { ...req, lookup }), { result: 'bad', reason: 'realm' });
  t.same(server.verifyAuthorization(a.replace('algorithm=SHA-256', 'algorithm=SHA-512-256'), { ...req, lookup }), { result: 'bad', reason: 'algorithm' });
  t.same(server.verifyAuthorization(a.replace('qop=auth', 'qop=auth-int'), { ...req, lookup }), { result: 'bad', reason: 'qop' });
  t.same(server.verifyAuthorization(a.replace(/, qop=auth/, ''), { ...req, lookup }), { result: 'bad', reason: 'qop' });
  t.same(server.verifyAuthorization(a.replace(/nc=00000001/, 'nc=1'), { ...req, lookup }), { result: 'bad', reason: 'malformed' });
  const next = store.authorize('www', 'atlanta.com', req)!;
  t.same(server.verifyAuthorization(next, { ...req, uri: 'sip:ATLANTA.com', lookup }).result, 'ok', 'an equivalent SIP URI');
});

t.test('server forgets nonce counts past its cap', async (t) => {
  const { server } = setup({ maxTrackedNonces: 3, algorithms: ['MD5'] });
  for (let i = 0; i < 10; i++) {
    const store = new DigestCredentialStore();
    store.setCredentials('atlanta.com', alice);
    const a = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
    t.equal(server.verifyAuthorization(a, { ...req, lookup }).result, 'ok');
  }
  t.ok(server.trackedNonces <= 3);
});

t.test('Authentication-Info nextnonce replaces the nonce and restarts the count', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', alice);
  retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req));
  store.authorize('www', 'atlanta.com', req);
  const next = server.createNonce();
  t.notOk(store.authenticationInfo('atlanta.com', 'qop=auth, rspauth="x"'), 'no nextnonce');
  t.notOk(store.authenticationInfo('elsewhere', `nextnonce="${next}"`), 'unknown realm');
  t.ok(store.authenticationInfo('atlanta.com', `qop=auth, nextnonce="${next}", cnonce="c", nc=00000002`));
  const a = store.authorize('www', 'atlanta.com', req)!;
  t.equal(parseDigestCredentials(a)?.nonce, next);
  t.equal(parseDigestCredentials(a)?.nc, '00000001');
  t.same(server.verifyAuthorization(a, { ...req, lookup }).result, 'ok');
});

t.test('server: expired nonces are pruned first; RFC 2069 mode refuses qop; -sess needs a cnonce', async (t) => {
  const { server, clock } = setup({ maxTrackedNonces: 2, algorithms: ['MD5'], nonceLifetimeMs: 1000 });
  const answerOnce = (): string => {
    const s = new DigestCredentialStore();
    s.setCredentials('atlanta.com', alice);
    return retry(s.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  };
  t.equal(server.verifyAuthorization(answerOnce(), { ...req, lookup }).result, 'ok');
  t.equal(server.verifyAuthorization(answerOnce(), { ...req, lookup }).result, 'ok');
  clock.t += 2000; // both expire
  t.equal(server.verifyAuthorization(answerOnce(), { ...req, lookup }).result, 'ok');
  t.equal(server.trackedNonces, 1, 'the expired ones went first');

  const plain = setup({ qop: [], algorithms: ['MD5-sess'] });
  const s = new DigestCredentialStore();
  s.setCredentials('atlanta.com', alice);
  const a = retry(s.answer({ wwwAuthenticate: plain.server.createChallenge() }, req)).authorization[0];
  t.match(a, /cnonce=/, '-sess sends a cnonce even without qop');
  t.equal(plain.server.verifyAuthorization(a, { ...req, lookup }).result, 'ok');
  t.same(plain.server.verifyAuthorization(a.replace(/, cnonce="[^"]*"/, ''), { ...req, lookup }), { result: 'bad', reason: 'malformed' });
  t.same(plain.server.verifyAuthorization(a + ', qop=auth, nc=00000001', { ...req, lookup }), { result: 'bad', reason: 'qop' });
});

t.test('a stored HA1 picks the challenge of its own hash', async (t) => {
  const { server } = setup({ algorithms: ['SHA-256', 'MD5'] });
  const md5Store = new DigestCredentialStore();
  md5Store.setCredentials('atlanta.com', { username: 'alice', secret: { ha1: computeBaseHa1('MD5', 'alice', 'atlanta.com', 'secret') } });
  const a = retry(md5Store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  t.equal(parseDigestCredentials(a)?.algorithm, 'MD5', 'MD5 HA1: the MD5 challenge, though SHA-256 is stronger');
  t.equal(server.verifyAuthorization(a, { ...req, lookup }).result, 'ok');
  const shaStore = new DigestCredentialStore();
  shaStore.setCredentials('atlanta.com', { username: 'alice', secret: { ha1: computeBaseHa1('SHA-256', 'alice', 'atlanta.com', 'secret') } });
  const b = retry(shaStore.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  t.equal(parseDigestCredentials(b)?.algorithm, 'SHA-256');
  t.equal(server.verifyAuthorization(b, { ...req, lookup }).result, 'ok');
  const onlyMd5 = setup({ algorithms: ['MD5'] });
  t.same(shaStore.answer({ wwwAuthenticate: onlyMd5.server.createChallenge() }, req), { kind: 'failed', reason: 'unsupported', realms: ['atlanta.com'] }, 'no challenge fits the stored hash');
});

t.test('Authentication-Info: rspauth proves the server, nextnonce moves the client on', async (t) => {
  const { server, store } = setup();
  store.setCredentials('atlanta.com', alice);
  const a = retry(store.answer({ wwwAuthenticate: server.createChallenge() }, req)).authorization[0];
  t.equal(server.verifyAuthorization(a, { ...req, lookup }).result, 'ok');
  const info = server.createAuthenticationInfo(a, { lookup }, { nextnonce: true })!;
  t.match(info, /^qop=auth, rspauth="[0-9a-f]{64}", cnonce="cn1", nc=00000001, nextnonce="/);
  t.equal(store.verifyAuthenticationInfo('atlanta.com', info, { uri: req.uri }), true);
  // change the first hex digit to another one (a fixed '0' would equal it one time in sixteen)
  const forged = info.replace(/rspauth="(.)/, (_m, c: string) => `rspauth="${c === '0' ? '1' : '0'}`);
  t.equal(store.verifyAuthenticationInfo('atlanta.com', forged, { uri: req.uri }), false, 'forged');
  t.equal(store.verifyAuthenticationInfo('atlanta.com', info, { uri: 'sip:elsewhere' }), false);
  t.equal(store.verifyAuthenticationInfo('atlanta.com', 'nextnonce="x"', { uri: req.uri }), undefined, 'no rspauth');
  t.equal(store.verifyAuthenticationInfo('unknown', info, { uri: req.uri }), false);
  t.ok(store.authenticationInfo('atlanta.com', info));
  const b = store.authorize('www', 'atlanta.com', req)!;
  t.equal(parseDigestCredentials(b)?.nc, '00000001');
  t.equal(server.verifyAuthorization(b, { ...req, lookup }).result, 'ok', 'the next nonce is one of the server’s');
  // auth-int covers the response body
  const int = setup({ qop: ['auth-int'] });
  const s2 = new DigestCredentialStore();
  s2.setCredentials('atlanta.com', alice);
  const c = retry(s2.answer({ wwwAuthenticate: int.server.createChallenge() }, req)).authorization[0];
  const info2 = int.server.createAuthenticationInfo(c, { lookup, responseBody: 'v=0' })!;
  t.equal(s2.verifyAuthenticationInfo('atlanta.com', info2, { uri: req.uri, body: 'v=0' }), true);
  t.equal(s2.verifyAuthenticationInfo('atlanta.com', info2, { uri: req.uri, body: 'v=1' }), false);
  t.equal(int.server.createAuthenticationInfo(c, { lookup: () => undefined }), undefined);
  t.equal(int.server.createAuthenticationInfo('Basic x', { lookup }), undefined);
});
