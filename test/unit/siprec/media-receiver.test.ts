import t from 'tap';
import { encodeUlaw, RtpPcmReceiver, type PcmSink, type RtpPacket } from '../../../lib/siprec/media/index.js';

/** A sink that records what it was given. */
class MemorySink implements PcmSink {
  readonly parts: (number | Int16Array)[] = [];
  samples: number[] = [];
  writeSamples(pcm: Int16Array): void { this.parts.push(pcm); this.samples.push(...pcm); }
  writeSilence(frames: number): void { this.parts.push(frames); for (let i = 0; i < frames; i++) this.samples.push(0); }
}

/** Packet k of a source: 160 samples all equal to `value` (µ-law of 1000·k+...), ts = base + k·160. */
function pkt(ssrc: number, k: number, value: number, tsBase = 1000, seqBase = 50): RtpPacket {
  return {
    marker: false, payloadType: 0, sequenceNumber: (seqBase + k) & 0xffff, timestamp: (tsBase + k * 160) >>> 0, ssrc, csrcs: [],
    payload: encodeUlaw(new Int16Array(160).fill(value)),
  };
}
const V = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000];

function levels(sink: MemorySink): number[] {
  const out: number[] = [];
  for (let i = 0; i < sink.samples.length; i += 160) out.push(Math.round(sink.samples[i] / 1000));
  return out;
}

t.test('in-order stream is written as is', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false });
  for (let k = 0; k < 5; k++) r.push(pkt(1, k, V[k]), k * 20);
  r.flush();
  t.equal(sink.samples.length, 800);
  t.same(levels(sink), [1, 2, 3, 4, 5]);
  t.equal(r.stats.audioSamples, 800);
  t.equal(r.stats.silenceSamples, 0);
  t.equal(r.position, 800);
});

t.test('reordering within the window is undone; duplicates dropped; late packets dropped', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false, reorderPackets: 3 });
  for (const k of [0, 2, 1, 1, 3, 5, 4, 6, 7]) r.push(pkt(1, k, V[k]));
  r.push(pkt(1, 0, V[0])); // very late: its place is written already
  r.flush();
  t.same(levels(sink), [1, 2, 3, 4, 5, 6, 7, 8]);
  t.equal(r.stats.duplicates, 1);
  t.equal(r.stats.late, 1);
});

t.test('lost packets become silence of the right length', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false });
  for (const k of [0, 1, 4, 5]) r.push(pkt(1, k, V[k]));
  r.flush();
  t.same(levels(sink), [1, 2, 0, 0, 5, 6]);
  t.equal(r.stats.silenceSamples, 320);
  t.equal(r.stats.lost, 2);
  t.ok(sink.parts.includes(320), 'one silence run');
});

t.test('timestamp gap (DTX / hold with running clock) is kept as silence', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink);
  r.push(pkt(1, 0, V[0]), 0);
  r.push(pkt(1, 1, V[1]), 20);
  // 5 s later the sender resumes with its clock having run on: ts + 5 s.
  r.push(pkt(1, 1 + 250, V[2]), 20 + 5000);
  r.finish();
  t.equal(r.position, 160 * 252);
  t.equal(r.stats.resyncs, 0, 'clocks agree: no re-anchor');
  t.equal(sink.samples.length, 160 * 252);
});

t.test('sender froze timestamps during a pause: the wall clock keeps the timeline', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink);
  r.push(pkt(1, 0, V[0]), 10_000);
  r.push(pkt(1, 1, V[1]), 10_020);
  // Paused (a=inactive) for 10 s; resumes with the very next timestamp.
  r.push(pkt(1, 2, V[2]), 20_040);
  r.push(pkt(1, 3, V[3]), 20_060);
  r.finish();
  t.equal(r.stats.resyncs, 1);
  const expected = 160 * 2 + 10_000 * 8 + 160 * 2;
  t.equal(r.position, expected, '10 s of silence inserted');
  t.same(levels(sink).filter((x) => x !== 0), [1, 2, 3, 4]);
});

