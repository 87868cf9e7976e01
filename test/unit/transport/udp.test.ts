import t from 'tap';
import { createResponse, parseMessage } from '../../../lib/message/index.js';
import { createSocket } from 'node:dgram';
import { isSipError } from '../../../include-types/errors.js';
import { iap, makeRequest, rawUdp, requestText, startLayer, sleep } from './fixtures.js';

for (const host of ['127.0.0.1', '::1']) {
  t.test(`UDP request/response round trip on ${host}`, async (t) => {
    const a = await startLayer(t, { iaps: [iap('a', host, ['udp'])] });
    const b = await startLayer(t, { iaps: [iap('b', host, ['udp'])] });
    const req = makeRequest();
    const sent = await a.layer.sendRequest(req, { protocol: 'udp', address: host, port: b.port('udp'), iapId: 'a' });
    t.equal(sent.protocol, 'udp');
    t.equal(sent.localPort, a.port('udp'));

    const got = await b.user.nextRequest();
    const via = got.msg.topVia;
    t.equal(via.transport, 'UDP', 'Via transport filled in');
    t.equal(via.host, host.includes(':') ? `[${host}]` : host, 'sent-by host is the listening address');
    t.equal(via.port, a.port('udp'), 'sent-by port is the listening port');
    t.equal(via.rport, a.port('udp'), 'rport filled with the source port (RFC 3581 §4)');
    t.equal(via.received, host, 'received added because rport was asked');
    t.match(got.source, { protocol: 'udp', remoteAddress: host, remotePort: a.port('udp'), iapId: 'b' });

    await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
    const res = await a.user.nextResponse();
    t.equal(res.msg.status, 200);
    t.equal(res.msg.callId, req.callId);
    t.match(a.layer.stats(), { datagramsOut: 1, datagramsIn: 1, udpSockets: 1, connections: 0 });
  });
}

t.test('response routing: received + rport, received + Via port, maddr', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const peer = await rawUdp(t);
  const send = (via: string): void => {
    peer.socket.send(requestText({ via }), b.port('udp'), '127.0.0.1');
  };

  // rport: the response goes to the source port, not to the sent-by port.
  send('SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bK-r1;rport');
  let got = await b.user.nextRequest();
  t.equal(got.msg.topVia.received, '127.0.0.1');
  t.equal(got.msg.topVia.rport, peer.port);
  await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  let res = parseMessage(await peer.next());
  t.ok(res.isResponse() && res.topVia.rport === peer.port, 'response echoes the rport Via');

  // No rport, sent-by host differs → received, and the Via port.
  send(`SIP/2.0/UDP nat.example.com:${peer.port};branch=z9hG4bK-r2`);
  got = await b.user.nextRequest();
  t.equal(got.msg.topVia.received, '127.0.0.1', 'received added when sent-by differs');
  t.equal(got.msg.topVia.rport, undefined, 'no rport when not asked');
  await b.layer.sendResponse(createResponse(got.msg, 404), got.source);
  res = parseMessage(await peer.next());
  t.ok(res.isResponse() && res.status === 404);

  // Sent-by equals the source and no rport → no received param.
  send(`SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-r3`);
  got = await b.user.nextRequest();
  t.equal(got.msg.topVia.received, undefined, 'no received when sent-by is the source');

  // maddr wins: sent to maddr and the Via port.
  send(`SIP/2.0/UDP 192.0.2.7:${peer.port};branch=z9hG4bK-r4;maddr=127.0.0.1`);
  got = await b.user.nextRequest();
  await b.layer.sendResponse(createResponse(got.msg, 486), got.source);
  res = parseMessage(await peer.next());
  t.ok(res.isResponse() && res.status === 486, 'response reached maddr');
});

t.test('malformed and oversized datagrams are dropped; the socket keeps working', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])], limits: { maxMessageSize: 1000 } });
  const peer = await rawUdp(t);
  const port = b.port('udp');
  peer.socket.send('THIS IS NOT SIP\r\n\r\n', port, '127.0.0.1');
  const bad = await b.user.next();
  t.equal(bad.kind, 'parseError');
  if (bad.kind === 'parseError') {
    t.equal(bad.raw.toString(), 'THIS IS NOT SIP\r\n\r\n', 'raw bytes handed up');
    t.type(bad.error.reason, 'string');
    t.equal(bad.source.remotePort, peer.port);
  }
  // A request without Via is refused as a parse error too.
  peer.socket.send(requestText().replace(/^Via:.*\r\n/m, ''), port, '127.0.0.1');
  t.equal((await b.user.next()).kind, 'parseError', 'missing Via → parse error');

  peer.socket.send(requestText({ body: 'x'.repeat(1200) }), port, '127.0.0.1');
  peer.socket.send('\r\n\r\n', port, '127.0.0.1'); // keep-alive: ignored
  peer.socket.send(requestText(), port, '127.0.0.1');
  const ok = await b.user.next();
  t.equal(ok.kind, 'request', 'the next valid datagram is delivered');
  const s = b.layer.stats();
  t.equal(s.dropped.tooLarge, 1);
  t.equal(s.dropped.parseError, 2);
  t.equal(b.user.all.length, 3, 'oversized datagram and keep-alive reached nobody');
});

