/**
 * Messages over maxMessageSize at the transport (RFC 3261 §21.5.14): a request's head is handed to
 * `onRequestTooLarge` and its answer sent back; a stream body is skipped (connection goes on) or,
 * over maxDiscardBytes, the connection closes after the answer; responses are dropped.
 */
import { connect as tlsConnect } from 'node:tls';
import t from 'tap';
import { createResponse, parseMessage, type SipRequest, type SipResponse } from '../../../lib/message/index.js';
import type { MessageSource } from '../../../lib/transport/index.js';
import type { IapSettings } from '../../../include-types/settings.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { Collector, iap, rawTcp, rawUdp, requestText, startLayer, until, type Teardown } from './fixtures.js';

/** A Collector that answers requests over the limit with 513 and remembers them. */
class Answering extends Collector {
  readonly tooLarge: Array<{ msg: SipRequest; source: MessageSource; size: number }> = [];
  onRequestTooLarge(msg: SipRequest, source: MessageSource, size: number): SipResponse | undefined {
    this.tooLarge.push({ msg, source, size });
    return msg.method === 'ACK' ? undefined : createResponse(msg, 513);
  }
}

async function answeringLayer(t: Teardown, iaps: IapSettings[], limits: Record<string, number>) {
  const layer = await startLayer(t, { iaps, limits });
  const user = new Answering();
  layer.layer.setUser(user);
  return { ...layer, user };
}

/** A request head announcing `length` body octets (body not included). */
const bigHead = (length: number, method = 'INVITE', via?: string): string =>
  requestText({ method, ...(via === undefined ? {} : { via }) }).replace('Content-Length: 0', `Content-Length: ${length}`);

/** Splits what a stream received into messages (each with Content-Length). */
function messagesIn(data: Buffer): Array<SipRequest | SipResponse> {
  const out: Array<SipRequest | SipResponse> = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\r\n\r\n', pos);
    if (end < 0) break;
    const cl = Number(/Content-Length: *(\d+)/i.exec(data.toString('latin1', pos, end))?.[1] ?? 0);
    out.push(parseMessage(data.subarray(pos, end + 4 + cl)));
    pos = end + 4 + cl;
  }
  return out;
}

t.test('TCP: 513 from the head, the body skipped, the next message on the connection served', async (t) => {
  const b = await answeringLayer(t, [iap('b', '127.0.0.1', ['tcp'])], { maxMessageSize: 1500 });
  const c = await rawTcp(t, b.port('tcp'));
  const head = bigHead(50000);
  c.socket.write(head);
  await until(() => messagesIn(c.received()).length === 1, 2000, 'the 513');
  const res = messagesIn(c.received())[0];
  t.ok(res.isResponse() && res.status === 513);
  t.equal(b.user.tooLarge.length, 1);
  t.equal(b.user.tooLarge[0].size, Buffer.byteLength(head) + 50000);
  t.equal(b.user.tooLarge[0].source.protocol, 'tcp');
  t.equal(b.user.tooLarge[0].msg.body.length, 0, 'head only');
  for (let sent = 0; sent < 50000; sent += 10000) c.socket.write('b'.repeat(10000));
  c.socket.write(requestText());
  const next = await b.user.nextRequest();
  t.equal(next.msg.method, 'OPTIONS', 'the message after the skipped body');
  const s = b.layer.stats();
  t.equal(s.connections, 1, 'connection kept');
  t.equal(s.dropped.tooLarge, 1);
  t.match(s.tooLarge, { answered: 1, bodiesSkipped: 1, bytesSkipped: 50000, connectionsClosed: 0, responsesDropped: 0 });
});

t.test('TCP: a body over maxDiscardBytes → 513, then the connection closes, even while the peer keeps sending', async (t) => {
  const b = await answeringLayer(t, [iap('b', '127.0.0.1', ['tcp'])], { maxMessageSize: 1500, maxDiscardBytes: 10000 });
  const c = await rawTcp(t, b.port('tcp'));
  c.socket.write(bigHead(50_000_000));
  // the peer goes on sending its body: our close must not reset away the 513
  const chunk = Buffer.alloc(16384, 0x62);
  let writing = true;
  const pump = (): void => {
    while (writing && c.socket.write(chunk));
    if (writing) c.socket.once('drain', pump);
  };
  pump();
  c.socket.on('end', () => {
    writing = false;
    c.socket.end();
  });
  await c.closed;
  writing = false;
  const got = messagesIn(c.received());
  t.equal(got.length, 1);
  t.ok(got[0].isResponse() && got[0].status === 513, '513 received before the close');
  await until(() => b.layer.stats().connections === 0, 3000, 'connection gone');
  t.match(b.layer.stats().tooLarge, { answered: 1, bodiesSkipped: 0, connectionsClosed: 1 });
});