t.test('SSRC change: new source continues on the timeline', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink);
  for (let k = 0; k < 3; k++) r.push(pkt(1, k, V[k]), k * 20);
  // New SSRC 1 s after the last packet, with an unrelated timestamp base.
  for (let k = 0; k < 2; k++) r.push(pkt(2, k, V[4 + k], 3_000_000_000, 9), 40 + 1000 + k * 20);
  r.finish();
  t.equal(r.stats.sourceChanges, 1);
  t.equal(r.position, 160 * 3 + (1000 * 8 - 160) + 160 * 2, 'gap = wall time minus the last packet');
  const nz = levels(sink).filter((x) => x !== 0);
  t.same(nz, [1, 2, 3, 5, 6]);
  const sink2 = new MemorySink();
  const r2 = new RtpPcmReceiver(sink2, { wallClock: false });
  r2.push(pkt(1, 0, V[0]));
  r2.push(pkt(2, 0, V[1], 77));
  r2.finish(999_999);
  t.equal(r2.position, 320, 'without wall clock the new source follows directly; finish pads nothing');
});

t.test('32-bit timestamp and 16-bit sequence wrap', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false });
  for (let k = 0; k < 6; k++) r.push(pkt(1, k, V[k], 2 ** 32 - 320, 0xfffd), k * 20);
  r.flush();
  t.same(levels(sink), [1, 2, 3, 4, 5, 6]);
  t.equal(r.stats.lost, 0);
});

t.test('finish pads to the end of a call that ended on hold; maxGap caps silence', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink);
  r.push(pkt(1, 0, V[0]), 1000);
  r.finish(1000 + 3000);
  t.equal(r.position, 3000 * 8);
  const capped = new MemorySink();
  const r2 = new RtpPcmReceiver(capped, { wallClock: false, maxGapSeconds: 1 });
  r2.push(pkt(1, 0, V[0]));
  r2.push(pkt(1, 1000, V[1]));
  r2.flush();
  t.equal(r2.stats.truncatedGaps, 1);
  t.equal(capped.samples.length, 160 + 8000 + 160, 'silence cut to 1 s');
  t.equal(r2.position, 160 * 1001, 'timeline position still logical');
});

t.test('packets without a decoder are ignored (CN, telephone-event)', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false });
  r.push({ ...pkt(1, 0, V[0]), payloadType: 101 });
  r.push({ ...pkt(1, 0, V[0]), payloadType: 13, payload: Buffer.from([40]) });
  r.push(pkt(1, 0, V[0]));
  r.finish();
  t.equal(r.stats.ignored, 2);
  t.equal(sink.samples.length, 160);
  const custom = new RtpPcmReceiver(new MemorySink(), { decode: (pt, p) => (pt === 96 ? new Int16Array(p.length / 2) : undefined), wallClock: false });
  custom.push({ ...pkt(1, 0, 0), payloadType: 96 });
  custom.flush();
  t.equal(custom.position, 80, 'custom decoder decides the duration');
});

t.test('originMs: leading silence before the first packet; silent stream padded on finish', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { originMs: 50_000 });
  r.push(pkt(1, 0, V[0]), 50_500);
  r.push(pkt(1, 1, V[1]), 50_520);
  r.finish(51_000);
  t.equal(sink.parts[0], 4000, '500 ms of leading silence');
  t.equal(r.position, 8000, 'timeline = 1 s from origin to end');
  const quiet = new RtpPcmReceiver(new MemorySink(), { originMs: 1000 });
  quiet.finish(3000);
  t.equal(quiet.position, 16000, 'a stream that never got RTP still spans the call');
  const noClock = new RtpPcmReceiver(new MemorySink(), { originMs: 1000, wallClock: false });
  noClock.push(pkt(1, 0, V[0]), 9000);
  noClock.finish(20_000);
  t.equal(noClock.position, 160, 'origin ignored without wall clock');
});

