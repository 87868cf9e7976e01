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
