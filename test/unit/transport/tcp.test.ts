import t from 'tap';
import { createResponse } from '../../../lib/message/index.js';
import { isSipError } from '../../../include-types/errors.js';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { TransportLayer } from '../../../lib/transport/index.js';
import { iap, makeRequest, rawTcp, requestText, startLayer, sleep, until } from './fixtures.js';

for (const host of ['127.0.0.1', '::1']) {
  t.test(`TCP round trip on ${host}; the response uses the request's connection`, async (t) => {
    const a = await startLayer(t, { iaps: [iap('a', host, ['tcp'])] });
    const b = await startLayer(t, { iaps: [iap('b', host, ['tcp'])] });
    const target = { protocol: 'tcp' as const, address: host, port: b.port('tcp'), iapId: 'a' };
    const sent = await a.layer.sendRequest(makeRequest(), target);
    t.equal(sent.protocol, 'tcp');
    t.equal(sent.remotePort, b.port('tcp'));
    const got = await b.user.nextRequest();
    t.equal(got.msg.topVia.transport, 'TCP');
    t.equal(got.msg.topVia.port, a.port('tcp'), 'sent-by port is the listening port, not the ephemeral one');
    t.type(got.source.connectionId, 'number');
    t.not(got.source.remotePort, a.port('tcp'), 'the connection comes from an ephemeral port');

    const answered = await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
    t.equal(answered.connectionId, got.source.connectionId, 'same connection as the request');
    const res = await a.user.nextResponse();
    t.equal(res.msg.status, 200);
    t.equal(res.source.connectionId, sent.connectionId);

    // Reuse: a second request to the same target goes over the same connection.
    const again = await a.layer.sendRequest(makeRequest(), target);
    t.equal(again.connectionId, sent.connectionId, 'connection reused');
    await b.user.nextRequest();
    t.equal(a.layer.stats().connections, 1);
    t.equal(b.layer.stats().connections, 1);
    t.equal(b.layer.stats().streamMessagesIn, 2);
  });
}

t.test('concurrent sends to one target open a single connection', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])] });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const target = { protocol: 'tcp' as const, address: '127.0.0.1', port: b.port('tcp'), iapId: 'a' };
  const sent = await Promise.all([1, 2, 3].map(() => a.layer.sendRequest(makeRequest(), target)));
  t.equal(new Set(sent.map((s) => s.connectionId)).size, 1);
  for (let i = 0; i < 3; i++) await b.user.nextRequest();
  t.equal(b.layer.stats().connections, 1);
});

t.test('response after the connection closed: new connection to received and the Via port', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])] });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const sent = await a.layer.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('tcp'), iapId: 'a' });
  const got = await b.user.nextRequest();
  a.layer.closeConnection(sent.connectionId as number);
  await until(() => b.layer.stats().connections === 0, 2000, 'b to see the close');
  const answered = await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  t.not(answered.connectionId, got.source.connectionId, 'a new connection');
  t.equal(answered.remotePort, a.port('tcp'), 'to the sent-by port');
  const res = await a.user.nextResponse();
  t.equal(res.msg.status, 200);
});

t.test('connection refused → SipError(TransportError)', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])] });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const err = await a.layer
    .sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('udp'), iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'));
  t.equal(a.layer.stats().connections, 0);
});

t.test('idle connections are closed; connections with traffic stay', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])], limits: { idleConnectionTimeout: 200 } });
  const idle = await rawTcp(t, b.port('tcp'));
  const busy = await rawTcp(t, b.port('tcp'));
  await until(() => b.layer.stats().connections === 2);
  const started = Date.now();
  const timer = setInterval(() => busy.socket.write(requestText()), 60);
  t.teardown(() => clearInterval(timer));
  await idle.closed;
  const waited = Date.now() - started;
  t.ok(waited >= 150 && waited < 1000, `idle closed after ${waited} ms`);
  await sleep(300);
  t.notOk(busy.socket.destroyed, 'busy connection still open after 500 ms');
  t.equal(b.layer.stats().connections, 1);
  t.equal(b.layer.stats().dropped.idle, 1);
  clearInterval(timer);
  await busy.closed;
  t.equal(b.layer.stats().dropped.idle, 2, 'closed once it went quiet');
});

t.test('maxConnections: extra incoming closed at once, extra outgoing → LimitExceeded', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])], limits: { maxConnections: 2 } });
  const c1 = await rawTcp(t, b.port('tcp'));
  await rawTcp(t, b.port('tcp'));
  await until(() => b.layer.stats().connections === 2);
  const c3 = await rawTcp(t, b.port('tcp'));
  await c3.closed;
  t.equal(b.layer.stats().dropped.connectionLimit, 1);
  c1.socket.write(requestText());
  const got = await b.user.nextRequest();
  t.equal(got.source.protocol, 'tcp', 'the listener still serves the others');

  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])], limits: { maxConnections: 1 } });
  const other = await startLayer(t, { iaps: [iap('o', '127.0.0.1', ['tcp'])] });
  await a.layer.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: other.port('tcp'), iapId: 'a' });
  const err = await a.layer
    .sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('tcp'), iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'LimitExceeded'));
});

