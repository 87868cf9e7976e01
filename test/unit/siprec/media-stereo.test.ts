import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import {
  readWavInfo, RtpPcmReceiver, StereoInterleaver, syntheticCall, WavWriter,
} from '../../../lib/siprec/media/index.js';
import { dominantFrequency, rms } from './helpers.js';

class Out {
  frames: number[] = [];
  writes = 0;
  writeSamples(pcm: Int16Array): void { this.frames.push(...pcm); this.writes++; }
}

t.test('interleaves when both channels have frames; silence as runs', async (t) => {
  const out = new Out();
  const s = new StereoInterleaver(out);
  s.left.writeSamples(Int16Array.from([1, 2, 3]));
  t.same(out.frames, [], 'waits for the right channel');
  s.right.writeSilence(2);
  t.same(out.frames, [1, 0, 2, 0]);
  s.right.writeSamples(Int16Array.from([7, 8]));
  t.same(out.frames, [1, 0, 2, 0, 3, 7]);
  s.left.writeSilence(1);
  t.same(out.frames, [1, 0, 2, 0, 3, 7, 0, 8]);
  s.left.writeSamples(Int16Array.from([9]));
  s.flush();
  t.same(out.frames, [1, 0, 2, 0, 3, 7, 0, 8, 9, 0], 'flush pads the shorter channel');
});

t.test('a silent channel does not hold the other back past maxLag', async (t) => {
  const out = new Out();
  const s = new StereoInterleaver(out, { maxLagFrames: 4, blockFrames: 3 });
  s.left.writeSamples(Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  t.equal(out.frames.length / 2, 6, '6 frames forced out, 4 still held');
  t.ok(out.writes >= 2, 'written in blocks');
  s.right.writeSilence(4); // the receiver catches up with the silence it owes...
  s.right.writeSamples(Int16Array.from([50, 51, 52, 53])); // ...and real audio
  t.same(out.frames.filter((_, i) => i % 2 === 1), [0, 0, 0, 0, 0, 0, 52, 53, 0, 0].slice(0, out.frames.length / 2));
  s.flush();
  const right = out.frames.filter((_, i) => i % 2 === 1);
  const left = out.frames.filter((_, i) => i % 2 === 0);
  t.same(left, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.same(right, [0, 0, 0, 0, 0, 0, 52, 53, 0, 0], 'frames owed as silence were dropped, the rest aligned');
});

t.test('two receivers → stereo WAV: one party per channel, aligned', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-stereo-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'call.wav');
  const wav = WavWriter.create(path, { channels: 2 });
  const st = new StereoInterleaver(wav);
  const origin = 1_000_000;
  const rx = [new RtpPcmReceiver(st.left, { originMs: origin }), new RtpPcmReceiver(st.right, { originMs: origin })];
  for await (const p of syntheticCall({ durationMs: 3000, dtx: true })) rx[p.party].push(p.packet, origin + p.timeMs + 5);
  rx.forEach((r) => r.finish(origin + 3000));
  st.flush();
  wav.close();
  const info = readWavInfo(path);
  t.equal(info.channels, 2);
  t.equal(info.durationSeconds, 3);
  const b = readFileSync(path);
  const ch = (c: number, fromMs: number, toMs: number): Int16Array => {
    const out = new Int16Array((toMs - fromMs) * 8);
    for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(44 + 4 * (fromMs * 8 + i) + 2 * c);
    return out;
  };
  t.equal(dominantFrequency(ch(0, 0, 900), [440, 1000]), 440, 'left = party 0');
  t.equal(dominantFrequency(ch(1, 1000, 1900), [440, 1000]), 1000, 'right = party 1');
  t.ok(rms(ch(1, 0, 1000)) < 50, 'right silent while party 0 talks (DTX: no packets)');
  t.ok(rms(ch(0, 1000, 2000)) < 50, 'left silent while party 1 talks');
});

t.test('property: however the writes are chunked, the interleaved output is the same', async (t) => {
  type Op = { ch: 0 | 1; kind: 'pcm' | 'sil'; n: number };
  const op = fc.record({ ch: fc.constantFrom(0 as const, 1 as const), kind: fc.constantFrom('pcm' as const, 'sil' as const), n: fc.integer({ min: 1, max: 50 }) });
  fc.assert(fc.property(fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (ops: Op[], block: number) => {
    // Reference: expand each channel, pad, interleave.
    const chans: number[][] = [[], []];
    let v = 1;
    const writes: (() => void)[] = [];
    const out = new Out();
    const s = new StereoInterleaver(out, { blockFrames: block, maxLagFrames: 1e9 });
    const sinks = [s.left, s.right];
    for (const o of ops) {
      if (o.kind === 'pcm') {
        const pcm = Int16Array.from({ length: o.n }, () => v++);
        chans[o.ch].push(...pcm);
        writes.push(() => sinks[o.ch].writeSamples(pcm));
      } else {
        for (let i = 0; i < o.n; i++) chans[o.ch].push(0);
        writes.push(() => sinks[o.ch].writeSilence(o.n));
      }
    }
    writes.forEach((w) => w());
    s.flush();
    const n = Math.max(chans[0].length, chans[1].length);
    const want: number[] = [];
    for (let i = 0; i < n; i++) want.push(chans[0][i] ?? 0, chans[1][i] ?? 0);
    return out.frames.length === want.length && out.frames.every((x, i) => x === want[i]);
  }), { numRuns: 300 });
  t.pass('300 random write patterns');
});
