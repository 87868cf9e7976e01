/**
 * Parameters as the parser finds them, before anyone asks for a Map: a flat array
 * `[key, value, key, value ...]` (keys lower-cased, `null` value = flag). Via, NameAddr and SipUri
 * keep this form and build their `params` Map only on first access; `branch`, `tag`, `transport`
 * ... read the flat form directly. A Map costs an allocation and a hash insert per parameter, which
 * dominated the parse profiles of messages whose parameters are only ever read through those getters.
 * Not exported from the package.
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import type { Params } from './params.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { GEN_VALUE_CHARS, TOKEN, scanQuoted } = m_chars;

/** `[key, value, key, value ...]`: keys lower-cased, values as written, `null` for a flag. */
export type FlatParams = Array<string | null>;

/** Parameter names common enough to be worth returning as a shared literal instead of a new slice. */
const COMMON_KEYS = [
  'branch', 'tag', 'rport', 'received', 'transport', 'lr', 'expires', 'maddr', 'ttl', 'q', 'user', 'method', 'ob',
  'refresher', 'boundary', 'charset', 'handling', 'reg-id', '+sip.instance', 'gr', 'sigcomp-id', 'comp', 'alias',
];
/** COMMON_KEYS bucketed by length and low 5 bits of the first letter. */
const KEY_BUCKETS: Array<string[] | undefined> = new Array<undefined>(16 * 32).fill(undefined);
for (const k of COMMON_KEYS) (KEY_BUCKETS[k.length * 32 + (k.charCodeAt(0) & 31)] ??= []).push(k);

/** The lower-case key written at `s[a, b)`: a shared literal when it is a common one. */
function keyAt(s: string, a: number, b: number): string {
  const len = b - a;
  if (len < 16) {
    const list = KEY_BUCKETS[len * 32 + (s.charCodeAt(a) & 31)];
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const k = list[i];
        let j = 0;
        while (j < len && k.charCodeAt(j) === s.charCodeAt(a + j)) j++;
        if (j === len) return k;
      }
    }
  }
  return s.slice(a, b);
}

/**
 * Scans `*( SEMI generic-param )` (RFC 3261 §25.1) in `s[i, end)`; LWS is allowed around `;` and
 * `=` (SEMI / EQUAL).
 * @returns the parameters flat, or `undefined` when there are none.
 * @throws SipParseError on an empty or malformed parameter.
 */
export function scanParams(s: string, i: number, what: string, end: number): FlatParams | undefined {
  const n = end;
  let out: FlatParams | undefined;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c !== 59) fail(`unexpected character in ${what}`);
    i++;
    while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
    const ks = i;
    let lower = true;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c >= 128 || TOKEN[c] !== 1) break;
      if (c >= 65 && c <= 90) lower = false;
      i++;
    }
    if (i === ks) fail(`empty parameter in ${what}`);
    const key = lower ? keyAt(s, ks, i) : s.slice(ks, i).toLowerCase();
    while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
    let value: string | null = null;
    if (i < n && s.charCodeAt(i) === 61) {
      i++;
      while (i < n && ((c = s.charCodeAt(i)) === 32 || c === 9)) i++;
      const vs = i;
      if (i < n && s.charCodeAt(i) === 34) {
        i = scanQuoted(s, i, n);
      } else {
        while (i < n) {
          c = s.charCodeAt(i);
          if (c >= 128 || GEN_VALUE_CHARS[c] !== 1) break;
          i++;
        }
        if (i === vs) fail(`empty parameter value in ${what}`);
      }
      value = s.slice(vs, i);
    }
    if (out === undefined) out = [key, value];
    else out.push(key, value);
  }
  return out;
}

/** The value of `key` (the last one written, as a Map would keep), `null` for a flag, `undefined` if absent. */
export function flatGet(flat: FlatParams | undefined, key: string): string | null | undefined {
  if (flat === undefined) return undefined;
  for (let i = flat.length - 2; i >= 0; i -= 2) if (flat[i] === key) return flat[i + 1];
  return undefined;
}

/** A new Map of the parameters (later duplicates overwrite earlier ones, in first-seen order). */
export function flatToMap(flat: FlatParams | undefined): Params {
  const m: Params = new Map();
  if (flat !== undefined) for (let i = 0; i < flat.length; i += 2) m.set(flat[i] as string, flat[i + 1]);
  return m;
}

/** Writes the parameters as `;key=value;flag` (the same text `formatParams` writes for their Map). */
export function formatFlat(flat: FlatParams | undefined): string {
  if (flat === undefined) return '';
  if (hasDuplicateKeys(flat)) return formatMap(flatToMap(flat));
  let out = '';
  for (let i = 0; i < flat.length; i += 2) {
    const v = flat[i + 1];
    out += v === null ? ';' + (flat[i] as string) : ';' + (flat[i] as string) + '=' + v;
  }
  return out;
}

function formatMap(m: Params): string {
  let out = '';
  for (const [k, v] of m) out += v === null ? ';' + k : ';' + k + '=' + v;
  return out;
}

/** True if a key appears twice (then only a Map gives the written form: last value, first position). */
export function hasDuplicateKeys(flat: FlatParams): boolean {
  for (let i = 2; i < flat.length; i += 2) for (let j = 0; j < i; j += 2) if (flat[i] === flat[j]) return true;
  return false;
}