t.test('a late packet of the previous SSRC lands in its old place, not after the new source', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { reorderPackets: 2 });
  r.push(pkt(1, 0, V[0]), 0);
  r.push(pkt(1, 2, V[2]), 40); // k=1 delayed
  r.push(pkt(2, 0, V[3], 5555), 60); // new SSRC
  r.push(pkt(1, 1, V[1]), 61); // straggler of SSRC 1
  r.push(pkt(2, 1, V[4], 5555), 80);
  r.finish();
  t.same(levels(sink), [1, 2, 3, 4, 5], 'timeline in the right order');
  t.equal(r.stats.sourceChanges, 1, 'the straggler did not switch sources back');
  const sink2 = new MemorySink();
  const r2 = new RtpPcmReceiver(sink2, { wallClock: false });
  r2.push(pkt(1, 0, V[0]));
  r2.push(pkt(2, 0, V[1], 9));
  r2.push(pkt(1, 5, V[2])); // SSRC 1 returns with newer audio
  r2.finish();
  t.same(levels(sink2), [1, 2, 3], 'a returning source is appended');
  t.equal(r2.stats.sourceChanges, 2);
});

t.test('resyncNext: a short signalled pause keeps its length even under the threshold', async (t) => {
  const run = (signalled: boolean): number => {
    const r = new RtpPcmReceiver(new MemorySink());
    r.push(pkt(1, 0, V[0]), 0);
    r.push(pkt(1, 1, V[1]), 20);
    if (signalled) r.resyncNext();
    r.push(pkt(1, 2, V[2]), 20 + 1000); // 1 s pause, timestamps frozen
    r.finish();
    return r.position;
  };
  t.equal(run(false), 480, 'unsignalled 1 s pause is below resyncMs: timestamps win');
  t.equal(run(true), 320 + 8000, 'signalled pause: the wall clock places the packet');
});

t.test('a timestamp reset within one SSRC (newer seq, much older ts) continues the timeline', async (t) => {
  for (const wallClock of [false, true]) {
    const sink = new MemorySink();
    const r = new RtpPcmReceiver(sink, { wallClock });
    r.push(pkt(1, 0, V[0], 5_000_000), 0);
    r.push(pkt(1, 1, V[1], 5_000_000), 20);
    // Sender restarts its RTP clock at 100 but keeps counting sequence numbers.
    r.push({ ...pkt(1, 2, V[2], 100), timestamp: 100 }, 40);
    r.push({ ...pkt(1, 3, V[3], 100), timestamp: 260 }, 60);
    r.finish();
    t.same(levels(sink), [1, 2, 3, 4], `wallClock=${wallClock}: nothing dropped as late`);
    t.equal(r.stats.late, 0);
    t.equal(r.stats.resyncs, 1);
  }
});

t.test('concealMs: short losses are concealed with a fade, long gaps stay silent', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false, concealMs: 40 });
  for (const k of [0, 1, 3, 4, 20]) r.push(pkt(1, k, V[k % 8]));
  r.finish();
  t.equal(r.position, 21 * 160);
  const lostOne = sink.samples.slice(2 * 160, 3 * 160);
  t.ok(lostOne.every((s) => s > 0 && s <= V[1] + 100), 'one lost packet: the previous one, faded');
  t.ok(lostOne[0] > lostOne[159], 'fading');
  t.equal(r.stats.concealedSamples, 160);
  t.ok(sink.samples.slice(5 * 160, 20 * 160).every((s) => s === 0), 'a 300 ms gap is silence');
  t.equal(r.stats.silenceSamples, 15 * 160);
  const off = new MemorySink();
  const r2 = new RtpPcmReceiver(off, { wallClock: false });
  for (const k of [0, 2]) r2.push(pkt(1, k, V[k]));
  r2.finish();
  t.ok(off.samples.slice(160, 320).every((s) => s === 0), 'default: no concealment');
});

t.test('a packet overlapping what was written is trimmed, not duplicated', async (t) => {
  const sink = new MemorySink();
  const r = new RtpPcmReceiver(sink, { wallClock: false, reorderPackets: 0 });
  r.push(pkt(1, 0, V[0]));
  r.push(pkt(1, 1, V[1]));
  // A retransmission-like packet starting 80 samples back (half old, half new audio).
  r.push({ ...pkt(1, 2, V[2]), timestamp: 1000 + 2 * 160 - 80 });
  r.flush();
  t.equal(r.position, 320 + 80, 'only the new half was added');
  t.same(sink.samples.slice(320), new Array(80).fill(sink.samples[320]));
  t.equal(Math.round(sink.samples[320] / 1000), 3);
});
