import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { isSipError } from '../../../include-types/errors.js';
import type { Resolver } from '../../../include-types/settings.js';
import { TransportLayer } from '../../../lib/transport/index.js';
import type { ConnectionClosedInfo } from '../../../lib/transport/types.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { Collector, iap, makeRequest, rawTcp, requestText, startLayer, until } from './fixtures.js';

/** A TCP server that accepts and never says a word (a TLS handshake to it never completes). */
async function silentServer(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.on('error', () => undefined);
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

t.test('RFC 5923 alias: a request with ;alias makes its connection reusable towards sent-by', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const peer = await rawTcp(t, b.port('tcp'));
  peer.socket.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-al;alias' }));
  await b.user.nextRequest();
  const sent = await b.layer.sendRequest(makeRequest({ method: 'NOTIFY' }), {
    protocol: 'tcp',
    address: '127.0.0.1',
    port: 5099,
    iapId: 'b',
  });
  t.equal(sent.remotePort, peer.socket.localPort, 'sent over the incoming connection');
  await until(() => peer.received().includes('NOTIFY sip:'), 2000, 'NOTIFY on the peer socket');
  t.equal(b.layer.stats().connections, 1, 'no new connection');

  // An alias naming another host is not taken: the send tries ::1 itself (nothing listens there).
  peer.socket.write(requestText({ via: 'SIP/2.0/TCP [::1]:5099;branch=z9hG4bK-al2;alias' }));
  await b.user.nextRequest();
  const err = await b.layer
    .sendRequest(makeRequest({ method: 'NOTIFY' }), { protocol: 'tcp', address: '::1', port: 5099, iapId: 'b' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), 'no hijack through an alias for another host');
});

t.test('onConnectionClosed reports why a connection went away', async (t) => {
  const closed: ConnectionClosedInfo[] = [];
  const user = new Collector();
  const layer = new TransportLayer({
    iaps: [iap('b', '127.0.0.1', ['tcp'])],
    limits: { idleConnectionTimeout: 150 },
    user: Object.assign(user, { onConnectionClosed: (info: ConnectionClosedInfo) => closed.push(info) }),
  });
  t.teardown(() => layer.stop());
  await layer.start();
  const port = layer.boundAddresses('b')[0].port;
  const byPeer = await rawTcp(t, port);
  const idle = await rawTcp(t, port);
  await until(() => layer.stats().connections === 2);
  byPeer.socket.end();
  await idle.closed;
  await until(() => closed.length === 2);
  t.same(closed.map((c) => c.reason).sort(), ['idle', 'peer']);
  t.match(closed[0], { iapId: 'b', protocol: 'tcp', remoteAddress: '127.0.0.1' });
});

t.test('host-name targets go through the resolver', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const asked: string[] = [];
  const resolver: Resolver = {
    resolve: async (q) => {
      asked.push(`${q.host}:${q.port}:${q.transport}`);
      return [{ protocol: 'udp', address: '127.0.0.1', port: q.port ?? 5060, family: 4 }];
    },
  };
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp'])], resolver });
  const sent = await a.layer.sendRequest(makeRequest(), { protocol: 'udp', address: 'proxy.test', port: b.port('udp'), iapId: 'a' });
  t.equal(sent.remoteAddress, '127.0.0.1');
  t.same(asked, [`proxy.test:${b.port('udp')}:udp`]);
  await b.user.nextRequest();
});

t.test('connect timeout → TransportError; stop() while connecting → StackShutdown', async (t) => {
  const certs = testCerts();
  const port = await silentServer(t);
  const tlsIap = { id: 'a', listen: [{ protocol: 'tls' as const, address: '127.0.0.1', port: 0, tls: { cert: certs.cert, key: certs.key, ca: certs.ca } }] };
  const a = new TransportLayer({ iaps: [tlsIap], connectTimeout: 150 });
  t.teardown(() => a.stop());
  await a.start();
  const started = Date.now();
  const err = await a.sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port, iapId: 'a' }).catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'));
  t.match((err as Error).message, /ETIMEDOUT/);
  t.ok(Date.now() - started < 1500, 'gave up at the connect timeout');

  const b = new TransportLayer({ iaps: [{ ...tlsIap, id: 'b' }], connectTimeout: 30000 });
  await b.start();
  const pending = b.sendRequest(makeRequest(), { protocol: 'tls', address: '127.0.0.1', port, iapId: 'b' }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 50));
  await b.stop();
  const stopped = await pending;
  t.ok(isSipError(stopped, 'StackShutdown'), 'pending connect settles at stop');
  t.equal(b.stats().connections, 0);
});

