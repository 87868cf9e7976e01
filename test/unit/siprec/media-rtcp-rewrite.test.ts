import t from 'tap';
import {
  buildRtcpBye, buildRtcpRr, buildRtcpSdesCname, buildRtcpSr, MediaError, parseRtcp, RtcpType, RtpStreamRewriter,
  syntheticCall, type ReportBlock, type RtcpSenderReport, type RtpPacket,
} from '../../../lib/siprec/media/index.js';
import { RtcpSsrcMap, rewriteRtcp, type SsrcMapping } from '../../../lib/siprec/media/rtcp-rewrite.js';

const A = 0x11111111; // caller's CS SSRC (recorded as stream 1)
const B = 0x22222222; // callee's CS SSRC (recorded as stream 2)
const C = 0x33333333; // a source the SRC never forwarded
const maps = new Map<number, SsrcMapping>([
  [A, { ssrc: 0xaaaa0001, seqOffset: 1000, tsOffset: 0xfffffff0 }],
  [B, { ssrc: 0xbbbb0002, seqOffset: 0xfff0, tsOffset: 160 }],
]);
const map = (s: number) => maps.get(s);

function block(ssrc: number, highestSeq: number): ReportBlock {
  return { ssrc, fractionLost: 12, cumulativeLost: -3, highestSeq, jitter: 77, lastSr: 0x12345678, delaySinceLastSr: 0x10000 };
}

t.test('SR: sender SSRC and timestamp mapped (with wrap), NTP kept, counts replaced; blocks mapped or left out', async (t) => {
  const ntp = { seconds: 3900000000, fraction: 123456 };
  const sr = buildRtcpSr({ ssrc: A, ntp, rtpTimestamp: 0x20, packetCount: 999, octetCount: 159840, reports: [block(B, 0x0001fff8), block(C, 5)] });
  const r = rewriteRtcp(Buffer.concat([sr, buildRtcpSdesCname(A, 'alice@cs')]), { map, senderCounts: (s) => (s === 0xaaaa0001 ? { packets: 10, octets: 1600 } : undefined) });
  t.ok(r.data);
  t.same(r.types, [RtcpType.SR, RtcpType.SDES]);
  t.equal(r.dropped, 1, 'the block on the unknown source');
  const [p, s] = parseRtcp(r.data!);
  const out = p as RtcpSenderReport;
  t.equal(out.ssrc, 0xaaaa0001, 'sender SSRC rewritten');
  t.equal(out.rtpTimestamp, (0x20 + 0xfffffff0) % 2 ** 32, 'timestamp moved by the RTP offset, mod 2^32');
  t.same(out.ntp, ntp, 'NTP of the CS sender kept');
  t.equal(out.packetCount, 10);
  t.equal(out.octetCount, 1600);
  t.equal(out.reports.length, 1);
  t.equal(out.reports[0].ssrc, 0xbbbb0002, 'block SSRC rewritten');
  t.equal(out.reports[0].highestSeq, 0x0001fff8 + 0xfff0, 'extended highest seq moved, carry into the cycle count');
  t.equal(out.reports[0].jitter, 77);
  t.equal(out.reports[0].lastSr, 0x12345678);
  t.equal(out.reports[0].cumulativeLost, -3);
  t.same(s, { type: 'sdes', chunks: [{ ssrc: 0xaaaa0001, cname: 'alice@cs' }] });
});

t.test('SR counts kept without senderCounts; RR reporter mapped', async (t) => {
  const sr = buildRtcpSr({ ssrc: B, ntp: { seconds: 1, fraction: 2 }, rtpTimestamp: 5, packetCount: 7, octetCount: 8 });
  const out = parseRtcp(rewriteRtcp(sr, { map }).data!)[0] as RtcpSenderReport;
  t.equal(out.packetCount, 7);
  t.equal(out.octetCount, 8);
  t.equal(out.rtpTimestamp, 165);
  const rr = rewriteRtcp(buildRtcpRr(A, [block(B, 1)]), { map });
  t.same(parseRtcp(rr.data!), [{ type: 'rr', ssrc: 0xaaaa0001, reports: [{ ...block(0xbbbb0002, 1 + 0xfff0) }] }]);
});

