// The process's UDP send queue (lib/transport/datagram-batch.ts) and its users, UdpEndpoint (SIP)
// and RtpEndpoint (media): datagrams sent in one turn of the event loop leave together at the end
// of its poll phase, in order, whatever socket they leave from; close() still sends what was
// queued; a send the socket refuses fails alone.
import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { UdpEndpoint } from '../../../lib/transport/udp-endpoint.js';
import { queuedDatagrams, sendQueuedNow, sendSoon } from '../../../lib/transport/datagram-batch.js';
import { RtpEndpoint } from '../../../lib/siprec/media/index.js';
import { until } from './fixtures.js';

const noEvents = { onDatagram: () => undefined, onError: () => undefined };

/** A plain UDP socket on 127.0.0.1 that records what it receives. */
async function sink(t: Test): Promise<{ socket: Socket; got: string[]; port: number }> {
  const socket = createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('latin1')));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.teardown(() => socket.close());
  return { socket, got, port: socket.address().port };
}

t.test('datagrams of one turn leave after it, in the order sent', async (t) => {
  const peer = await sink(t);
  const ep = new UdpEndpoint('a', 4, noEvents);
  await ep.bind('127.0.0.1', 0);
  t.teardown(() => ep.close());
  const counts = { datagramsOut: 0 };
  const order: string[] = [];
  setImmediate(() => order.push('check phase'));
  const results = Array.from({ length: 40 }, (_, i) => ep.sendThen(Buffer.from(`m${i}`), peer.port, '127.0.0.1', i, counts));
  void results[0].then(() => order.push('first sent'));
  t.equal(counts.datagramsOut, 0, 'nothing handed to the socket within the turn');
  t.same(await Promise.all(results), [...Array(40).keys()], 'each send resolves to its own result');
  t.equal(counts.datagramsOut, 40);
  t.same(order, ['check phase', 'first sent'], 'handed to the socket in the check phase, not at once');
  await until(() => peer.got.length === 40, 1000, '40 datagrams');
  t.same(peer.got, Array.from({ length: 40 }, (_, i) => `m${i}`), 'received in order');
});

t.test('a send the socket refuses fails alone; the others of its batch leave', async (t) => {
  const peer = await sink(t);
  const ep = new UdpEndpoint('a', 4, noEvents);
  await ep.bind('127.0.0.1', 0);
  t.teardown(() => ep.close());
  const first = ep.send(Buffer.from('one'), peer.port, '127.0.0.1');
  const bad = ep.send(Buffer.from('bad'), 70_000, '127.0.0.1'); // dgram throws RangeError for the port
  const last = ep.send(Buffer.from('two'), peer.port, '127.0.0.1');
  await t.rejects(bad, { code: 'TransportError' });
  await first;
  await last;
  await until(() => peer.got.length === 2, 1000, '2 datagrams');
  t.same(peer.got, ['one', 'two']);
});

t.test('close() sends what was queued before it; later sends reject', async (t) => {
  const peer = await sink(t);
  const ep = new UdpEndpoint('a', 4, noEvents);
  await ep.bind('127.0.0.1', 0);
  const queued = ep.send(Buffer.from('before close'), peer.port, '127.0.0.1');
  const closed = ep.close();
  await t.rejects(ep.send(Buffer.from('after close'), peer.port, '127.0.0.1'), { code: 'TransportError' });
  await queued;
  await closed;
  await until(() => peer.got.length === 1, 1000, 'the queued datagram');
  t.same(peer.got, ['before close']);
});

t.test('one queue for the process: datagrams of several sockets leave in the order sent', async (t) => {
  const [p1, p2] = [await sink(t), await sink(t)];
  const [a, b] = [createSocket('udp4'), createSocket('udp4')];
  for (const s of [a, b]) {
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
  }
  t.teardown(() => { a.close(); b.close(); });
  const done: string[] = [];
  for (let i = 0; i < 10; i++) {
    sendSoon(a, Buffer.from(`a${i}`), p1.port, '127.0.0.1', () => done.push(`a${i}`));
    sendSoon(b, Buffer.from(`b${i}`), p2.port, '127.0.0.1', () => done.push(`b${i}`));
  }
  t.equal(queuedDatagrams(), 20, 'all twenty wait for the check phase');
  await until(() => p1.got.length === 10 && p2.got.length === 10, 1000, '20 datagrams');
  t.equal(queuedDatagrams(), 0);
  t.same(p1.got, Array.from({ length: 10 }, (_, i) => `a${i}`), 'first socket, in order');
  t.same(p2.got, Array.from({ length: 10 }, (_, i) => `b${i}`), 'second socket, in order');
  t.same(done, Array.from({ length: 10 }, (_, i) => [`a${i}`, `b${i}`]).flat(), 'completions in the order sent');
});

t.test('sendQueuedNow hands everything over at once; a closed socket fails only its own datagram', async (t) => {
  const peer = await sink(t);
  const [open, closed] = [createSocket('udp4'), createSocket('udp4')];
  open.bind(0, '127.0.0.1');
  await once(open, 'listening');
  t.teardown(() => open.close());
  closed.bind(0, '127.0.0.1');
  await once(closed, 'listening');
  closed.close();
  const results: Array<string | null> = [];
  sendSoon(closed, Buffer.from('lost'), peer.port, '127.0.0.1', (e) => results.push(e === null ? null : 'refused'));
  sendSoon(open, Buffer.from('kept'), peer.port, '127.0.0.1', (e) => results.push(e === null ? null : String(e)));
  sendQueuedNow();
  t.equal(queuedDatagrams(), 0, 'nothing left for the check phase');
  t.same(results, ['refused'], 'the closed socket refused at once');
  await until(() => results.length === 2 && peer.got.length === 1, 1000, 'the other datagram');
  t.same(results, ['refused', null]);
  t.same(peer.got, ['kept']);
});

t.test('RtpEndpoint: packets of one turn leave after it; close() sends what was queued', async (t) => {
  t.setTimeout(10_000);
  const peer = await sink(t);
  const ep = await RtpEndpoint.bind({ address: '127.0.0.1' });
  const to = { address: '127.0.0.1', port: peer.port };
  const sent = [ep.send(Buffer.from('rtp-1'), to), ep.send(Buffer.from('rtp-2'), to)];
  t.equal(ep.stats.packetsSent, 0, 'not yet handed to the socket');
  await Promise.all(sent);
  t.equal(ep.stats.packetsSent, 2);
  const last = ep.send(Buffer.from('rtp-3'), to);
  await ep.close();
  await last;
  await until(() => peer.got.length === 3, 1000, 'three packets');
  t.same(peer.got, ['rtp-1', 'rtp-2', 'rtp-3']);
  await t.rejects(ep.send(Buffer.from('rtp-4'), to), { code: 'Closed' }, 'a send after close is refused');
});
