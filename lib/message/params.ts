/**
 * Header parameters: `*( SEMI generic-param )` (RFC 3261 §25.1 generic-param).
 * Keys are lower-cased; a value is kept as written (a quoted-string keeps its quotes);
 * `null` marks a parameter without a value (a flag).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { GEN_VALUE_CHARS, TOKEN, scanQuoted, skipWs } = m_chars;

/** Parameter map: lower-case key to value (`null` = flag). */
export type Params = Map<string, string | null>;

/**
 * Parses `;name[=value]...` from `i` to `end` (default: the end of `s`) into `into`.
 * LWS is allowed around `;` and `=` (RFC 3261 §25.1 SEMI / EQUAL).
 * @throws SipParseError on an empty or malformed parameter.
 */
export function parseParams(s: string, i: number, into: Params, what: string, end = s.length): Params {
  const n = end;
  i = skipWs(s, i, n);
  while (i < n) {
    if (s.charCodeAt(i) !== 59) fail(`unexpected character in ${what}`);
    i = skipWs(s, i + 1, n);
    const ks = i;
    let lower = true;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] !== 1) break;
      if (c >= 65 && c <= 90) lower = false;
      i++;
    }
    if (i === ks) fail(`empty parameter in ${what}`);
    const key = lower ? s.slice(ks, i) : s.slice(ks, i).toLowerCase();
    i = skipWs(s, i, n);
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 61) {
      i = skipWs(s, i + 1, n);
      const vs = i;
      if (i < n && s.charCodeAt(i) === 34) {
        i = scanQuoted(s, i, n);
      } else {
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c >= 128 || GEN_VALUE_CHARS[c] !== 1) break;
          i++;
        }
        if (i === vs) fail(`empty parameter value in ${what}`);
      }
      value = s.slice(vs, i);
      i = skipWs(s, i, n);
    }
    into.set(key, value);
  }
  return into;
}

/** Writes parameters as `;key=value;flag`. */
export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? ';' + k : ';' + k + '=' + v;
  return out;
}

/** Copies a parameter map. */
export function cloneParams(params: Params): Params {
  return new Map(params);
}
