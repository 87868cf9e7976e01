/**
 * CSeq (RFC 3261 §20.16), Max-Forwards and other scalar header values.
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { TOKEN, isToken, skipWs } = m_chars;

/** Largest CSeq sequence number: RFC 3261 §8.1.1.5 requires it below 2**31. */
export const MAX_CSEQ = 0x7fffffff;

/** A CSeq value. */
export interface CSeq {
  /** Sequence number (0 .. 2**31-1). */
  seq: number;
  /** Method, case-sensitive. */
  method: string;
}

/**
 * Parses `1*DIGIT LWS Method` in `value[start, end)` (default: all of it).
 * @throws SipParseError if malformed or the number is out of range (RFC 3261 §8.1.1.5).
 */
export function parseCSeq(value: string, start = 0, end = value.length): CSeq {
  const s = value;
  let i = skipWs(s, start, end);
  const ds = i;
  let seq = 0;
  while (i < end) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    seq = seq * 10 + c;
    i++;
  }
  if (i === ds) fail('invalid CSeq');
  if (seq > MAX_CSEQ) fail('CSeq out of range');
  const ms = skipWs(s, i, end);
  if (ms === i) fail('invalid CSeq');
  let me = ms;
  while (me < end) {
    const c = s.charCodeAt(me);
    if (c >= 128 || TOKEN[c] !== 1) break;
    me++;
  }
  if (me === ms || skipWs(s, me, end) !== end) fail('invalid CSeq method');
  return { seq, method: s.slice(ms, me) };
}

/** Writes a CSeq value. */
export function formatCSeq(c: CSeq): string {
  if (!Number.isInteger(c.seq) || c.seq < 0 || c.seq > MAX_CSEQ) throw new RangeError('CSeq out of range');
  if (!isToken(c.method)) throw new TypeError('CSeq method is not a token');
  return c.seq + ' ' + c.method;
}