t.test('sendRequest above maxMessageSize → MessageTooLarge', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'])], limits: { maxMessageSize: 2000 } });
  const err = await a.layer
    .sendRequest(makeRequest({ body: 'x'.repeat(2500) }), { protocol: 'udp', address: '127.0.0.1', port: 9, iapId: 'a' })
    .catch((e: unknown) => e);
  t.ok(isSipError(err, 'MessageTooLarge'));
  t.equal(a.layer.stats().datagramsOut, 0);
});

t.test('a 3 KB request for UDP goes over TCP (RFC 3261 §18.1.1) and the response comes back', async (t) => {
  const a = await startLayer(t, { iaps: [iap('a', '127.0.0.1', ['udp', 'tcp'])] });
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp', 'tcp'])] });
  const tcpPort = b.port('tcp');
  // Same port number for UDP and TCP is the usual deployment; here they differ, so aim at TCP's.
  const sent = await a.layer.sendRequest(makeRequest({ method: 'INVITE', body: 'v=0\r\n'.repeat(600) }), {
    protocol: 'udp',
    address: '127.0.0.1',
    port: tcpPort,
    iapId: 'a',
  });
  t.equal(sent.protocol, 'tcp', 'switched to TCP');
  t.type(sent.connectionId, 'number');
  const got = await b.user.nextRequest();
  t.equal(got.source.protocol, 'tcp');
  t.equal(got.msg.topVia.transport, 'TCP', 'top Via changed to TCP');
  t.equal(got.msg.topVia.port, a.port('tcp'), 'sent-by port is the TCP listener');
  t.ok(got.msg.body.length >= 3000);
  await b.layer.sendResponse(createResponse(got.msg, 180), got.source);
  const res = await a.user.nextResponse();
  t.equal(res.msg.status, 180);
  t.equal(res.source.connectionId, sent.connectionId, 'response on the same connection');
  t.equal(b.layer.stats().datagramsIn, 0);

  // A small request still goes over UDP.
  const small = await a.layer.sendRequest(makeRequest(), { protocol: 'udp', address: '127.0.0.1', port: b.port('udp'), iapId: 'a' });
  t.equal(small.protocol, 'udp');
});

// The MTU switch whose TCP connect is refused falls back to UDP: see mtu-fallback.test.ts.

for (const host of ['127.0.0.1', '::1']) {
  t.test(`RFC 5626 §4.4.2 STUN keep-alive on ${host}: Binding request answered with the mapped address`, async (t) => {
    const b = await startLayer(t, { iaps: [iap('b', host, ['udp'])] });
    const peer = await rawUdp(t, host);
    const txid = Buffer.from('0102030405060708090a0b0c', 'hex');
    const request = Buffer.concat([Buffer.from('000100002112a442', 'hex'), txid]);
    peer.socket.send(request, b.port('udp'), host);
    const answer = await peer.next();
    t.equal(answer.readUInt16BE(0), 0x0101, 'Binding success response');
    t.equal(answer.readUInt32BE(4), 0x2112a442);
    t.same(answer.subarray(8, 20), txid, 'same transaction id');
    t.equal(answer.readUInt16BE(2), answer.length - 20, 'length covers the attributes');
    t.equal(answer.readUInt16BE(20), 0x0020, 'XOR-MAPPED-ADDRESS');
    const family = answer[25];
    t.equal(family, host.includes(':') ? 2 : 1);
    t.equal(answer.readUInt16BE(26) ^ 0x2112, peer.port, 'mapped port');
    const mask = Buffer.concat([Buffer.from('2112a442', 'hex'), txid]);
    const ip = Buffer.from(answer.subarray(28).map((byte, i) => byte ^ mask[i]));
    t.equal(ip.toString('hex'), host.includes(':') ? '0'.repeat(31) + '1' : '7f000001', 'mapped address');
    t.equal(b.user.all.length, 0, 'not handed up as SIP');
    t.equal(b.layer.stats().keepAlivePongs, 1);
  });
}

t.test('RFC 3581 §4: the response leaves from the socket the request arrived on', async (t) => {
  const b = await startLayer(t, {
    iaps: [{ id: 'b', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: 0 }] }],
  });
  const ports = b.layer.boundAddresses('b').map((x) => x.port);
  t.equal(ports.length, 2);
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => peer.close(() => r())));
  const from = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no response')), 2000);
    peer.once('message', (_m, rinfo) => {
      clearTimeout(timer);
      resolve(rinfo.port);
    });
  });
  peer.send(requestText({ via: 'SIP/2.0/UDP 10.1.1.1:5060;rport;branch=z9hG4bK-sym' }), ports[1], '127.0.0.1');
  const got = await b.user.nextRequest();
  t.equal(got.source.localPort, ports[1]);
  await b.layer.sendResponse(createResponse(got.msg, 200), got.source);
  t.equal(await from, ports[1], 'sent from the second socket, not the first');
});
