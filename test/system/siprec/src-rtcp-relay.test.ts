/**
 * The call's RTCP relayed by the SRC (RFC 7866 §8.1.1, RFC 3550 §7.2): an SR the app feeds for a
 * stream reaches the SRS's RTCP socket on the SSRC the stream's RTP arrives with, its RTP
 * timestamp moved by the same offset as the RTP, its report block on the other stream's SSRC.
 */
import t from 'tap';
import { buildRtcpSdesCname, buildRtcpSr, parseRtcp, syntheticCall, type RtcpSenderReport, type RtpPacket } from '../../../lib/siprec/media/index.js';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { ApiSrs, testPorts, until, waitEvent } from './api-srs.js';

t.test('SR of the call relayed with the rewritten SSRCs and the mapped timestamp', async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const src = new SrcManager({ t1: 100, srs: [{ name: 'e1', srsUris: [srs.uri], localAddress: '127.0.0.1', media: { ...(() => { const r = testPorts(); return { portMin: r.min, portMax: r.max }; })(), rtcpIntervalMs: 100 } }] });
  await src.start();
  t.teardown(() => src.shutdown());
  const callId = `rtcp-relay-${process.pid}@test`;
  const started = waitEvent(src, 'recordingStarted');
  const rec = src.startRecording({
    callId, participants: [{ key: 'a', aor: 'sip:a@x' }, { key: 'b', aor: 'sip:b@x' }],
    streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
  });
  await started;
  const alice: RtpPacket[] = [];
  const bob: RtpPacket[] = [];
  for await (const p of syntheticCall({ durationMs: 300 })) {
    (p.party === 0 ? alice : bob).push(p.packet);
    rec.forward(p.party === 0 ? '1' : '2', p.bytes);
  }
  await until(() => (srs.rtp.get('1')?.length ?? 0) === alice.length && (srs.rtp.get('2')?.length ?? 0) === bob.length);
  const r1 = srs.rtp.get('1')!;
  const r2 = srs.rtp.get('2')!;
  const out1 = r1[0].ssrc;
  const out2 = r2[0].ssrc;
  t.not(out1, alice[0].ssrc, 'the RTP is on the SRC\'s SSRC');
  const tsOffset = (r1[0].timestamp - alice[0].timestamp) >>> 0;
  const csTs = (alice.at(-1)!.timestamp + 160) >>> 0;
  const ntp = { seconds: 3_960_000_000, fraction: 12345 };
  const sr = Buffer.concat([
    buildRtcpSr({
      ssrc: alice[0].ssrc, ntp, rtpTimestamp: csTs, packetCount: 1, octetCount: 2,
      reports: [{ ssrc: bob[0].ssrc, fractionLost: 0, cumulativeLost: 0, highestSeq: bob.at(-1)!.sequenceNumber, jitter: 4, lastSr: 0, delaySinceLastSr: 0 }],
    }),
    buildRtcpSdesCname(alice[0].ssrc, 'alice@cs'),
  ]);
  srs.rtcp.get('1')!.length = 0;
  t.equal(rec.forwardRtcp('1', sr), 1, 'relayed to the one SRS');
  await until(() => srs.rtcp.get('1')!.some((b) => (parseRtcp(b)[1] as { chunks?: { cname?: string }[] }).chunks?.[0]?.cname === 'alice@cs'));
  const got = srs.rtcp.get('1')!.map((b) => parseRtcp(b)).find((g) => (g[1] as { chunks?: { cname?: string }[] }).chunks?.[0]?.cname === 'alice@cs')!;
  const s = got[0] as RtcpSenderReport;
  t.equal(s.ssrc, out1, 'SR sender SSRC = the SSRC the stream\'s RTP arrives with');
  t.equal(s.rtpTimestamp, (csTs + tsOffset) >>> 0, 'SR timestamp moved by the RTP\'s offset');
  t.same(s.ntp, ntp, 'NTP time of the CS sender');
  t.equal(s.packetCount, alice.length, 'packets the SRC sent on the stream');
  t.equal(s.reports[0].ssrc, out2, 'report block on stream 2\'s SSRC');
  t.equal(s.reports[0].highestSeq & 0xffff, r2.at(-1)!.sequenceNumber, 'in stream 2\'s sequence space');
  t.same(got[1], { type: 'sdes', chunks: [{ ssrc: out1, cname: 'alice@cs' }] });
  await src.stopRecording(callId);
  t.equal(rec.forwardRtcp('1', sr), 0, 'nothing relayed once stopped');
});

t.test("media.rtcp 'own': the call's RTCP is not relayed, own SRs go", async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const r = testPorts();
  const src = new SrcManager({ t1: 100, srs: [{ name: 'e1', srsUris: [srs.uri], localAddress: '127.0.0.1', media: { portMin: r.min, portMax: r.max, rtcpIntervalMs: 100, rtcp: 'own' } }] });
  await src.start();
  t.teardown(() => src.shutdown());
  const started = waitEvent(src, 'recordingStarted');
  const rec = src.startRecording({ callId: `rtcp-own-${process.pid}@test`, participants: [{ key: 'a', aor: 'sip:a@x' }], streams: [{ label: '1', sender: 'a' }] });
  await started;
  let first: RtpPacket | undefined;
  for await (const p of syntheticCall({ durationMs: 200 })) if (p.party === 0) { first ??= p.packet; rec.forward('1', p.bytes); }
  t.equal(rec.forwardRtcp('1', buildRtcpSr({ ssrc: first!.ssrc, ntp: { seconds: 1, fraction: 0 }, rtpTimestamp: 0, packetCount: 0, octetCount: 0 })), 0);
  await until(() => (srs.rtcp.get('1') ?? []).some((b) => parseRtcp(b)[0].type === 'sr'));
  const sdes = srs.rtcp.get('1')!.map((b) => parseRtcp(b)).find((g) => g[0].type === 'sr')![1] as { chunks: { cname?: string }[] };
  t.match(sdes.chunks[0].cname, /^src@/, 'the SRC\'s own CNAME');
});
