import { createSocket } from 'node:dgram';
import t from 'tap';
import { MediaError, MediaErrorCode, PortAllocator, RtpEndpoint } from '../../../lib/siprec/media/index.js';
import { expectError, within } from './helpers.js';

t.test('PortAllocator: even ports, RTCP room, round robin, exhaustion', async (t) => {
  const a = new PortAllocator({ min: 40001, max: 40010 });
  t.equal(a.min, 40002);
  t.equal(a.maxRtp, 40008, 'last RTP port leaves room for RTCP ≤ max');
  t.equal(a.capacity, 4);
  const ports = [a.allocate(), a.allocate(), a.allocate(), a.allocate()];
  t.same(ports, [40002, 40004, 40006, 40008]);
  t.equal(a.available, 0);
  expectError(t, () => a.allocate(), MediaError, MediaErrorCode.PortsExhausted, 'exhausted');
  a.release(40004);
  a.release(12345);
  t.equal(a.inUse, 3);
  t.equal(a.allocate(), 40004);
  a.release(40002);
  a.release(40006);
  t.equal(a.allocate(), 40006, 'round robin: the next free after the last handed out');
  t.ok(a.isAllocated(40006));
  t.notOk(a.isAllocated(40002));
  t.throws(() => new PortAllocator({ min: 100, max: 200 }), RangeError);
  t.throws(() => new PortAllocator({ min: 5000, max: 5000 }), RangeError);
  t.equal(new PortAllocator().capacity, 5000);
});

t.test('RtpEndpoint: IPv4 send/receive with stats and RTCP pair', async (t) => {
  const a = await RtpEndpoint.bind();
  const b = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  t.teardown(async () => { await a.close(); await b.close(); });
  const got: Buffer[] = [];
  const done = new Promise<void>((resolve) => b.onPacket((d, from) => {
    got.push(d);
    t.equal(from.port, a.local.port);
    if (got.length === 3) resolve();
  }));
  a.setRemote(b.local);
  for (let i = 0; i < 3; i++) await a.send(Buffer.from([0x80, 0, 0, i]));
  await within(done, 2000);
  t.same(got.map((g) => g[3]), [0, 1, 2]);
  t.same({ p: a.stats.packetsSent, b: a.stats.bytesSent }, { p: 3, b: 12 });
  t.same({ p: b.stats.packetsReceived, b: b.stats.bytesReceived }, { p: 3, b: 12 });
  t.equal(a.localRtcp, undefined);
});

t.test('RtpEndpoint: RTCP on port + 1, IPv6, closed endpoint', async (t) => {
  const alloc = new PortAllocator({ min: 42000, max: 42099 });
  const srs = await RtpEndpoint.bindFromAllocator(alloc);
  const src = await RtpEndpoint.bind({ address: '127.0.0.1', remote: srs.local });
  t.equal(srs.local.port % 2, 0);
  t.equal(srs.localRtcp?.port, srs.local.port + 1);
  t.ok(alloc.isAllocated(srs.local.port));
  const rtcp = new Promise<Buffer>((resolve) => srs.onRtcp((d) => resolve(d)));
  await src.sendRtcp(Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 9]));
  const d = await within(rtcp, 2000);
  t.equal(d[1], 201);
  t.equal(srs.stats.rtcpReceived, 1);
  t.equal(src.stats.rtcpSent, 1);
  await srs.close();
  await srs.close();
  t.notOk(alloc.isAllocated(srs.local.port));
  t.equal(alloc.inUse, 0, 'port released on close');
  await src.close();
  await t.rejects(src.send(Buffer.from([1])), { code: MediaErrorCode.Closed });
  const lonely = await RtpEndpoint.bind();
  await t.rejects(lonely.send(Buffer.from([1])), RangeError, 'no remote');
  await lonely.close();

  const v6a = await RtpEndpoint.bind({ address: '::1' });
  const v6b = await RtpEndpoint.bind({ address: '::1', remote: v6a.local });
  const got = new Promise<Buffer>((resolve) => v6a.onPacket((x) => resolve(x)));
  await v6b.send(Buffer.from('v6'));
  t.equal((await within(got, 2000)).toString(), 'v6');
  t.equal(v6a.local.address, '::1');
  await v6a.close();
  await v6b.close();
});

