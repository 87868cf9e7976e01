/**
 * RFC 3262 §7 headers: `RSeq` (response-num) and `RAck` (response-num CSeq-num Method).
 * @module
 */

/** Largest RSeq (RFC 3262 §7.1: 1 to 2**32 - 1; the initial value stays below 2**31). */
export const MAX_RSEQ = 0xffffffff;

/** A parsed `RAck`. */
export interface RAck {
  rseq: number;
  cseq: number;
  method: string;
}

/** Parses an RSeq value; undefined if malformed or out of range. */
export function parseRSeq(value: string): number | undefined {
  const s = value.trim();
  if (!/^[0-9]{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= MAX_RSEQ ? n : undefined;
}

/** Parses an RAck value; undefined if malformed. */
export function parseRAck(value: string): RAck | undefined {
  const m = /^\s*([0-9]{1,10})\s+([0-9]{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(value);
  if (m === null) return undefined;
  const rseq = Number(m[1]);
  const cseq = Number(m[2]);
  if (rseq < 1 || rseq > MAX_RSEQ || cseq > 0x7fffffff) return undefined;
  return { rseq, cseq, method: m[3] };
}

/** Writes `rseq cseq METHOD`. */
export function formatRAck(r: RAck): string {
  return `${r.rseq} ${r.cseq} ${r.method}`;
}
