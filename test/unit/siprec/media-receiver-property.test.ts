import fc from 'fast-check';
import t from 'tap';
import { encodeUlaw, RtpPcmReceiver, type PcmSink, type RtpPacket } from '../../../lib/siprec/media/index.js';

class Collect implements PcmSink {
  out: number[] = [];
  writeSamples(pcm: Int16Array): void { for (const s of pcm) this.out.push(s); }
  writeSilence(n: number): void { for (let i = 0; i < n; i++) this.out.push(0); }
}

/** Packet k carries 80 samples of a value unique to k (µ-law exact: a code word's decoded value). */
const VALUES = [32124, 16764, 8316, 4092, 1980, 924, 396, 132];
function pkt(k: number, seqBase: number, tsBase: number): RtpPacket {
  return {
    marker: false, payloadType: 0, sequenceNumber: (seqBase + k) & 0xffff, timestamp: (tsBase + k * 80) % 2 ** 32, ssrc: 5, csrcs: [],
    payload: encodeUlaw(new Int16Array(80).fill(VALUES[k % VALUES.length] * (k % 2 ? -1 : 1))),
  };
}

/** Swaps disjoint neighbours where `swaps` says so: every packet moves by at most one place. */
function neighbourSwaps<T>(items: T[], swaps: number[]): T[] {
  const a = [...items];
  for (let i = 0; i + 1 < a.length; i += 2) if (swaps[(i / 2) % swaps.length] % 2) [a[i], a[i + 1]] = [a[i + 1], a[i]];
  return a;
}

t.test('property: bounded reordering and duplication never change the output', async (t) => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 60 }), fc.nat(0xffff), fc.nat(2 ** 32 - 1), fc.array(fc.nat(3), { minLength: 1, maxLength: 10 }), fc.array(fc.nat(59), { maxLength: 5 }),
    (n, seqBase, tsBase, swaps, dups) => {
      const inOrder = Array.from({ length: n }, (_, k) => pkt(k, seqBase, tsBase));
      const ref = new Collect();
      const r0 = new RtpPcmReceiver(ref, { wallClock: false });
      inOrder.forEach((p) => r0.push(p));
      r0.finish();
      const shuffled = neighbourSwaps(inOrder, swaps);
      for (const d of dups) if (d < n) shuffled.splice(Math.min(shuffled.length, d + 1), 0, inOrder[d]);
      const got = new Collect();
      const r1 = new RtpPcmReceiver(got, { wallClock: false, reorderPackets: 4 });
      shuffled.forEach((p) => r1.push(p));
      r1.finish();
      return got.out.length === ref.out.length && got.out.every((v, i) => v === ref.out[i]) && r1.stats.late === 0;
    }), { numRuns: 300 });
  t.pass('reordering within the window is invisible, even of the very first packet');
});

t.test('property: loss leaves silence in place and keeps the length', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 3, max: 60 }), fc.nat(0xffff), fc.nat(2 ** 32 - 1), fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
    (n, seqBase, tsBase, keep) => {
      const got = new Collect();
      const r = new RtpPcmReceiver(got, { wallClock: false });
      const kept: number[] = [];
      for (let k = 0; k < n; k++) {
        if (k === 0 || k === n - 1 || keep[k]) { r.push(pkt(k, seqBase, tsBase)); kept.push(k); }
      }
      r.finish();
      if (got.out.length !== n * 80) return false;
      for (let k = 0; k < n; k++) {
        const v = got.out[k * 80];
        const want = kept.includes(k) ? VALUES[k % VALUES.length] * (k % 2 ? -1 : 1) : 0;
        if (v !== want) return false;
      }
      return r.stats.lost === n - kept.length;
    }), { numRuns: 300 });
  t.pass('gaps filled at the right places');
});

t.test('property: arbitrary packet streams never throw; the written timeline only grows and matches the sink', async (t) => {
  const arbPkt = fc.record({
    ssrc: fc.constantFrom(1, 2, 3), seq: fc.nat(0xffff), ts: fc.nat(2 ** 32 - 1), len: fc.integer({ min: 0, max: 320 }),
    pt: fc.constantFrom(0, 8, 13, 101), dt: fc.integer({ min: -50, max: 3000 }),
  });
  fc.assert(fc.property(fc.array(arbPkt, { maxLength: 40 }), fc.boolean(), fc.option(fc.nat(1000), { nil: undefined }), (list, wallClock, origin) => {
    const sink = new Collect();
    const r = new RtpPcmReceiver(sink, { wallClock, maxGapSeconds: 2, ...(origin !== undefined ? { originMs: origin } : {}) });
    let now = 1000;
    let last = 0;
    for (const p of list) {
      now += p.dt;
      r.push({ marker: false, payloadType: p.pt, sequenceNumber: p.seq, timestamp: p.ts, ssrc: p.ssrc, csrcs: [], payload: Buffer.alloc(p.len, 0xd5) }, now);
      if (r.position < last) return false;
      last = r.position;
    }
    r.finish(now + 100);
    const truncated = r.stats.truncatedGaps > 0;
    return r.position >= last && (truncated || sink.out.length === r.position) &&
      r.stats.audioSamples + r.stats.silenceSamples === sink.out.length;
  }), { numRuns: 500 });
  t.pass('500 random streams');
});
