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
    const key = lower ? s.slice(ks, i) : s.slice(ks, i).toLowerCase();
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
    // the first two parameters go in arrays of their exact size: a push would grow the array to
    // 19 slots, which the Via of every request (branch, rport) paid for
    if (out === undefined) out = [key, value];
    else if (out.length === 2) out = [out[0], out[1], key, value];
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
  if (hasDuplicateKeys(flat)) return formatParams(flatToMap(flat));
  let out = '';
  for (let i = 0; i < flat.length; i += 2) {
    const v = flat[i + 1];
    out += v === null ? ';' + (flat[i] as string) : ';' + (flat[i] as string) + '=' + v;
  }
  return out;
}

/** Writes a parameter Map as `;key=value;flag` (params.ts re-exports it). */
export function formatParams(m: Params): string {
  let out = '';
  for (const [k, v] of m) out += v === null ? ';' + k : ';' + k + '=' + v;
  return out;
}

/** True if a key appears twice (then only a Map gives the written form: last value, first position). */
export function hasDuplicateKeys(flat: FlatParams): boolean {
  for (let i = 2; i < flat.length; i += 2) for (let j = 0; j < i; j += 2) if (flat[i] === flat[j]) return true;
  return false;
}

/**
 * A parsed value whose parameters stay as the parser's flat list until someone asks for the Map
 * (SipUri, NameAddr, Via): most messages only ever read `branch` or `tag`, which
 * {@link lazyParam} finds in the list without building a Map.
 */
export interface LazyParams {
  /** The parameters as a Map, once asked for. */
  _params: Params | undefined;
  /** The parameters as parsed, until a Map is asked for. */
  _flat: FlatParams | undefined;
}

/** The holder's parameter Map, built from the flat list on first use (the list is then dropped). */
export function lazyParamsMap(h: LazyParams): Params {
  let p = h._params;
  if (p === undefined) {
    p = h._params = flatToMap(h._flat);
    h._flat = undefined;
  }
  return p;
}

/** One parameter: its value, `null` for a flag, `undefined` if absent (no Map is built). */
export function lazyParam(h: LazyParams, key: string): string | null | undefined {
  return h._params === undefined ? flatGet(h._flat, key) : h._params.get(key);
}

/** The holder's parameters written as `;key=value;flag`. */
export function formatLazyParams(h: LazyParams): string {
  return h._params === undefined ? formatFlat(h._flat) : formatParams(h._params);
}

/** Gives `to` a copy of `from`'s parameters, in whichever form `from` holds them. */
export function copyLazyParams(from: LazyParams, to: LazyParams): void {
  if (from._params !== undefined) to._params = new Map(from._params);
  else if (from._flat !== undefined) to._flat = from._flat.slice();
}
