/**
 * SIP over WebSocket (RFC 7118) at the transport layer, with real `ws` sockets on loopback:
 * layer to layer (ws, wss), a raw client playing a browser (`.invalid` names, no Content-Length,
 * text and binary frames), and responses and requests back over the client's own connection.
 */
import t from 'tap';
import { createResponse, parseMessage, type SipRequest } from '../../../lib/message/index.js';
import { isSipError } from '../../../include-types/errors.js';
import { literalTargets, resolveQuery } from '../../../lib/stack/index.js';
import { SipUri } from '../../../lib/message/index.js';
import { Rfc3263Resolver } from '../../../lib/transport/index.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { makeRequest, startLayer, until } from './fixtures.js';
import { browserRequest, rawWs, wsIap } from './ws-fixtures.js';

const certs = testCerts();

for (const host of ['127.0.0.1', '::1']) {
  t.test(`ws round trip on ${host}: Via SIP/2.0/WS, response on the same connection, reuse`, async (t) => {
    const a = await startLayer(t, { iaps: [wsIap('a', host)] });
    const b = await startLayer(t, { iaps: [wsIap('b', host)] });
    const target = { protocol: 'ws' as const, address: host, port: b.port('ws'), iapId: 'a' };
    const sent = await a.layer.sendRequest(makeRequest({ method: 'INVITE', body: 'v=0\r\n'.repeat(500) }), target);
    t.equal(sent.protocol, 'ws');
    const got = await b.user.nextRequest();
    t.equal(got.source.protocol, 'ws');
    t.equal(got.msg.topVia.transport, 'WS');
    t.equal(got.msg.topVia.port, a.port('ws'), 'sent-by port is the listening port');
    t.equal(got.msg.body.length, 2500, 'one SIP message per WebSocket message, body whole');
    const answered = await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
    t.equal(answered.connectionId, got.source.connectionId, 'same connection as the request');
    const res = await a.user.nextResponse();
    t.equal(res.msg.status, 200);
    const again = await a.layer.sendRequest(makeRequest(), target);
    t.equal(again.connectionId, sent.connectionId, 'connection reused');
    await b.user.nextRequest();
    t.equal(b.layer.stats().connections, 1);
    t.ok(a.layer.isReliable('ws') && a.layer.isReliable('wss'), 'reliable: no Timer A/E/G');
  });
}

t.test('wss round trip with a verified certificate: Via SIP/2.0/WSS', async (t) => {
  const tls = { cert: certs.cert, key: certs.key, ca: certs.ca };
  const a = await startLayer(t, { iaps: [wsIap('a', '127.0.0.1', 'wss', { tls })] });
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1', 'wss', { tls })] });
  const target = { protocol: 'wss' as const, address: '127.0.0.1', port: b.port('wss'), iapId: 'a' };
  await a.layer.sendRequest(makeRequest(), target);
  const got = await b.user.nextRequest();
  t.equal(got.source.protocol, 'wss');
  t.equal(got.msg.topVia.transport, 'WSS');
  await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  t.equal((await a.user.nextResponse()).msg.status, 200);
});

t.test('wss to an untrusted certificate → TransportError; wss listener without cert → InvalidArgument', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1', 'wss', { tls: { cert: certs.cert, key: certs.key } })] });
  const a = await startLayer(t, { iaps: [wsIap('a', '127.0.0.1', 'wss', { tls: { cert: certs.cert, key: certs.key, ca: certs.otherCa } })] });
  const err = await a.layer.sendRequest(makeRequest(), { protocol: 'wss', address: '127.0.0.1', port: b.port('wss'), iapId: 'a' }).catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), String(err));
  t.equal(a.layer.stats().connections, 0);
  const bad = await startLayer(t, { iaps: [wsIap('c', '127.0.0.1', 'wss')] }).catch((e: unknown) => e);
  t.ok(isSipError(bad, 'InvalidArgument'));
});

