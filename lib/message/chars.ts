/**
 * Character classes and small scanners shared by the header parsers (RFC 3261 §25.1).
 * All tables are indexed by UTF-16 code unit; code units >= 128 are never in a class.
 * @module
 */
import { fail } from './errors.js';

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** RFC 3261 §25.1 token characters. */
export const TOKEN = table("-.!%*_+`'~", true);
/** RFC 3261 §25.1 unreserved (alphanum / mark). */
export const UNRESERVED = table("-_.!~*'()", true);
/** Characters allowed unescaped in a SIP URI user part (unreserved / user-unreserved). */
export const USER_CHARS = table("-_.!~*'()&=+$,;?/", true);
/** Characters allowed unescaped in a SIP URI password. */
export const PASSWORD_CHARS = table("-_.!~*'()&=+$,", true);
/** Characters allowed unescaped in a URI parameter name or value (paramchar). */
export const PARAM_CHARS = table("-_.!~*'()[]/:&+$", true);
/** Characters allowed unescaped in a URI header name or value (hnv-unreserved / unreserved). */
export const HNV_CHARS = table("-_.!~*'()[]/?:+$", true);
/** Characters of a host name or IPv4 address (underscore tolerated). */
export const HOST_CHARS = table('-._', true);
/** Characters of a generic-param value that is not quoted (token / host incl. IPv6). */
export const GEN_VALUE_CHARS = table("-.!%*_+`'~:[]", true);

/** True if `c` (a char code) is in table `t`. */
export function inSet(t: Uint8Array, c: number): boolean {
  return c < 128 && t[c] === 1;
}

/** True if `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/**
 * True if `value` holds a CR or LF, which in a header value would inject header lines. Two
 * `indexOf` cost about half a regex test on the short values of every header set (issue 15).
 */
export function hasLineBreak(value: string): boolean {
  return value.indexOf('\r') !== -1 || value.indexOf('\n') !== -1;
}

/** True for SP or HTAB. */
export function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/** Index of the first non SP/HTAB character at or after `i` (at most `end`). */
export function skipWs(s: string, i: number, end = s.length): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

/** Trims SP and HTAB only (unlike String#trim, keeps a BOM or NBSP). */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Index just after the token starting at `i` (== i if none). */
export function scanToken(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) break;
    i++;
  }
  return i;
}

/** Quoted text at least this long is checked by native searches rather than a loop (see {@link plainQuotedEnd}). */
const LONG_QUOTED = 16;
/** ... when the rest of the text is at most this many times its length (a bound on the backslash search). */
const SEARCH_SPAN = 8;

/**
 * The index of the quote closing the quoted-string that opens at `i` (a `"`) when no backslash, CR
 * or LF comes before it (the common case: its text is then `s[i + 1, q)` as is), else -1.
 * @param end index where the text stops.
 */
export function plainQuotedEnd(s: string, i: number, end: number): number {
  const j = i + 1;
  const q = s.indexOf('"', j);
  if (q < 0 || q >= end) return -1;
  if (q - j >= LONG_QUOTED && s.length - j <= SEARCH_SPAN * (q - j)) {
    // a long one (`+sip.instance="<urn:uuid:...>"`) near the end of the text: native searches beat a
    // loop over it. CR and LF stop at the end of its line; the backslash search (rare in SIP) may run
    // on to the end of the text, which is why the text left must be short next to the quoted one
    const bs = s.indexOf('\\', j);
    const cr = s.indexOf('\r', j);
    const lf = s.indexOf('\n', j);
    if ((bs < 0 || bs > q) && (cr < 0 || cr > q) && (lf < 0 || lf > q)) return q;
  }
  // a short one: checked on its own text (searches would run on to the end of the head)
  let k = j;
  while (k < q) {
    const c = s.charCodeAt(k);
    if (c === 92 || c === 13 || c === 10) return -1;
    k++;
  }
  return q;
}

/**
 * Scans a quoted-string starting at `i` (which must be a `"`).
 * RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F).
 * @param end index where the text stops (default: its length).
 * @returns index just after the closing quote.
 */
export function scanQuoted(s: string, i: number, end = s.length): number {
  let j = i + 1;
  // common case: the closing quote, found by a native search, with no backslash, CR or LF before it
  const q = plainQuotedEnd(s, i, end);
  if (q >= 0) return q + 1;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 92) {
      // RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): never a CR or LF
      const d = s.charCodeAt(j + 1);
      if (d === 13 || d === 10) break;
      j += 2;
      continue;
    }
    if (c === 13 || c === 10) break;
    j++;
  }
  return fail('unterminated quoted string');
}

/** Removes the quotes and quoted-pair backslashes of a quoted-string `"..."`. */
export function unquote(q: string): string {
  const inner = q.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\' && i + 1 < inner.length) {
      out += inner[i + 1];
      i++;
    } else out += ch;
  }
  return out;
}

/** Quotes `s` as a quoted-string, escaping `"` and `\`. */
export function quote(s: string): string {
  return '"' + s.replace(/["\\]/g, '\\$&') + '"';
}

/**
 * Splits a header value on commas that are outside quoted strings, `<...>` and `(...)`;
 * trims each element and drops empty ones (RFC 3261 §7.3.1).
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const v = trimWs(value);
    return v.length === 0 ? [] : [v];
  }
  const out: string[] = [];
  let start = 0;
  let angle = false;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      // quoted string: skip to the closing quote (unterminated runs to the end)
      let j = i + 1;
      while (j < value.length) {
        const d = value.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 34) break;
        else j++;
      }
      i = j;
    } else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 40) paren++;
    else if (c === 41 && paren > 0) paren--;
    else if (c === 44 && !angle && paren === 0) {
      const v = trimWs(value.slice(start, i));
      if (v.length > 0) out.push(v);
      start = i + 1;
    }
  }
  const v = trimWs(value.slice(start));
  if (v.length > 0) out.push(v);
  return out;
}

/**
 * Parses a non-negative decimal integer made only of digits.
 * @param max largest accepted value.
 * @param what name used in the error reason.
 */
export function parseDecimal(text: string, max: number, what: string): number {
  const s = trimWs(text);
  if (s.length === 0 || s.length > 20) fail(`invalid ${what}`);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) fail(`invalid ${what}`);
    n = n * 10 + c;
  }
  if (n > max) fail(`${what} out of range`);
  return n;
}

/** Copies a Map or record into a new Map (a fresh empty Map when absent). */
export function toMap<V>(src: Map<string, V> | Record<string, V> | undefined): Map<string, V> {
  if (src === undefined) return new Map();
  if (src instanceof Map) return new Map(src);
  const m = new Map<string, V>();
  for (const k of Object.keys(src)) m.set(k, src[k]);
  return m;
}
