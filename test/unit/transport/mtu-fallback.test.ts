/**
 * RFC 3261 §18.1.1: a request sent over TCP only because of its size (within 200 bytes of the path
 * MTU) is retried over UDP, once, with the top Via back to UDP, when the TCP connect is refused
 * or reset. A request meant for TCP, or a connect that fails otherwise, is not.
 */
import t from 'tap';
import { createServer, type Server } from 'node:net';
import { SipError, SipErrorCode, isSipError } from '../../../include-types/errors.js';
import { isConnectRefusal, toTransportError } from '../../../lib/transport/errors.js';
import { iap, makeRequest, rawUdp, startLayer, sleep } from './fixtures.js';

t.test('switched to TCP for its size, connect refused → sent over UDP with a UDP Via, logged', async (t) => {
  const logged: Array<{ msg: string; data?: Record<string, unknown> }> = [];
  const logger = { debug() {}, warn() {}, error() {}, info: (msg: string, data?: Record<string, unknown>) => void logged.push({ msg, data }) };
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'], { mtu: 1000 })], logger });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] }); // no TCP: the connect is refused
  const req = makeRequest({ body: 'y'.repeat(900) });
  const sent = await a.layer.sendRequest(req, { protocol: 'udp', address: '127.0.0.1', port: b.port('udp'), iapId: 'a' });
  t.equal(sent.protocol, 'udp', 'resolved as a UDP send (so the client transaction keeps Timer A/E)');
  t.equal(sent.connectionId, undefined);
  t.equal(req.topVia.transport, 'UDP', "the request's own top Via is UDP again");
  t.equal(req.topVia.port, a.port('udp'), 'sent-by is the UDP socket');
  const got = await b.user.nextRequest();
  t.equal(got.source.protocol, 'udp', 'arrived over UDP');
  t.equal(got.msg.topVia.transport, 'UDP', 'top Via changed back to UDP');
  t.equal(got.msg.topVia.port, a.port('udp'));
  t.ok(got.msg.body.length >= 900, 'whole body');
  const st = a.layer.stats();
  t.equal(st.udpFallbacks, 1);
  t.equal(st.datagramsOut, 1, 'one datagram: retried once');
  t.equal(st.connections, 0);
  t.equal(logged.filter((l) => /retrying over UDP/.test(l.msg)).length, 1, 'logged');
  t.match(logged[0].data, { error: /ECONNREFUSED/ });

  // the next large request (a Timer E retransmission, say) to that peer skips the refused connect
  const again = await a.layer.sendRequest(makeRequest({ body: 'y'.repeat(900) }), { protocol: 'udp', address: '127.0.0.1', port: b.port('udp'), iapId: 'a' });
  t.equal(again.protocol, 'udp');
  t.equal((await b.user.nextRequest()).msg.topVia.transport, 'UDP');
  t.equal(a.layer.stats().udpFallbacks, 2);
  t.equal(logged.length, 1, 'no second connect, nothing more logged');
});

t.test('two large requests waiting on the same refused connect: one connect, one log line, both over UDP', async (t) => {
  // A Timer E retransmission can be sent while the first copy's connect is still pending (a busy
  // event loop runs timers before I/O): both wait on the one connect, and its refusal is one event.
  const logged: string[] = [];
  const logger = { debug() {}, warn() {}, error() {}, info: (msg: string) => void logged.push(msg) };
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'], { mtu: 1000 })], logger });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const target = { protocol: 'udp' as const, address: '127.0.0.1', port: b.port('udp'), iapId: 'a' };
  const sent = await Promise.all([a.layer.sendRequest(makeRequest({ body: 'y'.repeat(900) }), target), a.layer.sendRequest(makeRequest({ body: 'y'.repeat(900) }), target)]);
  t.same(sent.map((s) => s.protocol), ['udp', 'udp'], 'both sent over UDP');
  t.equal((await b.user.nextRequest()).msg.topVia.transport, 'UDP');
  t.equal((await b.user.nextRequest()).msg.topVia.transport, 'UDP');
  t.equal(a.layer.stats().udpFallbacks, 2);
  t.equal(logged.filter((m) => /retrying over UDP/.test(m)).length, 1, 'the one refused connect logged once');
});

t.test('a request for TCP whose connect is refused is not moved to UDP', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'], { mtu: 1000 })] });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const err = await a.layer
    .sendRequest(makeRequest({ body: 'y'.repeat(900) }), { protocol: 'tcp', address: '127.0.0.1', port: b.port('udp'), iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'), 'connect refused is reported');
  t.match((err as Error).message, /ECONNREFUSED/);
  await sleep(50);
  t.equal(b.user.all.length, 0, 'nothing arrived over UDP');
  t.equal(a.layer.stats().datagramsOut, 0);
  t.equal(a.layer.stats().udpFallbacks, 0);
});

t.test('a small request to a port with no TCP goes over UDP as always (no connect at all)', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'], { mtu: 1000 })] });
  const peer = await rawUdp(t);
  const sent = await a.layer.sendRequest(makeRequest(), { protocol: 'udp', address: '127.0.0.1', port: peer.port, iapId: 'a' });
  t.equal(sent.protocol, 'udp');
  t.ok((await peer.next()).length > 0);
  t.equal(a.layer.stats().udpFallbacks, 0);
});

t.test('switched to TCP and the connect succeeds: stays on TCP', async (t) => {
  // the peer's TCP listener on the same port number as its UDP socket, as deployed
  const peer = await rawUdp(t);
  const server: Server = createServer((s) => s.on('data', () => undefined).on('error', () => undefined));
  await new Promise<void>((r, j) => server.once('error', j).listen(peer.port, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'], { mtu: 1000 })] });
  const req = makeRequest({ body: 'z'.repeat(900) });
  const sent = await a.layer.sendRequest(req, { protocol: 'udp', address: '127.0.0.1', port: peer.port, iapId: 'a' });
  t.equal(sent.protocol, 'tcp');
  t.equal(req.topVia.transport, 'TCP');
  t.equal(a.layer.stats().udpFallbacks, 0);
  a.layer.closeConnection(sent.connectionId as number);
});

t.test('isConnectRefusal: refused, reset and ICMP protocol errors only', async (t) => {
  const sys = (code: string): Error => Object.assign(new Error(code), { code });
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOPROTOOPT', 'EPROTONOSUPPORT']) {
    t.ok(isConnectRefusal(toTransportError(sys(code), 'tcp connect')), `${code} wrapped`);
    t.ok(isConnectRefusal(sys(code)), `${code} bare`);
  }
  for (const code of ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']) t.notOk(isConnectRefusal(toTransportError(sys(code), 'tcp connect')), code);
  t.notOk(isConnectRefusal(new SipError(SipErrorCode.LimitExceeded, 'maxConnections')));
  t.notOk(isConnectRefusal(new SipError(SipErrorCode.StackShutdown, 'stopped')));
  t.notOk(isConnectRefusal(undefined));
});
