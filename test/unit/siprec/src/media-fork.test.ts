import t from 'tap';
import { parseRtcp, parseRtp, PortAllocator, RtpEndpoint, syntheticCall, type RtpPacket } from '../../../../lib/siprec/media/index.js';
import { MediaFork } from '../../../../lib/siprec/src/media-fork.js';
import { EndpointPool } from '../../../../lib/siprec/src/endpoint-pool.js';

async function sink() {
  const ep = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  const rtcp = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  const got: RtpPacket[] = [];
  const rtcpGot: Buffer[] = [];
  ep.onPacket((d) => got.push(parseRtp(d)));
  rtcp.onPacket((d) => rtcpGot.push(d));
  return { ep, rtcp, got, rtcpGot, close: async () => { await ep.close(); await rtcp.close(); } };
}

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

t.test('fork: own SSRC, continuous sequence across a CS source change, RTCP SR/SDES/BYE, pause, refused', async (t) => {
  const alloc = new PortAllocator({ min: 41000, max: 41099 });
  const fork = new MediaFork({ pool: new EndpointPool('127.0.0.1', alloc, 0), cname: 'src@test', rtcpIntervalMs: 50 });
  const p1 = await fork.add('1');
  const p2 = await fork.add('2');
  t.ok(p1 % 2 === 0 && p2 % 2 === 0 && p1 !== p2, 'even local ports');
  t.equal(await fork.add('1'), p1, 'add is idempotent');
  const s = await sink();
  t.teardown(() => s.close());
  fork.setTarget('1', { rtp: s.ep.local, rtcp: s.rtcp.local });
  fork.setTarget('2', undefined);
  const pkts: RtpPacket[] = [];
  for await (const p of syntheticCall({ durationMs: 400 })) if (p.party === 0) pkts.push(p.packet);
  const half = pkts.length / 2;
  for (let i = 0; i < half; i++) t.ok(fork.forward('1', pkts[i]), 'sent');
  // The CS changes source (new SSRC, new sequence space), as after a transfer.
  for (let i = half; i < pkts.length; i++) fork.forward('1', { ...pkts[i], ssrc: 999, sequenceNumber: (5000 + i) & 0xffff });
  t.notOk(fork.forward('2', pkts[0]), 'refused stream: not sent');
  t.notOk(fork.forward('nope', pkts[0]), 'unknown label');
  await settle(150);
  t.equal(s.got.length, pkts.length);
  const ssrcs = new Set(s.got.map((p) => p.ssrc));
  t.equal(ssrcs.size, 1, 'one outgoing SSRC');
  t.not([...ssrcs][0], pkts[0].ssrc, 'not the CS SSRC');
  for (let i = 1; i < s.got.length; i++) t.equal(s.got[i].sequenceNumber, (s.got[i - 1].sequenceNumber + 1) & 0xffff);
  t.ok(s.got[half].marker, 'source change marked');
  const rtcp = s.rtcpGot.flatMap((b) => parseRtcp(b));
  t.ok(rtcp.some((p) => p.type === 'sr'), 'sender report');
  t.ok(rtcp.some((p) => p.type === 'sdes'), 'CNAME');
  fork.setPaused(true);
  t.notOk(fork.forward('1', pkts[0]), 'paused: not sent');
  fork.setPaused(false);
  t.ok(fork.forward('1', pkts[1]));
  t.same(fork.packetsSent(), { 1: pkts.length + 1, 2: 0 });
  await fork.close();
  await settle();
  t.ok(s.rtcpGot.flatMap((b) => parseRtcp(b)).some((p) => p.type === 'bye'), 'RTCP BYE on close');
  t.equal(alloc.inUse, 0, 'ports released');
});

t.test('endpoint pool: the ports of a finished fork serve the next one; bounded; closed at the end', async (t) => {
  const alloc = new PortAllocator({ min: 41100, max: 41199 });
  const pool = new EndpointPool('127.0.0.1', alloc, 1);
  const f1 = new MediaFork({ pool, cname: 'c', rtcpIntervalMs: 0 });
  const a = await f1.add('1');
  const b = await f1.add('2');
  await f1.close();
  t.equal(pool.size, 1, 'one kept (max 1), the other closed');
  t.equal(alloc.inUse, 1);
  const f2 = new MediaFork({ pool, cname: 'c', rtcpIntervalMs: 0 });
  const c = await f2.add('x');
  t.ok(c === a || c === b, 'reused a bound port');
  t.equal(pool.size, 0);
  await f2.close();
  await pool.close();
  t.equal(pool.size, 0);
  t.equal(alloc.inUse, 0, 'every port released');
});
