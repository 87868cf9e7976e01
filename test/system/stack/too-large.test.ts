/**
 * RFC 3261 §21.5.14 through the whole stack over real loopback sockets: a request over the
 * transport's maxMessageSize gets a stateless 513 (§8.2.6 headers, a To tag, no body) read from its
 * head alone; on TCP its body is skipped and the connection serves the next request, unless the body
 * is over maxDiscardBytes (513, then the connection closes); a response over the limit is dropped.
 */
import t, { type Test } from 'tap';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { createResponse, parseMessage, serializeMessage, type SipResponse } from '../../../lib/message/index.js';
import { SipStack } from '../../../lib/stack/index.js';
import { createAnsweringUas } from '../../../samples/lib/answering-uas.js';
import { buildRequest, request, sipUri } from '../../helpers/stack-uac.js';

const timers = { t1: 40, t2: 320, t4: 200, trying100Delay: 200 };
const transportLimits = { maxMessageSize: 2000, maxDiscardBytes: 100_000 };

async function stackWith(t: Test) {
  const stack = new SipStack({
    iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'tcp', address: '127.0.0.1', port: 0 }] }],
    timers,
    transportLimits,
  });
  stack.addUser(createAnsweringUas(stack, { host: '127.0.0.1' }).user);
  await stack.start();
  t.teardown(() => stack.shutdown());
  const port = (p: string): number => stack.boundAddresses('main').find((b) => b.protocol === p)?.port ?? 0;
  return { stack, udp: port('udp'), tcp: port('tcp') };
}

let n = 0;
/** A request from `transport` host:port; `bodyLength` octets of body are announced (and sent if `body`). */
function requestHead(method: string, transport: 'UDP' | 'TCP', localPort: number, bodyLength: number): string {
  n += 1;
  return (
    `${method} sip:bob@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};branch=z9hG4bK-big${n};rport\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: "Alice" <sip:alice@tsip.test>;tag=a${n}\r\n` +
    'To: <sip:bob@tsip.test>\r\n' +
    `Call-ID: big-${n}@tsip.test\r\n` +
    `CSeq: ${n} ${method}\r\n` +
    'Contact: <sip:alice@127.0.0.1>\r\n' +
    (bodyLength > 0 ? 'Content-Type: application/sdp\r\n' : '') +
    `Content-Length: ${bodyLength}\r\n\r\n`
  );
}

/** A plausible SDP body of `size` octets (many a= lines). */
function sdp(size: number): string {
  let s = 'v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
  while (s.length < size) s += 'a=x-padding:0123456789abcdef\r\n';
  return s.slice(0, size);
}

