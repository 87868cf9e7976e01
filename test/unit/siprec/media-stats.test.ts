import t from 'tap';
import {
  buildRtcpRr, buildRtcpSr, ntpFromUnixMs, ntpMiddle32, parseRtcp, RtpReceptionStats, RtpStreamRewriter, RtpWallClock,
  type RtcpSenderReport, type RtpPacket,
} from '../../../lib/siprec/media/index.js';

const info = (seq: number, ts: number, ssrc = 7) => ({ sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc });

t.test('in-order stream: nothing lost, zero jitter with perfect pacing', async (t) => {
  const s = new RtpReceptionStats();
  for (let i = 0; i < 50; i++) t.ok(s.update(info(1000 + i, 160 * i), 20 * i) || true);
  t.equal(s.received, 50);
  t.equal(s.expected, 50);
  t.equal(s.cumulativeLost, 0);
  t.equal(s.extendedHighestSeq, 1049);
  t.equal(s.jitter, 0);
  const rb = s.reportBlock(1000);
  t.same(rb, { ssrc: 7, fractionLost: 0, cumulativeLost: 0, highestSeq: 1049, jitter: 0, lastSr: 0, delaySinceLastSr: 0 });
});

t.test('loss fraction per interval and cumulative loss (RFC 3550 A.3)', async (t) => {
  const s = new RtpReceptionStats();
  for (let i = 0; i < 100; i++) if (i % 4 !== 3) s.update(info(i, 160 * i), 20 * i); // 25 % lost
  const first = s.reportBlock(2000);
  t.equal(s.expected, 99, 'highest received is 98');
  t.equal(first.cumulativeLost, 99 - 75);
  t.equal(first.fractionLost, Math.floor((24 * 256) / 99));
  for (let i = 100; i < 200; i++) s.update(info(i, 160 * i), 20 * i); // only 99 (from before) missing
  const second = s.reportBlock(4000);
  t.equal(second.fractionLost, Math.floor(256 / 101), 'fraction covers only the new interval');
  t.equal(second.cumulativeLost, 25);
  for (let i = 200; i < 250; i++) s.update(info(i, 160 * i), 20 * i);
  t.equal(s.reportBlock(5000).fractionLost, 0, 'clean interval');
});

t.test('sequence wrap counts cycles; duplicates and reordering are tolerated', async (t) => {
  const s = new RtpReceptionStats();
  for (let i = 0; i < 10; i++) s.update(info(0xfffa + i, 160 * i), 20 * i);
  t.equal(s.extendedHighestSeq, 0x10000 + 3);
  t.equal(s.expected, 10);
  s.update(info(2, 160 * 8), 200); // duplicate of an earlier one
  s.update(info(0xfffe, 0), 210); // reordered, far behind
  t.equal(s.received, 12);
  t.equal(s.cumulativeLost, -2, 'duplicates make loss negative, as RFC 3550 §6.4.1 allows');
  t.equal(s.extendedHighestSeq, 0x10003, 'highest unchanged');
});

t.test('a sequence restart needs two packets (RFC 3550 A.1 bad_seq)', async (t) => {
  const s = new RtpReceptionStats();
  for (let i = 0; i < 5; i++) s.update(info(100 + i, 160 * i), 20 * i);
  t.equal(s.update(info(30000, 0), 100), false, 'first jump ignored');
  t.equal(s.received, 5);
  t.equal(s.update(info(30001, 160), 120), true, 'second in the new sequence restarts');
  t.equal(s.received, 1);
  t.equal(s.expected, 1);
  t.equal(s.extendedHighestSeq, 30001);
});

t.test('jitter follows RFC 3550 A.8', async (t) => {
  const s = new RtpReceptionStats();
  // Alternating ±5 ms arrival error: |D| = 10 ms = 80 ticks except the first step.
  let expected = 0;
  let prevTransit: number | undefined;
  for (let i = 0; i < 200; i++) {
    const arrival = 20 * i + (i % 2 ? 5 : -5) + 100;
    s.update(info(i, 160 * i), arrival);
    const transit = arrival * 8 - 160 * i;
    if (prevTransit !== undefined) expected += (Math.abs(transit - prevTransit) - expected) / 16;
    prevTransit = transit;
  }
  t.equal(s.jitter, Math.floor(expected));
  t.ok(s.jitter > 70 && s.jitter <= 80, `converges near 80 ticks (${s.jitter})`);
  const other = new RtpReceptionStats();
  other.update(info(1, 0xffffff60), 0);
  other.update(info(2, 0x00000000), 20);
  t.equal(other.jitter, 0, 'timestamp wrap is not jitter');
});

t.test('LSR/DLSR from the last SR; new SSRC resets everything', async (t) => {
  const s = new RtpReceptionStats();
  s.update(info(1, 0), 0);
  const ntp = ntpFromUnixMs(1.7e12);
  const sr = parseRtcp(buildRtcpSr({ ssrc: 7, ntp, rtpTimestamp: 0, packetCount: 1, octetCount: 160 }))[0] as RtcpSenderReport;
  s.onSenderReport(sr, 5000);
  const rb = s.reportBlock(5500);
  t.equal(rb.lastSr, ntpMiddle32(ntp));
  t.equal(rb.delaySinceLastSr, 32768, '0.5 s in 1/65536 s');
  const rr = parseRtcp(buildRtcpRr(99, [rb]))[0];
  t.same(rr, { type: 'rr', ssrc: 99, reports: [rb] }, 'block travels in an RR');
  s.update(info(500, 0, 8), 6000);
  t.equal(s.source, 8);
  t.equal(s.received, 1);
  t.equal(s.reportBlock(6000).lastSr, 0);
});

t.test('sender info from the rewriter maps to the wall clock at the receiver', async (t) => {
  const rw = new RtpStreamRewriter({ ssrc: 42, initialTimestamp: 1000, initialSequence: 1 });
  const p: RtpPacket = { marker: false, payloadType: 0, sequenceNumber: 5, timestamp: 77, ssrc: 3, csrcs: [], payload: Buffer.alloc(160) };
  const t0 = 1.7e12;
  rw.rewrite(p, t0);
  rw.rewrite({ ...p, sequenceNumber: 6, timestamp: 237 }, t0 + 20);
  const si = rw.senderInfo(t0 + 120);
  t.equal(si.ssrc, 42);
  t.equal(si.rtpTimestamp, 1160 + 800, 'last ts + 100 ms of ticks');
  t.equal(si.packetCount, 2);
  t.equal(si.octetCount, 320);
  const sr = parseRtcp(buildRtcpSr(si))[0] as RtcpSenderReport;
  const clock = new RtpWallClock();
  t.equal(clock.synced, false);
  t.equal(clock.toUnixMs(1000), undefined);
  clock.update(sr);
  t.ok(clock.synced);
  t.ok(Math.abs(clock.toUnixMs(1000)! - t0) < 0.01, 'first packet placed at its send time');
  t.ok(Math.abs(clock.toUnixMs(1160 + 8000)! - (t0 + 1020)) < 0.01, 'later timestamps too');
  const wrapClock = new RtpWallClock();
  wrapClock.update({ ...sr, rtpTimestamp: 0xffffff00 });
  t.ok(Math.abs(wrapClock.toUnixMs(0x100)! - (wrapClock.toUnixMs(0xffffff00)! + 64)) < 0.01, 'across the 32-bit wrap');
  t.equal(new RtpStreamRewriter({ initialTimestamp: 5 }).senderInfo(0).rtpTimestamp, 5, 'before any packet');
});
