import fc from 'fast-check';
import t from 'tap';
import {
  buildRtcpBye, buildRtcpRr, buildRtcpSdesCname, buildRtcpSr, buildRtp, isRtcpPacket, MediaError, MediaErrorCode,
  ntpFromUnixMs, ntpMiddle32, parseRtcp, parseRtp, unixMsFromNtp, type RtpPacket,
} from '../../../lib/siprec/media/index.js';
import { expectError } from './helpers.js';

t.test('RTP: known bytes parse', async (t) => {
  // V=2 P=0 X=0 CC=0 | M=1 PT=0 | seq 0x1234 | ts 0x00000A0B | ssrc 0xDEADBEEF | payload 3 bytes
  const buf = Buffer.from('80801234' + '00000a0b' + 'deadbeef' + 'ff7f00', 'hex');
  const p = parseRtp(buf);
  t.equal(p.marker, true);
  t.equal(p.payloadType, 0);
  t.equal(p.sequenceNumber, 0x1234);
  t.equal(p.timestamp, 0xa0b);
  t.equal(p.ssrc, 0xdeadbeef);
  t.same(p.csrcs, []);
  t.same([...p.payload], [0xff, 0x7f, 0x00]);
  t.equal(p.extension, undefined);
  t.same(buildRtp(p), buf, 'builds back to the same bytes');
});

t.test('RTP: CSRCs, extension and padding', async (t) => {
  const p: RtpPacket = {
    marker: false, payloadType: 8, sequenceNumber: 65535, timestamp: 0xffffffff, ssrc: 1, csrcs: [2, 3],
    extension: { profile: 0xbede, data: Buffer.from([0x10, 0xaa, 0, 0]) }, payload: Buffer.from('hello'), paddingLength: 3,
  };
  const buf = buildRtp(p);
  t.equal(buf[0], 0x80 | 0x20 | 0x10 | 2);
  t.equal(buf.length, 12 + 8 + 8 + 5 + 3);
  t.equal(buf[buf.length - 1], 3);
  const back = parseRtp(buf);
  t.same(back.csrcs, [2, 3]);
  t.equal(back.extension?.profile, 0xbede);
  t.same([...back.extension!.data], [0x10, 0xaa, 0, 0]);
  t.equal(back.payload.toString(), 'hello');
  t.equal(back.paddingLength, 3);
  t.equal(back.timestamp, 0xffffffff);
  t.same(parseRtp(new Uint8Array(buf)).payload.toString(), 'hello', 'plain Uint8Array input');
});

t.test('RTP: typed errors for bad packets', async (t) => {
  expectError(t, () => parseRtp(Buffer.alloc(11, 0x80)), MediaError, MediaErrorCode.PacketTooShort, 'short');
  expectError(t, () => parseRtp(Buffer.from('40000000000000000000000000', 'hex')), MediaError, MediaErrorCode.BadVersion, 'version 1');
  expectError(t, () => parseRtp(Buffer.from('82000000' + '00000000' + '00000000' + '00000001', 'hex')), MediaError, MediaErrorCode.PacketTooShort, 'CSRCs missing');
  expectError(t, () => parseRtp(Buffer.from('90000000' + '00000000' + '00000000' + 'bede0002' + '00000000', 'hex')), MediaError, MediaErrorCode.BadExtension, 'extension too long');
  expectError(t, () => parseRtp(Buffer.from('90000000' + '00000000' + '00000000' + 'bede', 'hex')), MediaError, MediaErrorCode.BadExtension, 'extension header cut');
  expectError(t, () => parseRtp(Buffer.from('a0000000' + '00000000' + '00000000' + 'aabb00', 'hex')), MediaError, MediaErrorCode.BadPadding, 'padding 0');
  expectError(t, () => parseRtp(Buffer.from('a0000000' + '00000000' + '00000000' + 'aabb09', 'hex')), MediaError, MediaErrorCode.BadPadding, 'padding past payload');
  const base: RtpPacket = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], payload: Buffer.alloc(0) };
  expectError(t, () => buildRtp({ ...base, payloadType: 128 }), MediaError, MediaErrorCode.InvalidField, 'PT');
  expectError(t, () => buildRtp({ ...base, sequenceNumber: 70000 }), MediaError, MediaErrorCode.InvalidField, 'seq');
  expectError(t, () => buildRtp({ ...base, timestamp: -1 }), MediaError, MediaErrorCode.InvalidField, 'ts');
  expectError(t, () => buildRtp({ ...base, csrcs: new Array(16).fill(1) }), MediaError, MediaErrorCode.InvalidField, 'csrc count');
  expectError(t, () => buildRtp({ ...base, extension: { profile: 1, data: Buffer.alloc(3) } }), MediaError, MediaErrorCode.InvalidField, 'ext length');
});

