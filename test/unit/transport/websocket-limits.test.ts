/**
 * The WebSocket transport's refusals and limits: handshake checks (`sip` subprotocol, Origin,
 * path, connection limit, plain HTTP), custom response headers, messages over the size limits,
 * broken frames, idle timeout and WebSocket ping/pong keep-alives.
 */
import { request as httpRequest } from 'node:http';
import t from 'tap';
import { createResponse, type SipRequest, type SipResponse } from '../../../lib/message/index.js';
import type { MessageSource } from '../../../lib/transport/index.js';
import { Collector, startLayer, until } from './fixtures.js';
import { browserRequest, handshake, rawWs, wsIap } from './ws-fixtures.js';

t.test('handshake without the sip subprotocol → 400; with it → 101 and Sec-WebSocket-Protocol: sip', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const url = `ws://127.0.0.1:${b.port('ws')}/`;
  t.equal((await handshake(url, [])).status, 400, 'no subprotocol');
  t.equal((await handshake(url, ['chat', 'xmpp'])).status, 400, 'other subprotocols only');
  const ok = await handshake(url, ['chat', 'sip']);
  t.equal(ok.status, 101);
  t.equal(ok.headers['sec-websocket-protocol'], 'sip');
  await until(() => b.layer.stats().connections === 0, 2000, 'the test handshake to go');
});

t.test('allowed Origins: another Origin or none → 403; path → 404; custom headers in the 101', async (t) => {
  const b = await startLayer(t, {
    iaps: [wsIap('b', '127.0.0.1', 'ws', {}, { path: '/sip', allowedOrigins: ['https://Phone.Example.com'], responseHeaders: { 'X-Served-By': 'tsip' } })],
  });
  const url = `ws://127.0.0.1:${b.port('ws')}/sip`;
  t.equal((await handshake(url, ['sip'], { origin: 'https://evil.example.net' })).status, 403, 'bad Origin');
  t.equal((await handshake(url, ['sip'])).status, 403, 'no Origin while a list is set');
  t.equal((await handshake(`ws://127.0.0.1:${b.port('ws')}/other`, ['sip'], { origin: 'https://phone.example.com' })).status, 404, 'wrong path');
  const ok = await handshake(url, ['sip'], { origin: 'https://phone.example.com' });
  t.equal(ok.status, 101, 'allowed Origin, compared case-insensitively');
  t.equal(ok.headers['x-served-by'], 'tsip', 'custom response header');
});

t.test('a plain HTTP request gets 426 Upgrade Required', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: b.port('ws'), path: '/' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(status, 426);
});

t.test('maxConnections: the handshake beyond it gets 503', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { maxConnections: 1 } });
  const url = `ws://127.0.0.1:${b.port('ws')}/`;
  await rawWs(t, url);
  await until(() => b.layer.stats().connections === 1);
  t.equal((await handshake(url, ['sip'])).status, 503);
  t.equal(b.layer.stats().dropped.connectionLimit, 1);
});

t.test('maxConnectionsPerAddress: the handshake beyond it from the same address gets 503', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { maxConnectionsPerAddress: 1 } });
  const url = `ws://127.0.0.1:${b.port('ws')}/`;
  await rawWs(t, url);
  await until(() => b.layer.stats().connections === 1);
  t.equal((await handshake(url, ['sip'])).status, 503);
  t.equal(b.layer.stats().dropped.addressLimit, 1, 'counted as addressLimit');
  t.equal(b.layer.stats().dropped.connectionLimit, 0);
});

/** A Collector that answers requests over the limit with 513. */
class Answering extends Collector {
  readonly tooLarge: Array<{ msg: SipRequest; size: number; source: MessageSource }> = [];
  onRequestTooLarge(msg: SipRequest, source: MessageSource, size: number): SipResponse | undefined {
    this.tooLarge.push({ msg, size, source });
    return createResponse(msg, 513);
  }
}

t.test('over maxMessageSize within the buffer limit → 513 and the connection goes on; over the buffer limit → 1009', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { maxMessageSize: 2000, maxBufferedBytesPerConnection: 8000 } });
  const user = new Answering();
  b.layer.setUser(user);
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  const big = browserRequest({ method: 'MESSAGE', body: 'x'.repeat(3000) });
  client.ws.send(big);
  const answer = await client.next();
  t.match(answer.text, /^SIP\/2\.0 513 /, '513 over the same connection');
  t.equal(user.tooLarge[0].size, Buffer.byteLength(big));
  t.equal(user.tooLarge[0].source.protocol, 'ws');
  client.ws.send(browserRequest({ method: 'OPTIONS' }));
  t.equal((await user.nextRequest()).msg.method, 'OPTIONS', 'connection kept');
  client.ws.send(browserRequest({ method: 'MESSAGE', body: 'y'.repeat(9000) }));
  t.equal(await client.closed, 1009, 'closed: message too big');
  await until(() => b.layer.stats().connections === 0);
  const s = b.layer.stats();
  t.equal(s.dropped.tooLarge, 1);
  t.equal(s.dropped.bufferLimit, 1);
  t.equal(s.tooLarge.answered, 1);
});

t.test('default limits: a message over maxMessageSize closes the connection (1009)', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { maxMessageSize: 2000 } });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  client.ws.send(browserRequest({ method: 'MESSAGE', body: 'x'.repeat(3000) }));
  t.equal(await client.closed, 1009);
});

t.test('a text frame that is not UTF-8 breaks the WebSocket protocol → closed (framing)', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')] });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  client.ws.send(Buffer.from([0x49, 0x4e, 0xff, 0xfe]), { binary: false });
  t.equal(await client.closed, 1007, 'invalid frame payload data');
  await until(() => b.layer.stats().connections === 0);
  t.equal(b.layer.stats().dropped.framing, 1);
  t.equal(b.user.all.length, 0, 'nothing delivered');
});

t.test('idle connections are closed', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { idleConnectionTimeout: 200 } });
  const client = await rawWs(t, `ws://127.0.0.1:${b.port('ws')}/`);
  const started = Date.now();
  await client.closed;
  const waited = Date.now() - started;
  t.ok(waited >= 150 && waited < 3000, `closed after ${waited} ms`);
  await until(() => b.layer.stats().connections === 0);
  t.equal(b.layer.stats().dropped.idle, 1);
});

t.test('keep-alive: WebSocket pings; a peer that answers stays, one that does not is closed', async (t) => {
  const b = await startLayer(t, { iaps: [wsIap('b', '127.0.0.1')], limits: { keepAliveInterval: 80 }, keepAlivePongTimeout: 150 });
  const closed: string[] = [];
  b.layer.setUser(Object.assign(new Collector(), { onConnectionClosed: (i: { reason: string }) => closed.push(i.reason) }));
  const url = `ws://127.0.0.1:${b.port('ws')}/`;
  const answering = await rawWs(t, url);
  let pings = 0;
  answering.ws.on('ping', () => pings++);
  const silent = await rawWs(t, url, ['sip'], { autoPong: false });
  t.equal(await silent.closed, 1000, 'the silent peer is closed');
  await until(() => closed.includes('keepAliveTimeout'), 2000, 'the keep-alive failure');
  await until(() => pings >= 3, 2000, 'pings');
  t.equal(b.layer.stats().connections, 1, 'the answering peer stays');
  t.ok(b.layer.ping(2) || b.layer.ping(1), 'TransportLayer.ping sends a WebSocket ping');
});
