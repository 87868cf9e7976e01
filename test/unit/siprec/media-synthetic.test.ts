import t from 'tap';
import { decodeG711, parseRtp, syntheticCall, type SyntheticPacket } from '../../../lib/siprec/media/index.js';
import { dominantFrequency, rms } from './helpers.js';

async function collect(it: AsyncIterable<SyntheticPacket>): Promise<SyntheticPacket[]> {
  const out: SyntheticPacket[] = [];
  for await (const p of it) out.push(p);
  return out;
}

t.test('default call: 2 parties × 150 packets of 20 ms PCMU with correct seq/ts', async (t) => {
  const pkts = await collect(syntheticCall());
  t.equal(pkts.length, 300);
  for (const party of [0, 1] as const) {
    const mine = pkts.filter((p) => p.party === party);
    t.equal(mine.length, 150);
    t.ok(mine.every((p) => p.packet.payloadType === 0 && p.packet.payload.length === 160));
    t.ok(mine.every((p) => p.packet.ssrc === mine[0].packet.ssrc), 'one SSRC per party');
    t.ok(mine.every((p, i) => i === 0 || p.packet.sequenceNumber === ((mine[i - 1].packet.sequenceNumber + 1) & 0xffff)), 'seq +1');
    t.ok(mine.every((p, i) => i === 0 || p.packet.timestamp === (mine[i - 1].packet.timestamp + 160) % 2 ** 32), 'ts +160');
    t.ok(mine.every((p, i) => p.timeMs === i * 20), 'due every 20 ms');
    t.ok(mine.every((p) => parseRtp(p.bytes).payload.equals(p.packet.payload)), 'wire form parses');
  }
  t.not(pkts[0].packet.ssrc, pkts[1].packet.ssrc);
  const p0 = pkts.filter((p) => p.party === 0);
  t.equal(p0[0].packet.marker, true, 'marker at talkspurt start');
  t.equal(p0[1].packet.marker, false);
  t.equal(p0[100].packet.marker, true, 'second talkspurt of party 0 at 2000 ms');
  const p1 = pkts.filter((p) => p.party === 1);
  t.equal(p1[0].packet.marker, false, 'party 1 starts silent');
  t.equal(p1[50].packet.marker, true, 'party 1 talks at 1000 ms');
});

t.test('signals: tone per party, silence in pauses', async (t) => {
  const pkts = await collect(syntheticCall({ parties: [{ frequency: 500 }, { frequency: 1500 }] }));
  const pcm = (party: 0 | 1, fromMs: number, toMs: number): number[] =>
    pkts.filter((p) => p.party === party && p.timeMs >= fromMs && p.timeMs < toMs).flatMap((p) => [...decodeG711(0, p.packet.payload)!]);
  t.equal(dominantFrequency(pcm(0, 0, 900), [500, 1500]), 500);
  t.equal(dominantFrequency(pcm(1, 1000, 1900), [500, 1500]), 1500);
  t.ok(rms(pcm(0, 0, 900)) > 3000, 'party 0 talks');
  t.ok(rms(pcm(0, 1000, 2000)) < 50, 'party 0 pauses');
  t.ok(rms(pcm(1, 0, 1000)) < 50, 'party 1 silent at first');
});

t.test('PCMA, DTX, custom talk spurts and durations', async (t) => {
  const pkts = await collect(syntheticCall({
    payloadType: 8, durationMs: 1000, dtx: true, ptimeMs: 30,
    parties: [{ talk: [{ startMs: 0, endMs: 300 }] }, { talk: [{ startMs: 600, endMs: 1000 }], ssrc: 1234 }],
  }));
  const p0 = pkts.filter((p) => p.party === 0);
  const p1 = pkts.filter((p) => p.party === 1);
  t.equal(p0.length, 10, 'party 0 sends only while talking (DTX)');
  t.equal(p1.length, 14);
  t.ok(pkts.every((p) => p.packet.payloadType === 8 && p.packet.payload.length === 240));
  t.equal(p1[0].packet.ssrc, 1234);
  t.equal(p1[0].timeMs, 600);
  t.equal(p1[0].packet.marker, true);
  t.ok(p1.every((p, i) => i === 0 || p.packet.sequenceNumber === ((p1[i - 1].packet.sequenceNumber + 1) & 0xffff)), 'seq contiguous across DTX');
  const p0last = p0[p0.length - 1].packet.timestamp;
  t.ok(p0last > 0 || p0last === 0);
  t.equal(dominantFrequency([...decodeG711(8, p0[3].packet.payload)!], [440, 1000]), 440);
});

t.test('realtime pacing and abort', async (t) => {
  const start = Date.now();
  const pkts = await collect(syntheticCall({ durationMs: 200, realtime: true }));
  const elapsed = Date.now() - start;
  t.equal(pkts.length, 20);
  t.ok(elapsed >= 170 && elapsed < 2000, `paced: ${elapsed} ms`);
  const ac = new AbortController();
  const got: SyntheticPacket[] = [];
  for await (const p of syntheticCall({ durationMs: 10_000, realtime: true, signal: ac.signal })) {
    got.push(p);
    if (got.length === 4) ac.abort();
  }
  t.equal(got.length, 4, 'stops at the abort');
});