t.test('bindFromAllocator skips ports held elsewhere and reports exhaustion', async (t) => {
  let holder = createSocket('udp4');
  await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
  while (holder.address().port > 65000) { // keep room above for the range
    holder.close();
    holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
  }
  t.teardown(() => holder.close());
  const held = holder.address().port;
  const min = held - (held & 1); // the pair (min, min+1) includes the held port
  const alloc = new PortAllocator({ min, max: min + 3 });
  const ep = await RtpEndpoint.bindFromAllocator(alloc);
  t.equal(ep.local.port, min + 2, 'skipped the pair with the busy port');
  t.equal(alloc.inUse, 1, 'the busy port was given back');
  await t.rejects(RtpEndpoint.bindFromAllocator(alloc), { code: MediaErrorCode.PortsExhausted });
  await ep.close();
  await t.rejects(RtpEndpoint.bind({ port: min + 1, rtcp: true }), RangeError, 'odd port refused for a pair');
});

t.test('rtcpMux: RTCP shares the RTP port and is told apart (RFC 5761)', async (t) => {
  const a = await RtpEndpoint.bind({ rtcpMux: true });
  const b = await RtpEndpoint.bind({ rtcpMux: true, remote: a.local });
  t.teardown(async () => { await a.close(); await b.close(); });
  const rtp: Buffer[] = [];
  const rtcp: Buffer[] = [];
  const both = new Promise<void>((resolve) => {
    const check = (): void => { if (rtp.length === 1 && rtcp.length === 1) resolve(); };
    a.onPacket((d) => { rtp.push(d); check(); });
    a.onRtcp((d) => { rtcp.push(d); check(); });
  });
  await b.send(Buffer.from([0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]));
  await b.sendRtcp(Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 1]));
  await within(both, 2000);
  t.equal(rtp[0][1], 0);
  t.equal(rtcp[0][1], 201);
  t.same([a.stats.packetsReceived, a.stats.rtcpReceived], [1, 1]);
  t.equal(a.localRtcp, undefined, 'no second socket');
});

t.test('symmetric RTP: the endpoint answers wherever RTP comes from', async (t) => {
  const srs = await RtpEndpoint.bind({ symmetric: true });
  const src1 = await RtpEndpoint.bind({ remote: srs.local });
  const src2 = await RtpEndpoint.bind({ remote: srs.local });
  t.teardown(async () => { await Promise.all([srs, src1, src2].map((e) => e.close())); });
  t.equal(srs.remoteAddress, undefined);
  const firstIn = new Promise<void>((r) => srs.onPacket(() => r()));
  await src1.send(Buffer.from([0x80, 0, 0, 1]));
  await within(firstIn, 2000);
  t.same(srs.remoteAddress, src1.local, 'learnt from the first packet');
  const back = new Promise<Buffer>((r) => src1.onPacket((d) => r(d)));
  await srs.send(Buffer.from('back'));
  t.equal((await within(back, 2000)).toString(), 'back');
  const moved = new Promise<void>((r) => srs.onPacket(() => r()));
  await src2.send(Buffer.from([0x80, 0, 0, 2])); // the peer's NAT binding changed
  await within(moved, 2000);
  t.same(srs.remoteAddress, src2.local, 'follows the peer');
  const plain = await RtpEndpoint.bind({ remote: src1.local });
  t.teardown(() => plain.close());
  const got = new Promise<void>((r) => plain.onPacket(() => r()));
  await src2.send(Buffer.from([0x80]), plain.local);
  await within(got, 2000);
  t.same(plain.remoteAddress, src1.local, 'without symmetric the remote stays');
});
