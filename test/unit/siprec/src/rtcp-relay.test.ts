import t from 'tap';
import {
  buildRtcpBye, buildRtcpSdesCname, buildRtcpSr, parseRtcp, parseRtp, PortAllocator, RtpEndpoint, syntheticCall,
  type RtcpPacket, type RtcpSenderReport, type RtpPacket,
} from '../../../../lib/siprec/media/index.js';
import { MediaFork } from '../../../../lib/siprec/src/media-fork.js';
import { EndpointPool } from '../../../../lib/siprec/src/endpoint-pool.js';

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 5 ms until it holds (at most 5 s): datagrams on loopback arrive when the loop gets to them. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 5000; !cond(); await settle(5)) if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
}

async function sink() {
  const ep = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  const rtcp = await RtpEndpoint.bind({ address: '127.0.0.1', port: 0 });
  const got: RtpPacket[] = [];
  const rtcpGot: Buffer[] = [];
  ep.onPacket((d) => got.push(parseRtp(d)));
  rtcp.onPacket((d) => rtcpGot.push(Buffer.from(d)));
  return { ep, rtcp, got, rtcpGot, close: async () => { await ep.close(); await rtcp.close(); } };
}

async function callPackets(): Promise<[RtpPacket[], RtpPacket[]]> {
  const a: RtpPacket[] = [];
  const b: RtpPacket[] = [];
  for await (const p of syntheticCall({ durationMs: 200 })) (p.party === 0 ? a : b).push(p.packet);
  return [a, b];
}

t.test('relay: the call\'s SR goes out on the stream\'s SSRC, its timestamp moved like the RTP, blocks on the other stream\'s SSRC, no CS BYE', async (t) => {
  const alloc = new PortAllocator({ min: 41200, max: 41299 });
  // Own reports every 40 ms so the test sees them stand down while the call's RTCP is relayed.
  const fork = new MediaFork({ pool: new EndpointPool('127.0.0.1', alloc, 0), cname: 'src@test', rtcpIntervalMs: 40 });
  await fork.add('1');
  await fork.add('2');
  const s1 = await sink();
  const s2 = await sink();
  t.teardown(async () => { await s1.close(); await s2.close(); });
  fork.setTarget('1', { rtp: s1.ep.local, rtcp: s1.rtcp.local });
  fork.setTarget('2', { rtp: s2.ep.local, rtcp: s2.rtcp.local });
  const [alice, bob] = await callPackets();
  t.equal(fork.relayRtcp('1', buildRtcpSr({ ssrc: alice[0].ssrc, ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 0, packetCount: 0, octetCount: 0 })), false,
    'nothing relayed before the source was seen in the RTP');
  for (const p of alice) fork.forward('1', p);
  for (const p of bob) fork.forward('2', p);
  await until(() => s1.got.length === alice.length && s2.got.length === bob.length, 'all the RTP arrived');
  const out1 = s1.got[0];
  const tsOffset = (out1.timestamp - alice[0].timestamp) >>> 0;
  const seqOffsetBob = (s2.got[0].sequenceNumber - bob[0].sequenceNumber) & 0xffff;
  s1.rtcpGot.length = 0;
  s2.rtcpGot.length = 0;
  const csTs = (alice.at(-1)!.timestamp + 80) >>> 0;
  const ntp = { seconds: 3_950_000_000, fraction: 0x40000000 };
  const compound = Buffer.concat([
    buildRtcpSr({
      ssrc: alice[0].ssrc, ntp, rtpTimestamp: csTs, packetCount: 5000, octetCount: 800000,
      reports: [{ ssrc: bob[0].ssrc, fractionLost: 3, cumulativeLost: 7, highestSeq: bob.at(-1)!.sequenceNumber, jitter: 11, lastSr: 1, delaySinceLastSr: 2 }],
    }),
    buildRtcpSdesCname(alice[0].ssrc, 'alice@cs.example'),
    buildRtcpBye([alice[0].ssrc]),
  ]);
  t.ok(fork.relayRtcp('1', compound), 'relayed');
  // eight more, 20 ms apart: a count, not a time window (a loaded machine runs fewer intervals)
  for (let i = 0; i < 8; i++) {
    await settle(20);
    fork.relayRtcp('1', compound);
  }
  const f1 = fork.get('1')!;
  const f2 = fork.get('2')!;
  const relayedIn = () => s1.rtcpGot.filter((b) => (parseRtcp(b)[1] as { chunks?: { cname?: string }[] }).chunks?.[0]?.cname === 'alice@cs.example').length;
  await until(() => relayedIn() === f1.stats.rtcpRelayed, 'every relayed report arrived');
  // An own report may have been on its way when the first relayed one went.
  const got: RtcpPacket[][] = s1.rtcpGot.map((b) => parseRtcp(b)).filter((g) => g.length !== 2 || (g[1] as { chunks?: { cname?: string }[] }).chunks?.[0]?.cname !== 'src@test');
  t.ok(got.length >= 5, 'relayed datagrams arrived');
  for (const g of got) {
    const sr = g[0] as RtcpSenderReport;
    t.equal(sr.type, 'sr', 'only relayed SRs while fed: the own reports stood down');
    t.equal(sr.ssrc, f1.ssrc, 'sender SSRC = the stream\'s outgoing SSRC');
    t.equal(sr.rtpTimestamp, (csTs + tsOffset) >>> 0, 'RTP timestamp moved by the offset the RTP got');
    t.same(sr.ntp, ntp, 'the CS sender\'s NTP time');
    t.equal(sr.packetCount, alice.length, 'count of what the SRC sent');
    t.equal(sr.reports.length, 1);
    t.equal(sr.reports[0].ssrc, f2.ssrc, 'the block names stream 2\'s outgoing SSRC');
    t.equal(sr.reports[0].highestSeq & 0xffff, s2.got.at(-1)!.sequenceNumber, 'in stream 2\'s sequence space');
    t.equal((bob.at(-1)!.sequenceNumber + seqOffsetBob) & 0xffff, s2.got.at(-1)!.sequenceNumber);
    t.same(g[1], { type: 'sdes', chunks: [{ ssrc: f1.ssrc, cname: 'alice@cs.example' }] }, 'the CS CNAME on the outgoing SSRC');
    t.notOk(g.some((p) => p.type === 'bye'), 'no CS BYE');
  }
  t.ok(s2.rtcpGot.some((b) => parseRtcp(b)[0].type === 'sr'), 'stream 2, not fed, keeps its own SRs');
  t.equal(f1.stats.rtcpRelayed, got.length);
  // Fed no more: after three intervals the own SRs come back.
  s1.rtcpGot.length = 0;
  const ownSr = () => s1.rtcpGot.map((b) => parseRtcp(b)).some((g) => g[0].type === 'sr' && (g[1] as { chunks: { cname?: string }[] }).chunks[0].cname === 'src@test');
  await until(ownSr, 'an own SR came back');
  t.ok(ownSr(), 'own SR + SDES again');
  // Paused: not relayed.
  fork.setPaused(true);
  t.equal(fork.relayRtcp('1', compound), false);
  fork.setPaused(false);
  t.equal(fork.relayRtcp('x', compound), false, 'unknown label');
  t.equal(fork.relayRtcp('1', Buffer.from([1, 2, 3])), false, 'malformed');
  await fork.close();
  t.equal(alloc.inUse, 0);
});

