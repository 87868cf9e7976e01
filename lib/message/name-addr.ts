/**
 * name-addr / addr-spec header values with header parameters: From, To, Contact, Route,
 * Record-Route, Refer-To, P-Asserted-Identity ... (RFC 3261 §20.10, §25.1).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import { type Params } from './params.js';
import { type FlatParams } from './flat-params.js';
import * as m_flat_params from './flat-params.js';
import { type Uri } from './uri.js';
import * as m_uri from './uri.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { TOKEN, isWs, plainQuotedEnd, quote, scanQuoted, skipWs, splitList, trimWs, unquote, toMap } = m_chars;
const { copyLazyParams, formatLazyParams, lazyParam, lazyParamsMap, scanParams } = m_flat_params;
const { AbsoluteUri, SipUri, parseUri } = m_uri;

/** Fields accepted by the {@link NameAddr} constructor. */
export interface NameAddrInit {
  displayName?: string;
  uri: Uri;
  params?: Map<string, string | null> | Record<string, string | null>;
}

/**
 * A URI with an optional display name and header parameters (`"Bob" <sip:bob@b.example>;tag=x`).
 * Parameters after an addr-spec written without `<>` belong to the header, not the URI (RFC 3261 §20.10).
 */
export class NameAddr {
  /** Display name, unquoted and unescaped. */
  displayName?: string;
  /** The address. */
  uri: Uri;
  /** The parameters as a Map once asked for (see {@link NameAddr.params}). @internal */
  _params: Params | undefined;
  /** The parameters as parsed, until a Map is asked for. @internal */
  _flat: FlatParams | undefined;

  /** Builds a value from parts, or from just a URI. */
  constructor(init: NameAddrInit | Uri) {
    if (init instanceof SipUri || init instanceof AbsoluteUri) {
      this.uri = init;
      this._params = undefined;
      this._flat = undefined;
      return;
    }
    if (init.displayName !== undefined) this.displayName = init.displayName;
    this.uri = init.uri;
    this._params = init.params === undefined ? undefined : toMap(init.params);
    this._flat = undefined;
  }

  /**
   * Header parameters, keys lower-cased; quoted values keep their quotes; `null` = flag.
   * Built on first access from the parsed text.
   */
  get params(): Params {
    return lazyParamsMap(this);
  }

  set params(m: Params) {
    this._params = m;
    this._flat = undefined;
  }

  /**
   * Parses one name-addr or addr-spec with its parameters.
   * @throws SipParseError if malformed.
   */
  static parse(text: string): NameAddr {
    return parseNameAddr(text);
  }

  /** The `tag` parameter (RFC 3261 §19.3). */
  get tag(): string | undefined {
    const t = lazyParam(this, 'tag');
    return t === null ? undefined : t;
  }

  set tag(value: string | undefined) {
    if (value === undefined) this.params.delete('tag');
    else this.params.set('tag', value);
  }

  /** Writes `"name" <uri>;params` (always the name-addr form, name quoted). */
  toString(): string {
    const dn = this.displayName === undefined || this.displayName === '' ? '' : quote(this.displayName) + ' ';
    const ps = formatLazyParams(this);
    return dn + '<' + this.uri.toString() + '>' + ps;
  }

  /** A deep copy. */
  clone(): NameAddr {
    const c = new NameAddr(this.uri.clone());
    if (this.displayName !== undefined) c.displayName = this.displayName;
    copyLazyParams(this, c);
    return c;
  }
}

/** A Contact header value: an address or the wildcard `*` (RFC 3261 §20.10, REGISTER only). */
export type ContactValue = NameAddr | '*';

/** Parses one name-addr / addr-spec with header parameters, in `text[start, end)` (default: all). */
export function parseNameAddr(text: string, start = 0, end = text.length): NameAddr {
  const s = text;
  const n = end;
  let i = skipWs(s, start, n);
  if (i === n) fail('empty address');
  let displayName: string | undefined;
  let c = s.charCodeAt(i);
  let nameAddr = false;
  if (c === 34) {
    // without a quoted-pair the name is the text between the quotes: one slice
    const plain = plainQuotedEnd(s, i, n);
    const qe = plain >= 0 ? plain + 1 : scanQuoted(s, i, n);
    displayName = plain >= 0 ? s.slice(i + 1, plain) : unquote(s.slice(i, qe));
    i = skipWs(s, qe, n);
    if (i >= n || s.charCodeAt(i) !== 60) fail('expected < after display name');
    nameAddr = true;
  } else {
    // unquoted display name: tokens separated by LWS, then '<'
    let j = i;
    let oddWs = false; // a tab or a run of spaces, to be collapsed to one SP
    while (j < n) {
      c = s.charCodeAt(j);
      if (c >= 128 || TOKEN[c] === 1) j++;
      else if (c === 32) {
        if (j + 1 < n && s.charCodeAt(j + 1) === 32) oddWs = true;
        j++;
      } else if (c === 9) {
        oddWs = true;
        j++;
      } else break;
    }
    if (j < n && s.charCodeAt(j) === 60) {
      // trimmed on the indexes, then cut once
      let de = j;
      while (de > i && isWs(s.charCodeAt(de - 1))) de--;
      if (de > i) {
        const dn = s.slice(i, de);
        displayName = oddWs ? dn.split(/[ \t]+/).join(' ') : dn;
      }
      i = j;
      nameAddr = true;
    }
  }
  let us: number;
  let ue: number;
  if (nameAddr) {
    const close = s.indexOf('>', i + 1);
    if (close < 0 || close >= n) fail('missing > in address');
    us = i + 1;
    ue = close;
    i = close + 1;
  } else {
    // addr-spec: the URI stops at the first ';' or LWS (its params are header params)
    let j = i;
    while (j < n) {
      c = s.charCodeAt(j);
      if (c === 59 || c === 32 || c === 9) break;
      j++;
    }
    us = i;
    ue = j;
    i = j;
  }
  const na = new NameAddr(parseUri(s, us, ue));
  if (displayName !== undefined) na.displayName = displayName;
  if (i < n) na._flat = scanParams(s, i, 'address parameters', n);
  return na;
}

/** Parses a comma-separated list of addresses (Route, Record-Route, Path ...). */
export function parseNameAddrList(values: string[]): NameAddr[] {
  const out: NameAddr[] = [];
  for (const v of values) out.push(parseNameAddr(v));
  return out;
}

/** Parses Contact values; `*` is the wildcard (RFC 3261 §20.10). */
export function parseContacts(values: string[]): ContactValue[] {
  const out: ContactValue[] = [];
  for (const v of values) {
    if (v === '*') out.push('*');
    else out.push(parseNameAddr(v));
  }
  return out;
}

/** Splits and parses a raw list header value into addresses. */
export function parseNameAddrHeader(value: string): NameAddr[] {
  return parseNameAddrList(splitList(value));
}
