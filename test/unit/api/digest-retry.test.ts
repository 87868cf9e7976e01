/**
 * The API reads a 401/407's realms with lib/stack/digest's challenge parser (RFC 7616 §3.3,
 * RFC 8760), not a regex of its own: unquoted realms, several challenges per header value and
 * quoted commas come out as the digest layer sees them.
 */
import t from 'tap';
import { SipRequest, createResponse } from '../../../lib/message/index.js';
import { challengedRealms } from '../../../lib/api/transactions/digest-retry.js';
import { challengedRealms as digestChallengedRealms } from '../../../lib/stack/digest/index.js';

function challenged(www: string[], proxy: string[] = []) {
  const req = new SipRequest({
    method: 'REGISTER',
    uri: 'sip:registrar.example',
    headers: [
      ['Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKdigestretry'],
      ['From', '<sip:alice@registrar.example>;tag=1'],
      ['To', '<sip:alice@registrar.example>'],
      ['Call-ID', 'digest-retry@example'],
      ['CSeq', '1 REGISTER'],
    ],
  });
  const res = createResponse(req, proxy.length > 0 ? 407 : 401, undefined, 't');
  for (const v of www) res.headers.append('WWW-Authenticate', v);
  for (const v of proxy) res.headers.append('Proxy-Authenticate', v);
  return res;
}

t.test('the API uses the digest parser itself', async (t) => {
  t.equal(challengedRealms, digestChallengedRealms);
});

t.test('quoted realms of both origins, as before', async (t) => {
  const res = challenged(['Digest realm="www.example", nonce="n1"'], ['Digest realm="proxy.example", nonce="n2"']);
  t.same(challengedRealms(res), [
    { origin: 'proxy', realm: 'proxy.example' },
    { origin: 'www', realm: 'www.example' },
  ]);
});

t.test('an unquoted realm and a second challenge in the same value are found (the regex missed both)', async (t) => {
  const res = challenged(['Digest realm=a.example, nonce=1, Digest realm="b, c", nonce="2", algorithm=SHA-256']);
  t.same(challengedRealms(res), [
    { origin: 'www', realm: 'a.example' },
    { origin: 'www', realm: 'b, c' },
  ]);
});

t.test('a realm named in another parameter or a scheme tsip cannot answer is not a challenged realm', async (t) => {
  const res = challenged(['Digest nonce="realm=\\"fake\\"", realm="real"', 'Basic realm="basic"']);
  t.same(challengedRealms(res), [{ origin: 'www', realm: 'real' }]);
});