t.test("'own' mode: the call's RTCP is not relayed; the close after relaying leads the BYE with an RR", async (t) => {
  const alloc = new PortAllocator({ min: 41300, max: 41399 });
  const own = new MediaFork({ pool: new EndpointPool('127.0.0.1', alloc, 0), cname: 'src@test', rtcpIntervalMs: 0, rtcp: 'own' });
  await own.add('1');
  const s = await sink();
  t.teardown(() => s.close());
  own.setTarget('1', { rtp: s.ep.local, rtcp: s.rtcp.local });
  const [alice] = await callPackets();
  for (const p of alice) own.forward('1', p);
  t.equal(own.relayRtcp('1', buildRtcpSr({ ssrc: alice[0].ssrc, ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 0, packetCount: 0, octetCount: 0 })), false);
  t.equal(own.get('1')!.stats.rtcpNotRelayed, 1);
  await own.close();

  const relay = new MediaFork({ pool: new EndpointPool('127.0.0.1', alloc, 0), cname: 'src@test', rtcpIntervalMs: 0 });
  await relay.add('1');
  relay.setTarget('1', { rtp: s.ep.local, rtcp: s.rtcp.local });
  for (const p of alice) relay.forward('1', p);
  t.ok(relay.relayRtcp('1', Buffer.concat([buildRtcpSr({ ssrc: alice[0].ssrc, ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 0, packetCount: 0, octetCount: 0 }), buildRtcpBye([alice[0].ssrc])])));
  const ssrc = relay.get('1')!.ssrc;
  await relay.close();
  // the first fork's own closing BYE (another SSRC) may still be on its way: wait for this one's
  const byeOf = (b: Buffer): boolean => parseRtcp(b).some((p) => p.type === 'bye' && (p as { ssrcs: number[] }).ssrcs[0] === ssrc);
  await until(() => s.rtcpGot.some(byeOf), 'the closing BYE arrived');
  const last = parseRtcp(s.rtcpGot.find(byeOf)!);
  t.same(last.map((p) => p.type), ['rr', 'bye'], 'RR + BYE: no second NTP mapping');
  t.equal((last[1] as { ssrcs: number[] }).ssrcs[0], ssrc);
  t.equal(alloc.inUse, 0);
});
