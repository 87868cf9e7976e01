/** Challenge header parsing and choice (RFC 7235 §2.1, RFC 7616 §3.3, RFC 8760 §2.4). */
import t from 'tap';
import { parseAuthHeaderValue, parseAuthHeaderValues } from '../../../lib/stack/digest/auth-params.js';
import { parseChallenges, selectChallenges } from '../../../lib/stack/digest/challenge.js';
import { formatDigestCredentials, parseDigestCredentials } from '../../../lib/stack/digest/authorization.js';

t.test('one challenge with quoted commas inside qop', async (t) => {
  const [c] = parseAuthHeaderValue('Digest realm="atlanta.com", domain="sip:ss1.carrier.com", qop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5');
  t.equal(c.scheme, 'Digest');
  t.equal(c.params.get('realm'), 'atlanta.com');
  t.equal(c.params.get('qop'), 'auth,auth-int');
  t.equal(c.params.get('opaque'), '');
  t.equal(c.params.get('stale'), 'FALSE');
  t.equal(c.params.get('algorithm'), 'MD5');
});

t.test('several challenges in one header value, and escapes in quoted strings', async (t) => {
  const list = parseAuthHeaderValue('Digest realm="a, b", nonce="n1", algorithm=SHA-256 , Digest realm="a, b", nonce="n1",algorithm=MD5,Basic realm="x\\"y"');
  t.same(list.map((c) => c.scheme), ['Digest', 'Digest', 'Basic']);
  t.equal(list[0].params.get('realm'), 'a, b');
  t.equal(list[0].params.get('algorithm'), 'SHA-256');
  t.equal(list[1].params.get('algorithm'), 'MD5');
  t.equal(list[2].params.get('realm'), 'x"y');
});

t.test('token68 credentials and parameter names are case-insensitive', async (t) => {
  const list = parseAuthHeaderValue('Basic dXNlcjpwYXNz==, Digest REALM="r", Nonce=abc');
  t.equal(list[0].token68, 'dXNlcjpwYXNz==');
  t.equal(list[1].params.get('realm'), 'r');
  t.equal(list[1].params.get('nonce'), 'abc');
  t.equal(list[1].token68, undefined);
});

t.test('unquoted values with non-token characters', async (t) => {
  const [c] = parseAuthHeaderValue('Digest realm=atlanta.com,nonce=ab/c+d==, opaque=x:y ,algorithm=MD5');
  t.equal(c.params.get('nonce'), 'ab/c+d==');
  t.equal(c.params.get('opaque'), 'x:y');
  t.equal(c.params.get('algorithm'), 'MD5');
  t.equal(c.params.get('realm'), 'atlanta.com');
});

t.test('junk is skipped, not thrown on', async (t) => {
  t.same(parseAuthHeaderValue(''), []);
  t.same(parseAuthHeaderValue(' , ,'), []);
  const list = parseAuthHeaderValue('realm="early", Digest nonce="n", realm="r"; ');
  t.equal(list.length, 1);
  t.equal(list[0].params.get('realm'), 'r');
  const open = parseAuthHeaderValue('Digest realm="unterminated');
  t.equal(open[0].params.get('realm'), 'unterminated');
});

t.test('digest challenges: defaults, qop list, stale, domain, userhash', async (t) => {
  const p = parseChallenges({
    wwwAuthenticate: ['Digest realm="r1", nonce="n1", qop="auth-int, auth, foo", stale=true, domain="sip:a sip:b", userhash=true, opaque="o"'],
    proxyAuthenticate: ['Digest realm="p", nonce="pn"'],
  });
  t.equal(p.supported.length, 2);
  const [proxy, www] = p.supported;
  t.equal(proxy.origin, 'proxy');
  t.equal(proxy.algorithm, 'MD5');
  t.same(proxy.qop, []);
  t.equal(proxy.stale, false);
  t.equal(www.origin, 'www');
  t.same(www.qop, ['auth-int', 'auth']);
  t.equal(www.stale, true);
  t.same(www.domain, ['sip:a', 'sip:b']);
  t.equal(www.userhash, true);
  t.equal(www.opaque, 'o');
});

t.test('unsupported challenges say why', async (t) => {
  const p = parseChallenges({
    wwwAuthenticate: [
      'Basic realm="b"',
      'Digest realm="x", nonce="n", algorithm=AKAv1-MD5',
      'Digest realm="y", nonce="n", qop="auth-conf"',
      'Digest nonce="n"',
      'Digest realm="z"',
    ],
  });
  t.same(p.supported, []);
  t.same(p.unsupported.map((u) => u.reason), ['scheme', 'algorithm', 'qop', 'missing-realm', 'missing-nonce']);
  t.equal(p.unsupported[1].realm, 'x');
});

t.test('choice: strongest per realm, topmost among equals, realms kept apart', async (t) => {
  const p = parseChallenges({
    wwwAuthenticate: [
      'Digest realm="r", nonce="1", algorithm=MD5',
      'Digest realm="r", nonce="2", algorithm=SHA-256',
      'Digest realm="r", nonce="3", algorithm=SHA-256-sess',
      'Digest realm="other", nonce="4", algorithm=MD5',
    ],
    proxyAuthenticate: ['Digest realm="r", nonce="5", algorithm=MD5'],
  });
  const chosen = selectChallenges(p.supported);
  t.same(chosen.map((c) => `${c.origin}/${c.realm}/${c.nonce}`).sort(), ['proxy/r/5', 'www/other/4', 'www/r/2']);
  const sha512 = selectChallenges(parseChallenges({ wwwAuthenticate: ['Digest realm="r", nonce="a", algorithm=SHA-256, Digest realm="r", nonce="b", algorithm=SHA-512-256'] }).supported);
  t.equal(sha512[0].algorithm, 'SHA-512-256');
});

t.test('Authorization value: quoting rules and round trip', async (t) => {
  const v = formatDigestCredentials({
    username: 'bob "b"',
    realm: 'r',
    nonce: 'n',
    uri: 'sip:bob@biloxi.com',
    response: 'abc',
    algorithm: 'SHA-256',
    cnonce: 'c',
    opaque: 'o',
    qop: 'auth',
    nc: '00000001',
  });
  t.match(v, /^Digest username="bob \\"b\\"", realm="r", nonce="n", uri="sip:bob@biloxi.com", response="abc", algorithm=SHA-256, cnonce="c", opaque="o", qop=auth, nc=00000001$/);
  const back = parseDigestCredentials(v);
  t.same(back, { username: 'bob "b"', realm: 'r', nonce: 'n', uri: 'sip:bob@biloxi.com', response: 'abc', algorithm: 'SHA-256', cnonce: 'c', opaque: 'o', qop: 'auth', nc: '00000001' });
  t.equal(parseDigestCredentials('Basic abc'), undefined);
  t.equal(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="u"'), undefined, 'no response');
  t.equal(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth-conf'), undefined);
  t.equal(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", algorithm=foo'), undefined);
});

t.test('parseAuthHeaderValues keeps order across header lines', async (t) => {
  const list = parseAuthHeaderValues(['Digest realm="1", nonce="a"', 'Digest realm="2", nonce="b", Digest realm="3", nonce="c"']);
  t.same(list.map((c) => c.params.get('realm')), ['1', '2', '3']);
});