/** A raw TCP client that splits what it receives into messages. */
async function tcpClient(t: Test, port: number): Promise<{ socket: Socket; port: number; next(ms?: number): Promise<SipResponse>; closed: Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port });
  t.teardown(() => socket.destroy());
  socket.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  const queue: SipResponse[] = [];
  const waiters: Array<(r: SipResponse) => void> = [];
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const cl = Number(/Content-Length: *(\d+)/i.exec(buf.toString('latin1', 0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + cl) return;
      const msg = parseMessage(buf.subarray(0, end + 4 + cl));
      buf = buf.subarray(end + 4 + cl);
      if (!msg.isResponse() || msg.status < 200) continue;
      const w = waiters.shift();
      if (w) w(msg);
      else queue.push(msg);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return {
    socket,
    port: socket.localPort ?? 0,
    closed,
    next: (ms = 2000) => {
      const q = queue.shift();
      if (q) return Promise.resolve(q);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no final response')), ms);
        waiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
  };
}

/** The §8.2.6 checks of a 513 against the request head it answers. */
function check513(t: Test, res: SipResponse, head: string, server: string): void {
  const req = parseMessage(head.replace(/Content-Length: \d+/, 'Content-Length: 0'));
  if (!req.isRequest()) throw new Error('not a request');
  t.equal(res.status, 513);
  t.equal(res.reason, 'Message Too Large');
  t.equal(res.topVia.branch, req.topVia.branch, 'Via copied');
  t.equal(res.headers.get('From'), req.headers.get('From'), 'From copied');
  t.equal(res.to.uri.toString(), req.to.uri.toString(), 'To copied');
  t.type(res.to.tag, 'string', 'a To tag added');
  t.ok((res.to.tag ?? '').length > 0);
  t.equal(res.callId, req.callId, 'Call-ID copied');
  t.equal(res.headers.get('CSeq'), req.headers.get('CSeq'), 'CSeq copied');
  t.equal(res.headers.get('Server'), server);
  t.equal(res.body.length, 0, 'no body');
  t.equal(res.headers.get('Content-Length'), '0');
}

t.test('TCP: an INVITE over the limit gets 513, its body is skipped, the next OPTIONS is answered', async (t) => {
  const { stack, tcp } = await stackWith(t);
  const c = await tcpClient(t, tcp);
  const body = sdp(6000);
  const head = requestHead('INVITE', 'TCP', c.port, body.length);
  // the body arrives in pieces after the 513 could be sent; the OPTIONS right behind it
  c.socket.write(head);
  const res = await c.next();
  check513(t, res, head, stack.userAgent);
  t.equal(res.topVia.params.get('rport'), String(c.port), 'rport filled in (RFC 3581)');
  for (let i = 0; i < body.length; i += 1000) c.socket.write(body.slice(i, i + 1000));
  c.socket.write(requestHead('OPTIONS', 'TCP', c.port, 0));
  const ok = await c.next();
  t.equal(ok.status, 200, 'the connection still serves requests');
  t.equal(ok.cseq.method, 'OPTIONS');
  const s = stack.stats();
  t.equal(s.transport.connections, 1);
  t.match(s.transport.tooLarge, { answered: 1, bodiesSkipped: 1, bytesSkipped: 6000, connectionsClosed: 0 });
  t.equal(s.transactions.serverInvite, 0, 'the INVITE reached no transaction');
  t.equal(s.pendingInvites, 0, 'and no user');
});

t.test('TCP: a Content-Length over maxDiscardBytes gets 513, then the connection closes', async (t) => {
  const { stack, tcp } = await stackWith(t);
  const c = await tcpClient(t, tcp);
  const head = requestHead('INVITE', 'TCP', c.port, 50_000_000);
  c.socket.write(head + 'v=0\r\n');
  const res = await c.next();
  check513(t, res, head, stack.userAgent);
  await c.closed;
  t.pass('closed after the 513');
  t.match(stack.stats().transport.tooLarge, { answered: 1, connectionsClosed: 1, bodiesSkipped: 0 });
  // the listener still serves new connections
  const d = await tcpClient(t, tcp);
  d.socket.write(requestHead('OPTIONS', 'TCP', d.port, 0));
  t.equal((await d.next()).status, 200);
});

t.test('UDP: an INVITE over the limit gets 513 at its source; nothing reaches a transaction', async (t) => {
  const { stack, udp } = await stackWith(t);
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  t.teardown(() => sock.close());
  const local = sock.address().port;
  const got: SipResponse[] = [];
  sock.on('message', (b) => {
    const m = parseMessage(b);
    if (m.isResponse()) got.push(m);
  });
  const head = requestHead('INVITE', 'UDP', 9, 3000); // a wrong Via port: rport takes the answer home
  sock.send(head + sdp(3000), udp, '127.0.0.1');
  const start = Date.now();
  while (got.length === 0 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 10));
  t.equal(got.length, 1, 'one 513');
  check513(t, got[0], head, stack.userAgent);
  t.equal(got[0].topVia.params.get('rport'), String(local));
  t.equal(got[0].topVia.received, '127.0.0.1', 'with rport, received is added (RFC 3581 §4)');
  t.equal(stack.stats().transactions.serverInvite, 0, 'no transaction');
  t.match(stack.stats().transport.tooLarge, { answered: 1 });
  t.equal(stack.stats().transport.dropped.tooLarge, 1);
});

t.test('a response over the limit is dropped: the transaction takes the next one', async (t) => {
  const { stack } = await stackWith(t);
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  t.teardown(() => peer.close());
  // Answers the first OPTIONS only: on a loaded machine the 200 can come after Timer E's first
  // retransmission (500 ms), whose second oversized 486 would make the count 2.
  let answered = false;
  peer.on('message', (buf, rinfo) => {
    const msg = parseMessage(buf);
    if (!msg.isRequest() || msg.method !== 'OPTIONS' || answered) return;
    answered = true;
    const big = createResponse(msg, 486, undefined, 'peer');
    big.headers.set('Content-Type', 'text/plain');
    big.body = Buffer.from('b'.repeat(3000));
    peer.send(serializeMessage(big), rinfo.port, rinfo.address);
    setTimeout(() => peer.send(serializeMessage(createResponse(msg, 200, undefined, 'peer')), rinfo.port, rinfo.address), 20);
  });
  const outcome = await request(stack, 'main', buildRequest('OPTIONS', sipUri('peer', '127.0.0.1', peer.address().port)));
  t.equal(outcome.status, 200, 'the oversized 486 never reached the transaction');
  t.match(stack.stats().transport.tooLarge, { responsesDropped: 1, answered: 0 });
});
