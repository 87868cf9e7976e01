/**
 * A received message's body is handed up as its own bytes when it is a small part of what was
 * received: a transaction or dialog keeping the message (up to 64*T1) must not keep the whole
 * datagram with it (a hostile request: 60 kB of headers in front of a 300-byte SDP).
 */
import t from 'tap';
import { ownBody } from '../../../lib/transport/inbound.js';
import { iap, rawUdp, requestText, startLayer } from './fixtures.js';

t.test('ownBody copies a body that views less than half of its buffer, and keeps the rest as they are', async (t) => {
  // its own block, as a received datagram has (Buffer.from of a string would share Node's pool)
  const datagram = Buffer.alloc(1000, 'H');
  datagram.fill('b', 900);
  const small = datagram.subarray(900);
  const copied = ownBody(small);
  t.not(copied.buffer, datagram.buffer, 'copied out of the datagram');
  t.equal(copied.toString(), 'b'.repeat(100));
  const large = datagram.subarray(400);
  t.equal(ownBody(large), large, 'a body that is most of its buffer stays a view (no copy)');
  const empty = Buffer.alloc(0);
  t.equal(ownBody(empty), empty);
});

t.test('a UDP request with a huge head and a small body: the body handed up does not hold the datagram', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['udp'])] });
  const peer = await rawUdp(t);
  const text = requestText({ method: 'MESSAGE', via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-body1`, body: 'hello' });
  const huge = text.replace('Max-Forwards: 70\r\n', `Max-Forwards: 70\r\nX-Pad: ${'p'.repeat(30_000)}\r\n`);
  peer.socket.send(huge, b.port('udp'), '127.0.0.1');
  const got = await b.user.nextRequest();
  t.equal(got.msg.body.toString(), 'hello');
  t.ok(got.msg.body.buffer.byteLength < 30_000, `the body's buffer (${got.msg.body.buffer.byteLength} bytes) is not the 30 kB datagram`);
  t.equal(got.msg.headers.get('X-Pad')?.length, 30_000, 'the headers are all there');
});