t.test('TCP: an oversized response is dropped, unanswered; the connection goes on', async (t) => {
  const b = await answeringLayer(t, [iap('b', '127.0.0.1', ['tcp'])], { maxMessageSize: 1000 });
  const c = await rawTcp(t, b.port('tcp'));
  const response =
    'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK-resp\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n' +
    'Call-ID: resp@x\r\nCSeq: 1 INVITE\r\nContent-Length: 3000\r\n\r\n' + 'r'.repeat(3000);
  c.socket.write(response + requestText());
  const next = await b.user.nextRequest();
  t.equal(next.msg.method, 'OPTIONS');
  t.equal(c.received().length, 0, 'nothing sent back');
  t.equal(b.user.tooLarge.length, 0);
  t.match(b.layer.stats().tooLarge, { responsesDropped: 1, bodiesSkipped: 1, answered: 0 });
});

t.test('TCP: ACK and a head without the mandatory headers are not answered but skipped; a header block over the limit closes', async (t) => {
  const b = await answeringLayer(t, [iap('b', '127.0.0.1', ['tcp'])], { maxMessageSize: 1000 });
  const c = await rawTcp(t, b.port('tcp'));
  c.socket.write(bigHead(2000, 'ACK') + 'a'.repeat(2000));
  c.socket.write('INVITE sip:x@y SIP/2.0\r\nContent-Length: 2000\r\n\r\n' + 'a'.repeat(2000));
  c.socket.write(requestText());
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS');
  t.equal(b.user.tooLarge.length, 1, 'only the ACK had a readable head');
  t.equal(c.received().length, 0, 'nothing answered');

  const d = await rawTcp(t, b.port('tcp'));
  d.socket.write('INVITE sip:x@y SIP/2.0\r\n' + 'X-Pad: 0123456789\r\n'.repeat(100));
  await d.closed;
  t.equal(b.layer.stats().dropped.tooLarge, 3);
  t.equal(b.layer.stats().tooLarge.connectionsClosed, 1);
});

t.test('TLS: 513 and the connection goes on', async (t) => {
  const certs = testCerts();
  const b = await answeringLayer(t, [{ id: 'b', listen: [{ protocol: 'tls', address: '127.0.0.1', port: 0, tls: { cert: certs.cert, key: certs.key } }] }], { maxMessageSize: 1500 });
  const socket = tlsConnect({ host: '127.0.0.1', port: b.port('tls'), rejectUnauthorized: false });
  t.teardown(() => socket.destroy());
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  socket.write(bigHead(8000) + 'z'.repeat(8000) + requestText());
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS');
  await until(() => messagesIn(Buffer.concat(chunks)).length === 1, 2000, 'the 513');
  const res = messagesIn(Buffer.concat(chunks))[0];
  t.ok(res.isResponse() && res.status === 513);
});

t.test('UDP: a request over the limit gets 513 at its source (rport); a response or garbage is dropped', async (t) => {
  const b = await answeringLayer(t, [iap('b', '127.0.0.1', ['udp'])], { maxMessageSize: 1000 });
  const peer = await rawUdp(t);
  const big = requestText({ method: 'MESSAGE', body: 'm'.repeat(1500), via: 'SIP/2.0/UDP 192.0.2.1:5999;branch=z9hG4bK-udp513;rport' });
  peer.socket.send(big, b.port('udp'), '127.0.0.1');
  const res = parseMessage(await peer.next());
  t.ok(res.isResponse() && res.status === 513, '513 to the source address and port, not the Via sent-by');
  t.equal(res.topVia.params.get('rport'), String(peer.port));
  t.equal(res.topVia.received, '127.0.0.1');
  t.equal(b.user.tooLarge[0].size, Buffer.byteLength(big));

  peer.socket.send('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-r\r\nCSeq: 1 MESSAGE\r\n\r\n' + 'r'.repeat(1500), b.port('udp'), '127.0.0.1');
  peer.socket.send('x'.repeat(1500), b.port('udp'), '127.0.0.1');
  peer.socket.send(requestText(), b.port('udp'), '127.0.0.1');
  t.equal((await b.user.nextRequest()).msg.method, 'OPTIONS');
  await t.rejects(peer.next(200), 'nothing else answered');
  const s = b.layer.stats();
  t.equal(s.dropped.tooLarge, 3);
  t.match(s.tooLarge, { answered: 1, responsesDropped: 1 });
});