t.test('SDES: other items kept byte for byte, unknown chunks left out', async (t) => {
  // One SDES with two chunks: A with CNAME + NAME, C with CNAME.
  const chunkA = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from([1, 3]), Buffer.from('a@x'), Buffer.from([2, 5]), Buffer.from('Alice'), Buffer.from([0, 0, 0, 0])]);
  chunkA.writeUInt32BE(A, 0);
  t.equal(chunkA.length % 4, 0);
  const chunkC = buildRtcpSdesCname(C, 'c@x').subarray(4);
  const sdes = Buffer.concat([Buffer.from([0x82, 202, 0, 0]), chunkA, chunkC]);
  sdes.writeUInt16BE(sdes.length / 4 - 1, 2);
  const rr = buildRtcpRr(A);
  const r = rewriteRtcp(Buffer.concat([rr, sdes]), { map });
  t.equal(r.dropped, 1);
  const out = r.data!.subarray(rr.length);
  t.equal(out[0] & 0x1f, 1, 'one chunk left');
  t.equal(out.readUInt32BE(4), 0xaaaa0001);
  t.same(out.subarray(8), chunkA.subarray(4), 'items as they were (NAME included)');
});

t.test('BYE: sources mapped, unknown left out, reason kept; dropBye leaves it out', async (t) => {
  const pkt = Buffer.concat([buildRtcpRr(A), buildRtcpBye([A, C, B], 'moving on')]);
  const r = rewriteRtcp(pkt, { map });
  const bye = parseRtcp(r.data!)[1];
  t.same(bye, { type: 'bye', ssrcs: [0xaaaa0001, 0xbbbb0002], reason: 'moving on' });
  const d = rewriteRtcp(pkt, { map, dropBye: true });
  t.same(d.types, [RtcpType.RR]);
});

t.test('unknown sender, APP, padding, malformed', async (t) => {
  // The SR of a source never forwarded: the compound would start with SDES, so nothing goes.
  const r = rewriteRtcp(Buffer.concat([buildRtcpSr({ ssrc: C, ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 1, packetCount: 1, octetCount: 1 }), buildRtcpSdesCname(A, 'a')]), { map });
  t.equal(r.data, undefined);
  // APP (204) is dropped; a padded RR is relayed without its padding.
  const app = Buffer.from([0x80, 204, 0, 2, 0x11, 0x11, 0x11, 0x11, 0x41, 0x42, 0x43, 0x44]);
  const padded = Buffer.concat([buildRtcpRr(A), Buffer.from([0, 0, 0, 4])]);
  padded[0] |= 0x20;
  padded.writeUInt16BE(padded.length / 4 - 1, 2);
  const p = rewriteRtcp(Buffer.concat([app.subarray(0, 0), padded, app]), { map });
  t.same(p.types, [RtcpType.RR]);
  t.equal(p.data!.length, 8);
  t.equal(p.data![0] & 0x20, 0, 'no padding bit');
  t.throws(() => rewriteRtcp(Buffer.from([0x80, 200]), { map }), MediaError);
  t.throws(() => rewriteRtcp(Buffer.from([0x40, 201, 0, 1, 0, 0, 0, 0]), { map }), MediaError);
  t.throws(() => rewriteRtcp(Buffer.from([0x81, 201, 0, 1, 0, 0, 0, 0]), { map }), MediaError, 'block past the packet');
});

t.test('RtcpSsrcMap learns the offsets RtpStreamRewriter applies, across a source change', async (t) => {
  const rw = new RtpStreamRewriter({ ssrc: 0x5eed, initialSequence: 65530, initialTimestamp: 2 ** 32 - 400 });
  const m = new RtcpSsrcMap();
  const pkts: RtpPacket[] = [];
  for await (const p of syntheticCall({ durationMs: 200 })) if (p.party === 0) pkts.push(p.packet);
  let now = 1000;
  const check = (cs: RtpPacket): void => {
    const out = rw.rewrite(cs, now += 20);
    m.learn(cs, out);
    const g = m.get(cs.ssrc)!;
    t.equal(g.ssrc, 0x5eed);
    t.equal((cs.timestamp + g.tsOffset) % 2 ** 32, out.timestamp, 'timestamp offset reproduces the RTP');
    t.equal((cs.sequenceNumber + g.seqOffset) & 0xffff, out.sequenceNumber, 'sequence offset reproduces the RTP');
  };
  for (const p of pkts.slice(0, 5)) check(p);
  for (const p of pkts.slice(5)) check({ ...p, ssrc: 4242, timestamp: (p.timestamp + 123456) >>> 0 });
  t.equal(m.size, 2);
  const small = new RtcpSsrcMap(2);
  for (const s of [1, 2, 3]) small.learn({ ssrc: s, sequenceNumber: 0, timestamp: 0 }, { ssrc: 9, sequenceNumber: 0, timestamp: 0 });
  t.equal(small.get(1), undefined, 'oldest forgotten');
  t.ok(small.get(3));
});
