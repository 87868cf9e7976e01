/** The RTP relay: forwards both ways unchanged, latches to where packets come from, RTCP on +1 or muxed. */
import { createSocket, type Socket } from 'node:dgram';
import t from 'tap';
import { RtpRelay } from '../../../lib/b2bua/index.js';
import { buildRtcpRr, PortAllocator } from '../../../lib/siprec/media/index.js';
import { freePorts } from '../../interop/lib/ports.js';

function sock(): Promise<Socket & { got: Buffer[] }> {
  const s = createSocket('udp4') as Socket & { got: Buffer[] };
  s.got = [];
  s.on('message', (m) => s.got.push(m));
  return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s)));
}
const send = (s: Socket, data: Buffer, port: number) => new Promise<void>((r) => s.send(data, port, '127.0.0.1', () => r()));
const rtp = (pt: number, seq: number) => Buffer.from([0x80, pt, 0, seq, 0, 0, 0, 160, 1, 2, 3, 4, 0xff, 0xff]);
const until = async (c: () => boolean) => { for (let i = 0; i < 100 && !c(); i++) await new Promise((r) => setTimeout(r, 10)); return c(); };

t.test('relays RTP both ways unchanged, latching to the real source', async (t) => {
  const base = await freePorts(1);
  const relay = await RtpRelay.open({ address: '127.0.0.1', allocator: new PortAllocator({ min: base, max: base + 20 }) });
  t.teardown(() => relay.close());
  const [a, b, bReal] = await Promise.all([sock(), sock(), sock()]);
  t.teardown(() => { a.close(); b.close(); bReal.close(); });
  const tapped: string[] = [];
  relay.tap = (from, kind, data) => tapped.push(`${from}:${kind}:${data[1] & 0x7f}`);
  const port = (s: Socket) => s.address().port;
  relay.a.setSignalled({ address: '127.0.0.1', rtpPort: port(a), rtcpPort: port(a) + 1, rtcpMux: false, direction: 'sendrecv', hold: false, codecs: [] });
  relay.b.setSignalled({ address: '127.0.0.1', rtpPort: port(b), rtcpPort: port(b) + 1, rtcpMux: false, direction: 'sendrecv', hold: false, codecs: [] });
  t.equal(relay.a.local.rtpPort % 2, 0, 'even RTP port');
  t.equal(relay.a.local.rtcpPort, relay.a.local.rtpPort + 1, 'RTCP on +1');

  await send(a, rtp(0, 1), relay.a.local.rtpPort);
  t.ok(await until(() => b.got.length === 1), 'a → b to the signalled address before latching');
  t.same(b.got[0], rtp(0, 1), 'unchanged');
  await send(bReal, rtp(101, 2), relay.b.local.rtpPort); // b is behind a NAT: it sends from elsewhere
  t.ok(await until(() => a.got.length === 1), 'b → a');
  t.equal(relay.b.latched, true);
  await send(a, rtp(0, 3), relay.a.local.rtpPort);
  t.ok(await until(() => bReal.got.length === 1), 'a → b now goes where b\'s packets come from');
  t.equal(b.got.length, 1, 'not to the signalled address any more');
  t.same(tapped, ['a:rtp:0', 'b:rtp:101', 'a:rtp:0'], 'the tap saw every datagram');
});

t.test('RTCP: on port + 1, latched separately; muxed RTCP recognised and sent on the RTP port', async (t) => {
  const base = await freePorts(1);
  const relay = await RtpRelay.open({ address: '127.0.0.1', allocator: new PortAllocator({ min: base, max: base + 20 }) });
  t.teardown(() => relay.close());
  const [a, b] = await Promise.all([sock(), sock()]);
  t.teardown(() => { a.close(); b.close(); });
  const port = (s: Socket) => s.address().port;
  const kinds: string[] = [];
  relay.tap = (from, kind) => kinds.push(`${from}:${kind}`);
  relay.b.setSignalled({ address: '127.0.0.1', rtpPort: port(b) - 1, rtcpPort: port(b), rtcpMux: false, direction: 'sendrecv', hold: false, codecs: [] });
  const rr = buildRtcpRr(7);
  await send(a, rr, relay.a.local.rtcpPort);
  t.ok(await until(() => b.got.length === 1), 'RTCP from a\'s RTCP port went to b\'s RTCP address');
  relay.b.rtcpMux = true;
  relay.b.setSignalled({ address: '127.0.0.1', rtpPort: port(b), rtcpPort: port(b) + 1, rtcpMux: true, direction: 'sendrecv', hold: false, codecs: [] });
  await send(a, rr, relay.a.local.rtpPort); // muxed on a's RTP port
  t.ok(await until(() => b.got.length === 2), 'muxed RTCP went to b\'s RTP port');
  t.same(kinds, ['a:rtcp', 'a:rtcp'], 'both seen as RTCP (RFC 5761 §4)');
  t.equal(relay.a.stats.rtcpIn, 2);
  t.equal(relay.a.stats.rtpIn, 0);
});
