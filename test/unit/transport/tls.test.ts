import t from 'tap';
import { createResponse } from '../../../lib/message/index.js';
import { isSipError } from '../../../include-types/errors.js';
import type { IapSettings } from '../../../include-types/settings.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { makeRequest, rawTcp, startLayer, until } from './fixtures.js';

const certs = testCerts();

function tlsIap(id: string, address: string, ca: string): IapSettings {
  return { id, listen: [{ protocol: 'tls', address, port: 0, tls: { cert: certs.cert, key: certs.key, ca } }] };
}

for (const host of ['127.0.0.1', '::1']) {
  t.test(`TLS round trip on ${host} with a verified certificate`, async (t) => {
    const a = await startLayer(t, { iaps: [tlsIap('a', host, certs.ca)] });
    const b = await startLayer(t, { iaps: [tlsIap('b', host, certs.ca)] });
    const target = { protocol: 'tls' as const, address: host, port: b.port('tls'), iapId: 'a' };
    const sent = await a.layer.sendRequest(makeRequest({ method: 'INVITE', body: 'x'.repeat(4000) }), target);
    t.equal(sent.protocol, 'tls');
    const got = await b.user.nextRequest();
    t.equal(got.source.protocol, 'tls');
    t.equal(got.msg.topVia.transport, 'TLS');
    t.equal(got.msg.topVia.port, a.port('tls'));
    t.equal(got.msg.body.length, 4000, 'a body spanning several TLS records arrives whole');
    await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
    const res = await a.user.nextResponse();
    t.equal(res.msg.status, 200);
    t.equal(res.source.connectionId, sent.connectionId, 'response over the same TLS connection');
    const again = await a.layer.sendRequest(makeRequest(), target);
    t.equal(again.connectionId, sent.connectionId, 'TLS connection reused');
    await b.user.nextRequest();
  });
}

t.test('a server certificate from an untrusted CA → TransportError', async (t) => {
  const a = await startLayer(t, { iaps: [tlsIap('a', '127.0.0.1', certs.otherCa)] });
  const b = await startLayer(t, { iaps: [tlsIap('b', '127.0.0.1', certs.ca)] });
  const err = await a.layer
    .sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port: b.port('tls'), iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), 'verification is on by default');
  t.equal(a.layer.stats().connections, 0);
  await until(() => b.layer.stats().connections === 0);
  t.equal(b.user.all.length, 0);
});

t.test('a plain TCP client on the TLS port does not disturb the listener', async (t) => {
  const a = await startLayer(t, { iaps: [tlsIap('a', '127.0.0.1', certs.ca)] });
  const b = await startLayer(t, { iaps: [tlsIap('b', '127.0.0.1', certs.ca)] });
  const plain = await rawTcp(t, b.port('tls'));
  plain.socket.write('OPTIONS sip:x SIP/2.0\r\n\r\n');
  await plain.closed;
  await a.layer.sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port: b.port('tls'), iapId: 'a' });
  t.equal((await b.user.next()).kind, 'request');
});

t.test('a TLS client that never handshakes is cut off after the timeout', async (t) => {
  const b = await startLayer(t, { iaps: [tlsIap('b', '127.0.0.1', certs.ca)], connectTimeout: 150 });
  const idle = await rawTcp(t, b.port('tls'));
  const started = Date.now();
  await idle.closed;
  const waited = Date.now() - started;
  t.ok(waited >= 100 && waited < 2000, `closed after ${waited} ms`);
  t.equal(b.layer.stats().connections, 0, 'never counted as a connection');
});

t.test('IapSettings.tlsClient: a verified TLS connection from an IAP without a TLS listener', async (t) => {
  const a = await startLayer(t, { iaps: [{ id: 'a', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], tlsClient: { ca: certs.ca } }] });
  const b = await startLayer(t, { iaps: [tlsIap('b', '127.0.0.1', certs.ca)] });
  const sent = await a.layer.sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port: b.port('tls'), iapId: 'a' });
  t.equal(sent.protocol, 'tls');
  t.equal((await b.user.nextRequest()).source.protocol, 'tls');
});

t.test('a certificate that does not verify: the TransportError says so (untrusted CA, wrong servername)', async (t) => {
  const b = await startLayer(t, { iaps: [tlsIap('b', '127.0.0.1', certs.ca)] });
  const cases: Array<[string, { ca: string; servername?: string }, RegExp]> = [
    ['untrusted CA', { ca: certs.otherCa }, /TLS certificate verification failed: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)/],
    ['TlsSettings.servername not in the certificate', { ca: certs.ca, servername: 'wrong.example' }, /TLS certificate verification failed: .*wrong\.example.*\(ERR_TLS_CERT_ALTNAME_INVALID\)/],
  ];
  for (const [what, tlsClient, message] of cases) {
    const a = await startLayer(t, { iaps: [{ id: 'a', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], tlsClient }] });
    const err = await a.layer.sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port: b.port('tls'), iapId: 'a' }).catch((e: unknown) => e);
    t.ok(isSipError(err, 'TransportError'), what);
    t.match((err as Error).message, message, what);
  }
  t.equal(b.user.all.length, 0);
});

t.test('requireClientCertificate: a client without a certificate gets nothing through, one with it does', async (t) => {
  const b = await startLayer(t, { iaps: [{ id: 'b', listen: [{ protocol: 'tls', address: '127.0.0.1', port: 0, tls: { cert: certs.cert, key: certs.key, ca: certs.ca, requireClientCertificate: true } }] }] });
  const bare = await startLayer(t, { iaps: [{ id: 'a', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }], tlsClient: { ca: certs.ca } }] });
  const target = { protocol: 'tls' as const, address: '127.0.0.1', port: b.port('tls'), iapId: 'a' };
  // TLS 1.3: the client may finish its side before the server refuses it; either way nothing arrives.
  await bare.layer.sendRequest(makeRequest(), target).catch(() => undefined);
  await until(() => bare.layer.stats().connections === 0, 2000, 'the refused connection closed');
  t.equal(b.user.all.length, 0, 'no request from the client without a certificate');
  const a = await startLayer(t, { iaps: [tlsIap('a', '127.0.0.1', certs.ca)] });
  await a.layer.sendRequest(makeRequest(), { ...target, iapId: 'a' });
  t.equal((await b.user.nextRequest()).source.protocol, 'tls', 'a client certificate chaining to ca gets through');
});