t.test('a peer that stops reading: the send queue is bounded, the connection closed', async (t) => {
  const port = await silentServer(t);
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['tcp'])], limits: { maxMessageSize: 10000 } });
  const target = { protocol: 'tcp' as const, address: '127.0.0.1', port, iapId: 'a' };
  await a.layer.sendRequest(makeRequest(), target);
  const body = 'q'.repeat(9000);
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < 3000; i++) sends.push(a.layer.sendRequest(makeRequest({ body }), target).catch((e: unknown) => e));
  let guard: NodeJS.Timeout | undefined;
  const results = await Promise.race([
    Promise.all(sends),
    new Promise<null>((r) => (guard = setTimeout(() => r(null), 10000))),
  ]);
  clearTimeout(guard);
  t.ok(results, 'every send settled');
  const refused = (results ?? []).filter((r) => isSipError(r, 'TransportError'));
  t.ok(refused.length > 0, `${refused.length} sends refused`);
  t.equal(a.layer.stats().connections, 0, 'the connection was closed');
  t.equal(a.layer.stats().dropped.bufferLimit, 1);
});

t.test('TLS to a host name checks the certificate against that name', async (t) => {
  const certs = testCerts();
  const tls = { cert: certs.cert, key: certs.key, ca: certs.ca };
  const resolver: Resolver = {
    resolve: async (q) => [{ protocol: 'tls', address: '127.0.0.1', port: q.port ?? 5061, family: 4 }],
  };
  const b = await startLayer(t, { iaps: [{ id: 'b', listen: [{ protocol: 'tls', address: '127.0.0.1', port: 0, tls }] }] });
  const a = await startLayer(t, { iaps: [{ id: 'a', listen: [{ protocol: 'tls', address: '127.0.0.1', port: 0, tls }] }], resolver });
  const ok = await a.layer.sendRequest(makeRequest(), { protocol: 'tls', address: 'localhost', port: b.port('tls'), iapId: 'a' });
  t.equal(ok.protocol, 'tls', 'the certificate names localhost');
  await b.user.nextRequest();
  const err = await a.layer
    .sendRequest(makeRequest(), { protocol: 'tls', address: 'wrong.test', port: b.port('tls'), iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), 'a name the certificate does not carry is refused');
  t.match(String((err as Error).message), /ERR_TLS_CERT_ALTNAME_INVALID|altnames/i);
});

t.test('RFC 5626 §4.4.1: no pong after a ping → the flow is closed as failed', async (t) => {
  const port = await silentServer(t);
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])] });
  const closed: ConnectionClosedInfo[] = [];
  const user = Object.assign(new Collector(), { onConnectionClosed: (i: ConnectionClosedInfo) => closed.push(i) });
  const a = new TransportLayer({
    iaps: [iap('a', '127.0.0.1', ['tcp'])],
    limits: { keepAliveInterval: 40 },
    keepAlivePongTimeout: 100,
    user,
  });
  t.teardown(() => a.stop());
  await a.start();
  const dead = await a.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port, iapId: 'a' });
  const alive = await a.sendRequest(makeRequest(), { protocol: 'tcp', address: '127.0.0.1', port: b.port('tcp'), iapId: 'a' });
  await until(() => closed.length === 1, 2000, 'the silent flow to fail');
  t.match(closed[0], { connectionId: dead.connectionId, reason: 'keepAliveTimeout' });
  await new Promise((r) => setTimeout(r, 300));
  t.equal(closed.length, 1, 'the flow whose peer answers pongs stays');
  t.equal(a.stats().connections, 1);
  t.ok(b.layer.stats().keepAlivePongs >= 5, 'pings kept flowing on the live connection');
  t.not(alive.connectionId, dead.connectionId);
});
