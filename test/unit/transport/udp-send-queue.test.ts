// UdpEndpoint's send queue: datagrams sent in one turn of the event loop leave together at the end
// of its poll phase, in order; close() still sends what was queued; a send the socket refuses fails
// alone.
import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { UdpEndpoint } from '../../../lib/transport/udp-endpoint.js';

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

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
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
  await until(() => peer.got.length === 40, '40 datagrams');
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
  await until(() => peer.got.length === 2, '2 datagrams');
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
  await until(() => peer.got.length === 1, 'the queued datagram');
  t.same(peer.got, ['before close']);
});
