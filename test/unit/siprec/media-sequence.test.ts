import t from 'tap';
import { RtpStreamRewriter, type RtpPacket } from '../../../lib/siprec/media/index.js';

function pkt(ssrc: number, seq: number, ts: number, marker = false): RtpPacket {
  return { marker, payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, csrcs: [], payload: Buffer.alloc(160, 0xff) };
}

t.test('own SSRC, continuous seq/ts from chosen start values', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 0xabc, initialSequence: 100, initialTimestamp: 5000 });
  const out = [0, 1, 2].map((i) => r.rewrite(pkt(0x111, 40000 + i, 900000 + i * 160), i * 20));
  t.same(out.map((p) => p.ssrc), [0xabc, 0xabc, 0xabc]);
  t.same(out.map((p) => p.sequenceNumber), [100, 101, 102]);
  t.same(out.map((p) => p.timestamp), [5000, 5160, 5320]);
  t.equal(out[0].marker, true, 'marker on the first packet of a source');
  t.equal(out[1].marker, false);
  t.same(r.counters, { packets: 3, octets: 480, sourceChanges: 0 });
  t.same(r.last, { sequenceNumber: 102, timestamp: 5320 });
});

t.test('SSRC change mid-call continues seq and advances ts by wall clock', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 1, initialSequence: 0, initialTimestamp: 0 });
  for (let i = 0; i < 5; i++) r.rewrite(pkt(0xa, 7 + i, 123456 + i * 160), 1000 + i * 20);
  // After a re-INVITE the CS sends under a new SSRC with unrelated seq/ts, 500 ms later.
  const first = r.rewrite(pkt(0xb, 60000, 42), 1080 + 500);
  t.equal(first.sequenceNumber, 5, 'seq continues');
  t.equal(first.timestamp, 640 + 500 * 8, 'ts advanced by the 500 ms that passed');
  t.equal(first.marker, true, 'marker flags the discontinuity');
  const second = r.rewrite(pkt(0xb, 60001, 202), 1600);
  t.same([second.sequenceNumber, second.timestamp, second.marker], [6, 640 + 4000 + 160, false]);
  t.equal(r.counters.sourceChanges, 1);
  // Immediate change (no wall time elapsed): ts still moves on by one packet.
  const third = r.rewrite(pkt(0xc, 9, 9), 1600);
  t.equal(third.timestamp, second.timestamp + 160);
  t.equal(third.sequenceNumber, 7);
});

t.test('loss and reordering inside a source pass through unchanged', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 1, initialSequence: 10, initialTimestamp: 1000 });
  const a = r.rewrite(pkt(5, 200, 0), 0);
  const c = r.rewrite(pkt(5, 202, 320), 40); // 201 lost for now
  const b = r.rewrite(pkt(5, 201, 160), 45); // arrives late
  t.same([a.sequenceNumber, b.sequenceNumber, c.sequenceNumber], [10, 11, 12]);
  t.same([a.timestamp, b.timestamp, c.timestamp], [1000, 1160, 1320]);
  t.same(r.last, { sequenceNumber: 12, timestamp: 1320 }, 'late packet does not rewind');
  const d = r.rewrite(pkt(5, 205, 800), 100);
  t.equal(d.sequenceNumber, 15, 'gap of two lost packets kept visible');
});

t.test('wraparound of input and output seq/ts', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 1, initialSequence: 0xfffe, initialTimestamp: 0xffffff00 });
  const out = [0, 1, 2, 3].map((i) => r.rewrite(pkt(9, 0xfffd + i, 0xffffffa0 + i * 160), i * 20));
  t.same(out.map((p) => p.sequenceNumber), [0xfffe, 0xffff, 0, 1]);
  t.same(out.map((p) => p.timestamp), [0xffffff00, 0xffffffa0, 0x40, 0xe0]);
  t.ok(out.every((p) => Number.isInteger(p.timestamp) && p.timestamp >= 0 && p.timestamp < 2 ** 32));
});

t.test('defaults are random and in range; payload and CSRCs are kept', async (t) => {
  const r = new RtpStreamRewriter();
  t.ok(r.ssrc > 0 && r.ssrc < 2 ** 32);
  const input = { ...pkt(3, 1, 1), csrcs: [77], payload: Buffer.from([1, 2, 3]) };
  const out = r.rewrite(input);
  t.same(out.csrcs, [77]);
  t.same([...out.payload], [1, 2, 3]);
  t.not(out.csrcs, input.csrcs, 'copy, not shared');
  t.not(new RtpStreamRewriter().ssrc, r.ssrc);
});

t.test('a straggler of the previous source keeps its old mapping; a returning source re-anchors', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 1, initialSequence: 0, initialTimestamp: 0 });
  r.rewrite(pkt(0xa, 10, 1000), 0);
  r.rewrite(pkt(0xa, 12, 1320), 40); // 11 is late
  const b0 = r.rewrite(pkt(0xb, 500, 7), 60);
  t.same([b0.sequenceNumber, b0.timestamp], [3, 480]);
  const late = r.rewrite(pkt(0xa, 11, 1160), 61);
  t.same([late.sequenceNumber, late.timestamp, late.ssrc], [1, 160, 1], 'placed where source A would have put it');
  t.equal(r.counters.sourceChanges, 1, 'no switch for a straggler');
  const b1 = r.rewrite(pkt(0xb, 501, 167), 80);
  t.same([b1.sequenceNumber, b1.timestamp, b1.marker], [4, 640, false], 'B continues undisturbed');
  // A comes back later with newer packets: that is a real switch.
  const a2 = r.rewrite(pkt(0xa, 300, 99999), 1080);
  t.equal(a2.sequenceNumber, 5);
  t.equal(a2.timestamp, 640 + 8000);
  t.equal(a2.marker, true);
  t.equal(r.counters.sourceChanges, 2);
});

t.test('packet duration learned from timestamps (non-G.711 framing)', async (t) => {
  const r = new RtpStreamRewriter({ ssrc: 1, initialSequence: 0, initialTimestamp: 0, clockRate: 48000 });
  // Opus-like: 20 ms = 960 ticks, payload size unrelated.
  const op = (ssrc: number, seq: number, ts: number): RtpPacket => ({ ...pkt(ssrc, seq, ts), payload: Buffer.alloc(37) });
  r.rewrite(op(4, 1, 0), 0);
  r.rewrite(op(4, 2, 960), 20);
  const next = r.rewrite(op(5, 100, 1), 20); // instant source change
  t.equal(next.timestamp, 960 + 960, 'advanced by one real packet, not by the payload size');
});
