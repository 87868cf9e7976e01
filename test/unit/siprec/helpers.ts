/** Shared assertions for the siprec unit tests. */
import type { Test } from 'tap';
import { MetadataError } from '../../../lib/siprec/metadata/index.js';

/** Asserts that `fn` throws a MetadataError with `code` and a reason fit for a SIP reason phrase. */
export function expectCode(t: Test, fn: () => unknown, code: string, label: string): void {
  try {
    fn();
    t.fail(`${label}: no error thrown`);
  } catch (e) {
    t.ok(e instanceof MetadataError, `${label}: MetadataError`);
    const err = e as MetadataError;
    t.equal(err.code, code, `${label}: code ${code}`);
    t.ok(err.reason.length > 0 && !/[\r\n]/.test(err.reason), `${label}: reason phrase-safe`);
  }
}

/** Asserts that `fn` throws an instance of `cls` whose `code` is `code`. */
export function expectError(t: Test, fn: () => unknown, cls: new (...a: never[]) => Error, code: string, label: string): void {
  try {
    fn();
    t.fail(`${label}: no error thrown`);
  } catch (e) {
    t.ok(e instanceof cls, `${label}: ${cls.name}`);
    t.equal((e as { code?: unknown }).code, code, `${label}: code ${code}`);
  }
}

/** Goertzel power of `freq` Hz in `samples` (sampled at `rate`), normalised by length. */
export function goertzelPower(samples: ArrayLike<number>, freq: number, rate = 8000): number {
  const w = (2 * Math.PI * freq) / rate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (samples.length * samples.length);
}

/** The candidate frequency with the most Goertzel power in `samples`. */
export function dominantFrequency(samples: ArrayLike<number>, candidates: number[], rate = 8000): number {
  let best = candidates[0];
  let bestPower = -1;
  for (const f of candidates) {
    const p = goertzelPower(samples, f, rate);
    if (p > bestPower) { bestPower = p; best = f; }
  }
  return best;
}

/** Root mean square of `samples`. */
export function rms(samples: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < samples.length; i++) e += samples[i] * samples[i];
  return samples.length ? Math.sqrt(e / samples.length) : 0;
}

/** Resolves like `p`, or rejects after `ms` milliseconds; the timer never outlives the race. */
export async function within<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