t.test('too large or over-buffered streams are closed; others keep working', async (t) => {
  const b = await startLayer(t, {
    iaps: [iap('b', '127.0.0.1', ['tcp'])],
    // maxDiscardBytes below the 3000 extra octets: too big to skip, so closed (skipping: too-large.test.ts)
    limits: { maxMessageSize: 2000, maxBufferedBytesPerConnection: 600, maxDiscardBytes: 1000 },
  });
  const good = await rawTcp(t, b.port('tcp'));
  const big = await rawTcp(t, b.port('tcp'));
  big.socket.write(requestText().replace('Content-Length: 0', 'Content-Length: 5000'));
  await big.closed;
  t.equal(b.layer.stats().dropped.tooLarge, 1);

  const slow = await rawTcp(t, b.port('tcp'));
  slow.socket.write(requestText().replace('Content-Length: 0', 'Content-Length: 1000'));
  slow.socket.write('z'.repeat(500));
  await slow.closed;
  t.equal(b.layer.stats().dropped.bufferLimit, 1, 'buffered bytes above the limit');

  const noLength = await rawTcp(t, b.port('tcp'));
  noLength.socket.write(requestText().replace('Content-Length: 0\r\n', ''));
  await noLength.closed;
  t.equal(b.layer.stats().dropped.framing, 1, 'missing Content-Length closes the stream (RFC 3261 §18.3)');

  good.socket.write(requestText());
  t.equal((await b.user.next()).kind, 'request');
});

t.test('framing: split chunks, several messages per chunk, a malformed one → onParseError', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const c = await rawTcp(t, b.port('tcp'));
  const one = Buffer.from(requestText({ body: 'hello' }));
  for (let i = 0; i < one.length; i += 7) c.socket.write(one.subarray(i, i + 7));
  const first = await b.user.nextRequest();
  t.equal(first.msg.body.toString(), 'hello');
  c.socket.write(requestText() + 'BROKEN\r\nContent-Length: 0\r\n\r\n' + requestText());
  t.equal((await b.user.next()).kind, 'request');
  const bad = await b.user.next();
  t.equal(bad.kind, 'parseError', 'malformed message reported');
  t.equal((await b.user.next()).kind, 'request', 'the connection survives a parse error');
  t.notOk(c.socket.destroyed);
});

t.test('RFC 5626 CRLF keep-alive: ping answered with pong; our pings on outgoing connections', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const c = await rawTcp(t, b.port('tcp'));
  c.socket.write('\r\n\r\n');
  await until(() => c.received().length >= 2);
  t.equal(c.received().toString(), '\r\n', 'pong is a single CRLF');
  t.equal(b.layer.stats().keepAlivePongs, 1);

  const manual = await startLayer(t, { iaps: [iap('m', '127.0.0.1', ['tcp'])] });
  const out = await manual.layer.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('tcp'), iapId: 'm' });
  t.ok(manual.layer.ping(out.connectionId as number), 'ping on an open connection');
  await until(() => b.layer.stats().keepAlivePongs === 2, 2000, 'pong for the manual ping');
  t.notOk(manual.layer.ping(9999), 'no such connection');

  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])], limits: { keepAliveInterval: 50 } });
  await a.layer.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('tcp'), iapId: 'a' });
  await until(() => b.layer.stats().keepAlivePongs >= 4, 2000, 'pings from a');
  t.equal(a.user.all.length, 0, 'pongs are not handed up as messages');
});

t.test('200 connections at once: every request answered on its own connection, none left after', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const clients = await Promise.all(Array.from({ length: 200 }, () => rawTcp(t, b.port('tcp'))));
  clients.forEach((c, i) => c.socket.write(requestText({ via: `SIP/2.0/TCP 127.0.0.1:${6000 + i};branch=z9hG4bK-m${i}` })));
  for (let i = 0; i < 200; i++) {
    const got = await b.user.nextRequest();
    await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  }
  await until(() => clients.every((c) => c.received().includes('SIP/2.0 200')), 5000, 'all responses');
  const wrong = clients.filter((c, i) => !c.received().includes(`branch=z9hG4bK-m${i}`));
  t.equal(wrong.length, 0, 'each client got the response to its own request');
  t.equal(b.layer.stats().connections, 200);
  for (const c of clients) c.socket.destroy();
  await until(() => b.layer.stats().connections === 0, 5000, 'all closed');
  t.equal(b.layer.stats().streamMessagesOut, 200);
});

t.test('a peer that stops reading: sends beyond maxUnsentBytesPerConnection are refused and the connection closed', async (t) => {
  // a TCP peer that accepts and never reads: what we write piles up in the OS's buffers, then in ours
  const sockets: Socket[] = [];
  const deaf = createServer((s) => { s.pause(); sockets.push(s); });
  await new Promise<void>((resolve) => deaf.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); deaf.close(() => resolve()); }));
  const port = (deaf.address() as AddressInfo).port;
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])], limits: { maxMessageSize: 4096, maxUnsentBytesPerConnection: 8192 } });
  const body = 'x'.repeat(3000);
  const target = { protocol: 'tcp' as const, address: '127.0.0.1', port, iapId: 'a' };
  await a.layer.sendRequest(makeRequest({ body }), target);
  let refused: unknown;
  let sent = 1;
  // bounded: the OS buffers a few MB on loopback before our queue grows
  for (; sent < 20_000 && refused === undefined; sent++) {
    refused = await Promise.race([a.layer.sendRequest(makeRequest({ body }), target).then(() => undefined, (e: unknown) => e), sleep(0).then(() => undefined)]);
  }
  t.ok(isSipError(refused, 'TransportError'), `a send refused, after ${sent} sent`);
  t.match((refused as Error).message, /peer is not reading/);
  t.equal(a.layer.stats().dropped.bufferLimit, 1, 'counted as a buffer limit');
  await until(() => a.layer.stats().connections === 0);
  t.pass('the connection is closed');
  t.throws(() => new TransportLayer({ iaps: [], limits: { maxMessageSize: 4096, maxUnsentBytesPerConnection: 4095 } }), /maxUnsentBytesPerConnection \(4095\) must be at least maxMessageSize \(4096\)/);
});
