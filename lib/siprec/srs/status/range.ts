/**
 * HTTP Range requests for stored files (RFC 9110 §14): what a `Range` header asks of a file of
 * `size` bytes. Audio elements seek with `Range: bytes=N-` and need 206 answers to learn a long
 * file's duration, so single byte ranges are served exactly.
 */

/** What to answer. */
export type RangeVerdict =
  /** No usable Range (absent, another unit, several ranges): 200 with the whole file. */
  | { kind: 'whole' }
  /** 206 with bytes `start..end` (inclusive) and `Content-Range: bytes start-end/size`. */
  | { kind: 'partial'; start: number; end: number }
  /** 416 with `Content-Range: bytes *\/size`: malformed, or nothing of the file is in the range. */
  | { kind: 'unsatisfiable' };

/** Longest digit string taken as a position (15 digits stay exact in a double). */
const MAX_DIGITS = 15;
const SPEC = /^(\d*)-(\d*)$/;

/**
 * Reads a `Range` header against a file of `size` bytes.
 *
 * - absent, or a unit other than `bytes`: whole (RFC 9110 §14.2: a server ignores a unit it does
 *   not understand);
 * - `bytes=a-b`, `bytes=a-`, `bytes=-n` (suffix): partial, `b` and `n` clipped to the file
 *   (RFC 9110 §14.1.2);
 * - a first position at or past the end, a zero-length suffix, an empty file: unsatisfiable
 *   (§15.5.17);
 * - a malformed set (`bytes=`, `bytes=5-2`, `bytes=x-`, `bytes=-`, too many digits): unsatisfiable;
 * - several ranges: whole.
 */
export function parseRange(header: string | undefined, size: number): RangeVerdict {
  if (header === undefined) return { kind: 'whole' };
  const eq = header.indexOf('=');
  if (eq < 0) return { kind: 'unsatisfiable' };
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'whole' };
  const specs = header.slice(eq + 1).split(',').map((s) => s.trim());
  const parsed: { first?: number; last?: number }[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m || (m[1] === '' && m[2] === '') || m[1].length > MAX_DIGITS || m[2].length > MAX_DIGITS) return { kind: 'unsatisfiable' };
    const first = m[1] === '' ? undefined : Number(m[1]);
    const last = m[2] === '' ? undefined : Number(m[2]);
    // RFC 9110 §14.1.1: a last-pos below the first-pos makes the range-spec invalid.
    if (first !== undefined && last !== undefined && last < first) return { kind: 'unsatisfiable' };
    parsed.push({ ...(first !== undefined ? { first } : {}), ...(last !== undefined ? { last } : {}) });
  }
  // NOTE (deviation): several ranges would need multipart/byteranges; RFC 9110 §14.2 lets a
  // server ignore Range, so the whole file is sent (browsers' media elements ask for one range).
  if (parsed.length !== 1) return { kind: 'whole' };
  const { first, last } = parsed[0];
  if (size <= 0) return { kind: 'unsatisfiable' };
  if (first === undefined) {
    // suffix-range: the last n bytes (all of them when n exceeds the size).
    const n = last ?? 0;
    if (n === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start: first, end: last === undefined ? size - 1 : Math.min(last, size - 1) };
}
