/**
 * The Byte-Range header (RFC 4975 §7.1.1, §9): `range-start "-" range-end "/" total`, 1-based and
 * inclusive, `*` for an end or total not known yet. A SEND without it covers the whole message
 * (`1-*` / `*`).
 */

/** A Byte-Range value: 1-based start, end and total, `undefined` for `*`. */
export interface ByteRange {
  /** First byte (1-based). */
  start: number;
  /** Last byte, if known. */
  end?: number;
  /** Message size, if known. */
  total?: number;
}

/** Parses `start-end/total`; the default (absent header) is the whole message, `1-*\/*`. */
export function parseByteRange(v: string | undefined): ByteRange | undefined {
  if (v === undefined) return { start: 1 };
  const m = /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(v.trim());
  if (!m) return undefined;
  const r: ByteRange = { start: Number(m[1]) };
  if (m[2] !== '*') r.end = Number(m[2]);
  if (m[3] !== '*') r.total = Number(m[3]);
  return r.start >= 1 ? r : undefined;
}

/** Writes a Byte-Range value (`*` for an unknown end or total). */
export function formatByteRange(r: ByteRange): string {
  return `${r.start}-${r.end ?? '*'}/${r.total ?? '*'}`;
}