t.test('RTP: property round trip', async (t) => {
  const arb = fc.record({
    marker: fc.boolean(), payloadType: fc.integer({ min: 0, max: 127 }), sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }), ssrc: fc.integer({ min: 0, max: 0xffffffff }),
    csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
    payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  });
  fc.assert(fc.property(arb, (p) => {
    const back = parseRtp(buildRtp(p));
    return back.marker === p.marker && back.payloadType === p.payloadType && back.sequenceNumber === p.sequenceNumber &&
      back.timestamp === p.timestamp && back.ssrc === p.ssrc && back.csrcs.join() === p.csrcs.join() && back.payload.equals(p.payload);
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
    try { parseRtp(a); } catch (e) { if (!(e instanceof MediaError)) throw e; }
  }), { numRuns: 500 });
  t.pass('RTP round trip and fuzz');
});

t.test('RTCP: SR with report block, SDES, BYE in one compound packet', async (t) => {
  const ntp = ntpFromUnixMs(Date.parse('2024-05-01T12:00:00.250Z'));
  const sr = buildRtcpSr({
    ssrc: 0x11223344, ntp, rtpTimestamp: 160000, packetCount: 1000, octetCount: 160000,
    reports: [{ ssrc: 0x55667788, fractionLost: 25, cumulativeLost: -3, highestSeq: 70000, jitter: 12, lastSr: 0xabcdef01, delaySinceLastSr: 65536 }],
  });
  t.equal(sr.length, 52);
  t.equal(sr[1], 200);
  t.equal(sr.readUInt16BE(2), 52 / 4 - 1, 'length in words minus one');
  const compound = Buffer.concat([sr, buildRtcpSdesCname(0x11223344, 'src@tsip.example'), buildRtcpBye([0x11223344], 'recording stopped')]);
  t.ok(isRtcpPacket(compound));
  const pkts = parseRtcp(compound);
  t.equal(pkts.length, 3);
  const p0 = pkts[0];
  if (p0.type !== 'sr') throw new Error('expected SR');
  t.equal(p0.ssrc, 0x11223344);
  t.same(p0.ntp, ntp);
  t.equal(p0.rtpTimestamp, 160000);
  t.equal(p0.packetCount, 1000);
  t.same(p0.reports, [{ ssrc: 0x55667788, fractionLost: 25, cumulativeLost: -3, highestSeq: 70000, jitter: 12, lastSr: 0xabcdef01, delaySinceLastSr: 65536 }]);
  t.same(pkts[1], { type: 'sdes', chunks: [{ ssrc: 0x11223344, cname: 'src@tsip.example' }] });
  t.same(pkts[2], { type: 'bye', ssrcs: [0x11223344], reason: 'recording stopped' });
  t.equal(Math.round(unixMsFromNtp(p0.ntp)), Date.parse('2024-05-01T12:00:00.250Z'), 'NTP ↔ wall clock');
});

t.test('RTCP: RR, BYE without reason, unknown types, NTP helpers', async (t) => {
  const rr = buildRtcpRr(7);
  t.same(parseRtcp(rr), [{ type: 'rr', ssrc: 7, reports: [] }]);
  t.same(parseRtcp(buildRtcpBye([1, 2])), [{ type: 'bye', ssrcs: [1, 2] }]);
  const app = Buffer.from('80cc0002' + '00000001' + '41424344', 'hex');
  const parsed = parseRtcp(app);
  t.equal(parsed[0].type, 'other');
  t.ok(!isRtcpPacket(buildRtp({ marker: true, payloadType: 0, sequenceNumber: 1, timestamp: 1, ssrc: 1, csrcs: [], payload: Buffer.alloc(1) })), 'RTP with marker is not RTCP');
  const n = ntpFromUnixMs(0);
  t.same(n, { seconds: 2208988800, fraction: 0 });
  t.equal(ntpMiddle32({ seconds: 0x12345678, fraction: 0x9abcdef0 }), 0x56789abc);
  t.equal(ntpFromUnixMs(1500).fraction, 2 ** 31);
  for (let k = 0; k < 5; k++) {
    const w = 1.7e12 + k * 333.333;
    t.ok(Math.abs(unixMsFromNtp(ntpFromUnixMs(w)) - w) < 0.001);
  }
});

t.test('RTCP: typed errors', async (t) => {
  expectError(t, () => parseRtcp(Buffer.alloc(3)), MediaError, MediaErrorCode.PacketTooShort, 'tiny');
  expectError(t, () => parseRtcp(Buffer.from('40c80000', 'hex')), MediaError, MediaErrorCode.BadVersion, 'version');
  expectError(t, () => parseRtcp(Buffer.from('80c80009' + '00000000', 'hex')), MediaError, MediaErrorCode.BadRtcp, 'length past datagram');
  expectError(t, () => parseRtcp(Buffer.from('81c90001' + '00000001', 'hex')), MediaError, MediaErrorCode.BadRtcp, 'RR block missing');
  expectError(t, () => parseRtcp(Buffer.from('80c80001' + '00000001', 'hex')), MediaError, MediaErrorCode.PacketTooShort, 'SR too short');
  expectError(t, () => parseRtcp(Buffer.concat([buildRtcpRr(1), Buffer.from([0x80])])), MediaError, MediaErrorCode.BadRtcp, 'trailing');
  expectError(t, () => buildRtcpRr(1, new Array(32).fill({ ssrc: 1, fractionLost: 0, cumulativeLost: 0, highestSeq: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 })),
    MediaError, MediaErrorCode.InvalidField, '32 blocks');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (a) => {
    try { parseRtcp(a); } catch (e) { if (!(e instanceof MediaError)) throw e; }
  }), { numRuns: 1000 });
});

