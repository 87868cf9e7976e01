import t from 'tap';
import {
  alawToLinear, decodeAlaw, decodeG711, decodeUlaw, encodeAlaw, encodeG711, encodeUlaw, linearToAlaw, linearToUlaw, ulawToLinear,
} from '../../../lib/siprec/media/index.js';

t.test('known G.711 values', async (t) => {
  t.equal(ulawToLinear(0xff), 0);
  t.equal(ulawToLinear(0x7f), 0);
  t.ok(Object.is(ulawToLinear(0x7f), 0), 'no negative zero');
  t.equal(ulawToLinear(0x00), -32124);
  t.equal(ulawToLinear(0x80), 32124);
  t.equal(alawToLinear(0xd5), 8);
  t.equal(alawToLinear(0x55), -8);
  t.equal(alawToLinear(0xaa), 32256);
  t.equal(alawToLinear(0x2a), -32256);
  t.equal(linearToUlaw(0), 0xff);
  t.equal(linearToUlaw(32767), 0x80);
  t.equal(linearToUlaw(-32768), 0x00);
  t.equal(linearToAlaw(0), 0xd5);
  t.equal(linearToAlaw(32767), 0xaa);
  t.equal(linearToAlaw(-32768), 0x2a);
  t.equal(linearToUlaw(1e9), 0x80, 'clamps out-of-range input');
});

t.test('every code word decodes and re-encodes to itself', async (t) => {
  let ulawBad = 0;
  let alawBad = 0;
  for (let b = 0; b < 256; b++) {
    if (b !== 0x7f && linearToUlaw(ulawToLinear(b)) !== b) ulawBad++;
    if (linearToAlaw(alawToLinear(b)) !== b) alawBad++;
  }
  t.equal(ulawBad, 0);
  t.equal(alawBad, 0);
});

t.test('encode → decode error bounds over the whole 16-bit range', async (t) => {
  let worstU = 0;
  let worstA = 0;
  let monotoneU = true;
  let prevU = -Infinity;
  for (let s = -32768; s <= 32767; s++) {
    const u = ulawToLinear(linearToUlaw(s));
    const a = alawToLinear(linearToAlaw(s));
    if (Math.abs(s) <= 32000) {
      worstU = Math.max(worstU, Math.abs(u - s) - Math.abs(s) / 32);
      worstA = Math.max(worstA, Math.abs(a - s) - Math.abs(s) / 32);
    }
    if (u < prevU) monotoneU = false;
    prevU = u;
  }
  t.ok(worstU <= 8, `µ-law |err| ≤ |s|/32 + 8 (worst excess ${worstU})`);
  t.ok(worstA <= 8, `A-law |err| ≤ |s|/32 + 8 (worst excess ${worstA})`);
  t.ok(monotoneU, 'µ-law quantisation is monotone');
});

t.test('bulk encode/decode and by payload type', async (t) => {
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  const u = encodeUlaw(pcm);
  const a = encodeAlaw(pcm);
  t.equal(u.length, 160);
  t.same(encodeG711(0, pcm), u);
  t.same(encodeG711(8, pcm), a);
  const du = decodeUlaw(u);
  const da = decodeAlaw(a);
  t.same(decodeG711(0, u), du);
  t.same(decodeG711(8, a), da);
  t.equal(decodeG711(18, a), undefined, 'G.729 not decoded');
  let errU = 0;
  let errA = 0;
  let energy = 0;
  for (let i = 0; i < pcm.length; i++) {
    errU += (du[i] - pcm[i]) ** 2;
    errA += (da[i] - pcm[i]) ** 2;
    energy += pcm[i] ** 2;
  }
  const snr = (e: number): number => 10 * Math.log10(energy / e);
  t.ok(snr(errU) > 30, `µ-law SNR ${snr(errU).toFixed(1)} dB`);
  t.ok(snr(errA) > 30, `A-law SNR ${snr(errA).toFixed(1)} dB`);
});

t.test('bulk encoders agree with the per-sample encoders on every 16-bit value', async (t) => {
  const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
  const u = encodeUlaw(all);
  const a = encodeAlaw(all);
  let bad = 0;
  for (let i = 0; i < all.length; i++) if (u[i] !== linearToUlaw(all[i]) || a[i] !== linearToAlaw(all[i])) bad++;
  t.equal(bad, 0);
  const view = new Int16Array(all.buffer, 2 * 100, 10);
  t.same([...encodeUlaw(view)], [...view].map(linearToUlaw), 'views at an offset');
});