t.test('a browser-like client: .invalid Via/Contact, no Content-Length, text and binary frames', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  t.equal(client.ws.protocol, 'sip', 'the sip subprotocol was agreed');
  client.ws.send(browserRequest({ contentLength: false }));
  const got = await b.user.nextRequest();
  t.equal(got.msg.method, 'REGISTER');
  t.equal(got.msg.topVia.host, 'df7jal23ls0d.invalid');
  t.equal(got.msg.topVia.received, '127.0.0.1', 'received added: sent-by is not the source');
  // RFC 7118 §5 / RFC 3261 §18.2.2: the response goes back over the same connection
  await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  const answer = await client.next();
  t.equal(answer.binary, false, 'UTF-8 goes in a text frame (RFC 7118 §5.1)');
  t.match(answer.text, /^SIP\/2\.0 200 OK\r\n/);
  t.match(answer.text, /Via: SIP\/2\.0\/WS df7jal23ls0d\.invalid;/);

  // a binary frame carries a SIP message just as well
  client.ws.send(Buffer.from(browserRequest({ method: 'OPTIONS' })), { binary: true });
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS');

  // a request to the client's Contact (.invalid host) goes over its connection, whatever port
  const req = makeRequest({ method: 'MESSAGE', body: 'hello' });
  req.uri = SipUri.parse('sip:k9x2@df7jal23ls0d.invalid;transport=ws');
  const targets = literalTargets(resolveQuery(req.uri as SipUri));
  t.match(targets, [{ protocol: 'ws', address: 'df7jal23ls0d.invalid' }], 'the stack takes .invalid as a literal ws target');
  const sent = await b.layer.sendRequest(req, { protocol: 'ws', address: 'df7jal23ls0d.invalid', port: 80, iapId: 'b' });
  t.equal(sent.connectionId, got.source.connectionId);
  const pushed = await client.next();
  t.match(pushed.text, /^MESSAGE sip:k9x2@df7jal23ls0d\.invalid;transport=ws SIP\/2\.0\r\n/);
  t.match(pushed.text, /Via: SIP\/2\.0\/WS 127\.0\.0\.1:\d+;/);

  // a body that is not UTF-8 goes in a binary frame
  const bin = makeRequest({ method: 'MESSAGE' });
  bin.uri = SipUri.parse('sip:k9x2@df7jal23ls0d.invalid;transport=ws');
  bin.body = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  bin.headers.set('Content-Length', '4');
  await b.layer.sendRequest(bin, { protocol: 'ws', address: 'df7jal23ls0d.invalid', port: 80, iapId: 'b' });
  t.equal((await client.next()).binary, true, 'non-UTF-8 → binary frame');

  // once the client is gone, its name leads nowhere: no connection is opened to a browser
  client.ws.close();
  await until(() => b.layer.stats().connections === 0, 2000, 'the close');
  const err = await b.layer.sendRequest(makeRequest(), { protocol: 'ws', address: 'df7jal23ls0d.invalid', port: 80, iapId: 'b' }).catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), 'unknown .invalid name → TransportError');
  const late = await b.layer.sendResponse(createResponse(got.msg, 200), got.source).catch((e: unknown) => e);
  t.ok(isSipError(late, 'TransportError'), 'a response after the WebSocket closed is not sent elsewhere');
});

t.test('Content-Length that does not match over WebSocket → parse error, connection kept', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  client.ws.send(browserRequest({ method: 'MESSAGE', body: 'hi' }).replace('Content-Length: 2', 'Content-Length: 40'));
  const r = await b.user.next();
  t.equal(r.kind, 'parseError');
  client.ws.send('this is not SIP at all\r\n\r\n');
  t.equal((await b.user.next()).kind, 'parseError', 'garbage → parse error (the stack answers 400 if it can)');
  client.ws.send(browserRequest({ method: 'OPTIONS' }));
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS', 'the connection goes on');
  t.equal(b.layer.stats().dropped.parseError, 2);
});

t.test('RFC 5626 CRLF ping in a WebSocket message → CRLF pong', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  client.ws.send('\r\n\r\n');
  t.equal((await client.next()).text, '\r\n');
  client.ws.send('\r\n'); // a pong is just traffic
  client.ws.send(browserRequest({ method: 'OPTIONS' }));
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS');
  t.equal(b.user.all.length, 1, 'keep-alives carry no message');
  t.equal(b.layer.stats().keepAlivePongs, 1);
});

t.test('transport=ws in URIs: the resolver uses A/AAAA only, default ports 80/443', async (t) => {
  const calls: string[] = [];
  const resolver = new Rfc3263Resolver({
    dns: {
      naptr: async () => (calls.push('naptr'), []),
      srv: async () => (calls.push('srv'), []),
      addresses: async (host) => (calls.push(`a:${host}`), [{ address: '192.0.2.7', family: 4 }]),
    },
  });
  t.same(await resolver.resolve({ host: 'ws.example.com', transport: 'ws', secure: false }), [{ protocol: 'ws', address: '192.0.2.7', port: 80, family: 4 }]);
  t.same(await resolver.resolve({ host: 'ws.example.com', port: 8443, transport: 'wss', secure: false }), [{ protocol: 'wss', address: '192.0.2.7', port: 8443, family: 4 }]);
  t.same(await resolver.resolve({ host: 'ws.example.com', transport: 'ws', secure: true }), [{ protocol: 'wss', address: '192.0.2.7', port: 443, family: 4 }], 'sips + ws → wss');
  t.notOk(calls.includes('naptr') || calls.includes('srv'), 'no NAPTR/SRV for WebSocket');
  t.match(literalTargets({ host: '127.0.0.1', port: 5066, transport: 'ws', secure: false }), [{ protocol: 'ws', address: '127.0.0.1', port: 5066 }]);
  t.match(literalTargets({ host: '::1', transport: 'wss', secure: false }), [{ protocol: 'wss', port: 443, family: 6 }]);
  t.equal(literalTargets({ host: 'a.invalid', transport: 'tcp', secure: false }), undefined, '.invalid is only literal for ws');
});

t.test('the stack sends to sip:host:port;transport=ws', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const a = await startLayer(t, { iaps: [wsIap('a', '127.0.0.1')] });
  const uri = SipUri.parse(`sip:bob@127.0.0.1:${b.port('ws')};transport=ws`);
  const [target] = literalTargets(resolveQuery(uri)) ?? [];
  await a.layer.sendRequest(makeRequest(), { ...target, iapId: 'a' });
  const got: { msg: SipRequest } = await b.user.nextRequest();
  t.equal(got.msg.topVia.transport, 'WS');
  t.ok(parseMessage(Buffer.from(browserRequest())).isRequest());
});
