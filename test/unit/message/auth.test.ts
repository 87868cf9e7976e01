import t from 'tap';
import { SipParseError, formatAuthParams, parseAuthParams, parseMessage } from '../../../lib/message/index.js';

t.test('Digest challenge with quoted commas', async (t) => {
  const a = parseAuthParams('Digest realm="atlanta.example.com", domain="sip:ss1.example.com",\tqop="auth,auth-int", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=SHA-256');
  t.equal(a.scheme, 'Digest');
  t.equal(a.params.get('realm'), 'atlanta.example.com');
  t.equal(a.params.get('qop'), 'auth,auth-int');
  t.equal(a.params.get('opaque'), '');
  t.equal(a.params.get('stale'), 'FALSE');
  t.equal(a.params.get('algorithm'), 'SHA-256');
});

t.test('credentials round trip with the right quoting', async (t) => {
  const text = 'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const a = parseAuthParams(text);
  t.equal(a.params.get('nc'), '00000001');
  t.equal(formatAuthParams(a), text);
});

t.test('unknown schemes and token68 (RFC 4475 regaut01)', async (t) => {
  const m = parseMessage('REGISTER sip:example.com SIP/2.0\r\nAuthorization: NoOneKnowsThisScheme opaque-data=here\r\nl: 0\r\n\r\n');
  const values = m.headers.getAll('Authorization');
  t.equal(values.length, 1);
  const a = parseAuthParams(values[0]);
  t.equal(a.scheme, 'NoOneKnowsThisScheme');
  t.equal(a.params.get('opaque-data'), 'here');
  const b = parseAuthParams('Bearer mF_9.B5f-4.1JqM==');
  t.equal(b.token68, 'mF_9.B5f-4.1JqM==');
  t.equal(formatAuthParams(b), 'Bearer mF_9.B5f-4.1JqM==');
  t.equal(parseAuthParams('Basic').params.size, 0);
});

t.test('malformed values throw SipParseError', async (t) => {
  for (const bad of ['', '"Digest" realm=x', 'Digest a=b, c', 'Digest realm="unterminated', 'Digest =x', 'Digest realm=a b']) {
    t.throws(() => parseAuthParams(bad), SipParseError, JSON.stringify(bad));
  }
});