t.test('RTCP: property round trip of SR/RR/BYE/SDES compounds', async (t) => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const block = fc.record({
    ssrc: u32, fractionLost: fc.integer({ min: 0, max: 255 }), cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
    highestSeq: u32, jitter: u32, lastSr: u32, delaySinceLastSr: u32,
  });
  const sr = fc.record({ ssrc: u32, ntp: fc.record({ seconds: u32, fraction: u32 }), rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: fc.array(block, { maxLength: 31 }) });
  const cname = fc.string({ maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);
  fc.assert(fc.property(sr, fc.array(block, { maxLength: 5 }), u32, cname, fc.array(u32, { maxLength: 31 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    (s, rrBlocks, rrSsrc, name, byeSsrcs, reason) => {
      const buf = Buffer.concat([buildRtcpSr(s), buildRtcpRr(rrSsrc, rrBlocks), buildRtcpSdesCname(s.ssrc, name), buildRtcpBye(byeSsrcs, reason)]);
      const [a, b, c, d] = parseRtcp(buf);
      const cnameOk = c.type === 'sdes' && c.chunks.length === 1 && c.chunks[0].ssrc === s.ssrc && (c.chunks[0].cname ?? '') === name;
      return JSON.stringify(a) === JSON.stringify({ type: 'sr', ...s }) &&
        JSON.stringify(b) === JSON.stringify({ type: 'rr', ssrc: rrSsrc, reports: rrBlocks }) && cnameOk &&
        (d.type === 'bye' && d.ssrcs.join() === byeSsrcs.join() && d.reason === reason);
    }), { numRuns: 300 });
  t.pass('300 random compounds');
});

t.test('RTP: empty extension and payload, max CSRCs', async (t) => {
  const p: RtpPacket = { marker: false, payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: Array.from({ length: 15 }, (_, i) => i), extension: { profile: 0x1000, data: Buffer.alloc(0) }, payload: Buffer.alloc(0) };
  const buf = buildRtp(p);
  t.equal(buf.length, 12 + 60 + 4);
  const back = parseRtp(buf);
  t.equal(back.csrcs.length, 15);
  t.equal(back.extension?.data.length, 0);
  t.equal(back.payload.length, 0);
  const padOnly = Buffer.from('a0000000' + '00000000' + '00000000' + '00000004', 'hex');
  t.equal(parseRtp(padOnly).payload.length, 0, 'padding may fill the whole payload');
});

t.test('RTCP: SDES with several chunks and non-CNAME items', async (t) => {
  // Two chunks: (ssrc 1: NAME "x", CNAME "a@b") and (ssrc 2: no items).
  const chunk1 = Buffer.concat([Buffer.from('00000001', 'hex'), Buffer.from([2, 1, 0x78, 1, 3]), Buffer.from('a@b'), Buffer.from([0, 0, 0, 0])]).subarray(0, 16);
  const chunk2 = Buffer.from('0000000200000000', 'hex');
  const body = Buffer.concat([chunk1, chunk2]);
  const head = Buffer.from([0x82, 202, 0, body.length / 4]);
  const parsed = parseRtcp(Buffer.concat([head, body]));
  t.same(parsed, [{ type: 'sdes', chunks: [{ ssrc: 1, cname: 'a@b' }, { ssrc: 2 }] }]);
  expectError(t, () => parseRtcp(Buffer.from([0x81, 202, 0, 1, 0, 0, 0, 1, 1, 9])), MediaError, MediaErrorCode.BadRtcp, 'trailing garbage past length');
  expectError(t, () => parseRtcp(Buffer.from([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x61, 0x62])), MediaError, MediaErrorCode.BadRtcp, 'item runs past the packet');
});

t.test('RTCP: padded packets parse; bad padding is refused', async (t) => {
  const rr = buildRtcpRr(5);
  const padded = Buffer.concat([rr, Buffer.from([0, 0, 0, 4])]);
  padded[0] |= 0x20;
  padded.writeUInt16BE(padded.length / 4 - 1, 2);
  t.same(parseRtcp(padded), [{ type: 'rr', ssrc: 5, reports: [] }]);
  const badPad = Buffer.from(padded);
  badPad[badPad.length - 1] = 0;
  expectError(t, () => parseRtcp(badPad), MediaError, MediaErrorCode.BadPadding, 'zero padding count');
  badPad[badPad.length - 1] = 200;
  expectError(t, () => parseRtcp(badPad), MediaError, MediaErrorCode.BadPadding, 'padding past packet');
});
