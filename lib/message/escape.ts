/**
 * Percent-escaping for SIP URI components (RFC 3261 §19.1.2, §25.1 `escaped`).
 * @module
 */
import { fail } from './errors.js';

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Decodes `%HH` escapes and checks every other character against `allowed`.
 * Escaped octets are decoded as UTF-8 (invalid sequences become U+FFFD).
 * @throws SipParseError on a bad escape or a character not allowed unescaped.
 */
export function unescapeChecked(s: string, allowed: Uint8Array, what: string): string {
  let pct = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (pct < 0) pct = i;
      if (hexVal(s.charCodeAt(i + 1)) < 0 || hexVal(s.charCodeAt(i + 2)) < 0) fail(`bad escape in ${what}`);
      i += 2;
    } else if (c >= 128 || allowed[c] !== 1) {
      fail(`invalid character in ${what}`);
    }
  }
  if (pct < 0) return s;
  const bytes: number[] = [];
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const b = hexVal(s.charCodeAt(i + 1)) * 16 + hexVal(s.charCodeAt(i + 2));
      if (b >= 128) ascii = false;
      bytes.push(b);
      i += 2;
    } else bytes.push(c);
  }
  return ascii ? String.fromCharCode(...bytes) : Buffer.from(bytes).toString('utf8');
}

const HEX = '0123456789ABCDEF';

/** Escapes every character of `s` that `allowed` does not list (as UTF-8 `%HH`). */
export function escapeWith(s: string, allowed: Uint8Array): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || allowed[c] !== 1) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 && allowed[c] === 1) {
      out += s[i];
      continue;
    }
    const cp = s.codePointAt(i) ?? c;
    if (cp > 0xffff) i++;
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}
