/** Shared helpers of the live audio system tests: a two-tone call, reading a tap, measuring tones. */
import type { Readable } from 'node:stream';
import type { CallRecording } from '../../../lib/siprec/src/index.js';
import { syntheticCall } from '../../../lib/siprec/media/index.js';
import { tonePower } from '../../../lib/siprec/srs/index.js';

/** Tones of the two parties: alice on label 1, bob on label 2. */
export const ALICE_HZ = 440;
export const BOB_HZ = 1000;
/** Peak amplitude of both tones. */
export const AMPLITUDE = 12000;
/**
 * RMS of a synthetic party's voice: amplitude × the 4 Hz envelope (0.65 + 0.35 sin) × sin:
 * sqrt((0.65² + 0.35²/2) / 2) ≈ 0.4918 of the amplitude.
 */
export const EXPECTED_RMS = AMPLITUDE * Math.sqrt((0.65 ** 2 + 0.35 ** 2 / 2) / 2);

/** Feeds `ms` of a call where both parties talk the whole time (alice on `labels[0]`), paced in real time; returns the packets sent per party. */
export async function feedBoth(rec: CallRecording, ms: number, payloadType: 0 | 8 = 0, labels: [string, string] = ['1', '2']): Promise<[number, number]> {
  const sent: [number, number] = [0, 0];
  const talk = [{ startMs: 0, endMs: ms }];
  for await (const p of syntheticCall({ durationMs: ms, realtime: true, payloadType, parties: [{ frequency: ALICE_HZ, amplitude: AMPLITUDE, talk }, { frequency: BOB_HZ, amplitude: AMPLITUDE, talk }] })) {
    if (rec.forward(labels[p.party], p.bytes) > 0) sent[p.party]++;
  }
  return sent;
}

/** Reads a tap's `pcm` to its end (async iteration) into samples. */
export async function readAll(pcm: Readable): Promise<Int16Array> {
  const chunks: Buffer[] = [];
  for await (const c of pcm) chunks.push(c as Buffer);
  const all = Buffer.concat(chunks);
  const out = new Int16Array(all.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = all.readInt16LE(i * 2);
  return out;
}

/** RMS of samples. */
export function rms(x: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return x.length ? Math.sqrt(sum / x.length) : 0;
}

/** Goertzel power of the two tones in `x` at 8 kHz. */
export function tones(x: Int16Array): { alice: number; bob: number } {
  return { alice: tonePower(x, ALICE_HZ, 8000), bob: tonePower(x, BOB_HZ, 8000) };
}
