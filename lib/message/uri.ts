/**
 * SIP, SIPS and tel URIs, and any other scheme as an opaque absolute URI (RFC 3261 §19.1, §25.1;
 * RFC 3966 for tel).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import * as m_escape from './escape.js';
import { type FlatParams } from './flat-params.js';
import * as m_flat_params from './flat-params.js';
import * as m_uri_equals from './uri-equals.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { HNV_CHARS, HOST_CHARS, PARAM_CHARS, PASSWORD_CHARS, USER_CHARS, toMap } = m_chars;
const { escapeWith, unescapeChecked } = m_escape;
const { uriEquals } = m_uri_equals;
const { copyLazyParams, hasDuplicateKeys, lazyParam, lazyParamsMap } = m_flat_params;

/** Schemes parsed into a {@link SipUri}. */
export type SipScheme = 'sip' | 'sips' | 'tel';

/** Any URI: a structured SIP/SIPS/tel URI or an opaque absolute URI. */
export type Uri = SipUri | AbsoluteUri;

/** Fields accepted by the {@link SipUri} constructor. */
export interface SipUriInit {
  scheme?: SipScheme;
  user?: string;
  password?: string;
  host?: string;
  port?: number;
  params?: Map<string, string | null> | Record<string, string | null>;
  headers?: Map<string, string> | Record<string, string>;
}

/**
 * A `sip:`, `sips:` or `tel:` URI. User, password, parameters and headers are held unescaped;
 * {@link SipUri.toString} escapes them again. For `tel:` the number is in `user` and `host` is ''.
 */
export class SipUri {
  /** 'sip', 'sips' or 'tel' (lower case). */
  scheme: SipScheme;
  /** User part, unescaped (the number for tel:). */
  user?: string;
  /** Password, unescaped. */
  password?: string;
  /** Host name or address; an IPv6 reference keeps its brackets (`[::1]`). */
  host: string;
  /** Port, if written. */
  port?: number;
  /** The parameters as a Map once asked for (see {@link SipUri.params}). @internal */
  _params: Map<string, string | null> | undefined;
  /** The parameters as parsed (unescaped), until the Map is asked for. @internal */
  _flat: FlatParams | undefined;
  private _headers: Map<string, string> | undefined;

  /** Builds a URI from parts (defaults: scheme 'sip', no user, host ''). */
  constructor(init?: SipUriInit) {
    if (init === undefined) {
      this.scheme = 'sip';
      this.host = '';
      return;
    }
    this.scheme = init.scheme ?? 'sip';
    if (init.user !== undefined) this.user = init.user;
    if (init.password !== undefined) this.password = init.password;
    this.host = init.host ?? '';
    if (init.port !== undefined) this.port = init.port;
    if (init.params !== undefined) this._params = toMap(init.params);
    if (init.headers !== undefined) this._headers = toMap(init.headers);
  }

  /** URI parameters, keys lower-cased, values unescaped; `null` = flag. */
  get params(): Map<string, string | null> {
    return lazyParamsMap(this);
  }

  set params(m: Map<string, string | null>) {
    this._params = m;
    this._flat = undefined;
  }

  /** One parameter: its value, `null` for a flag, `undefined` if absent (no Map is built). */
  param(name: string): string | null | undefined {
    return lazyParam(this, name);
  }

  /** URI headers (`?name=value&...`), unescaped. */
  get headers(): Map<string, string> {
    return (this._headers ??= new Map());
  }

  set headers(m: Map<string, string>) {
    this._headers = m;
  }

  /** True if the URI has at least one parameter (without allocating a map). */
  get hasParams(): boolean {
    return this._params === undefined ? this._flat !== undefined && this._flat.length > 0 : this._params.size > 0;
  }

  /** True if the URI has at least one header. */
  get hasHeaders(): boolean {
    return this._headers !== undefined && this._headers.size > 0;
  }

  /**
   * Parses a sip:, sips: or tel: URI.
   * @throws SipParseError if malformed or of another scheme.
   */
  static parse(text: string): SipUri {
    const u = parseUri(text);
    if (!(u instanceof SipUri)) fail('not a SIP URI');
    return u;
  }

  /** `transport` parameter, if any. */
  get transport(): string | undefined {
    return this.param('transport') ?? undefined;
  }

  /** Writes the URI with proper escaping (RFC 3261 §19.1.1). */
  toString(): string {
    let out = this.scheme + ':';
    if (this.scheme === 'tel') {
      out += escapeWith(this.user ?? '', PARAM_CHARS);
    } else {
      if (this.user !== undefined) {
        out += escapeWith(this.user, USER_CHARS);
        if (this.password !== undefined) out += ':' + escapeWith(this.password, PASSWORD_CHARS);
        out += '@';
      }
      out += this.host;
      if (this.port !== undefined) out += ':' + this.port;
    }
    // with duplicate names the Map (last value, first position) is what is written
    const flat = this._flat;
    if (flat !== undefined && this._params === undefined && !hasDuplicateKeys(flat)) {
      for (let i = 0; i < flat.length; i += 2) {
        out += ';' + escapeWith(flat[i] as string, PARAM_CHARS);
        const v = flat[i + 1];
        if (v !== null) out += '=' + escapeWith(v, PARAM_CHARS);
      }
    } else if (this._params !== undefined || flat !== undefined) {
      for (const [k, v] of this.params) {
        out += ';' + escapeWith(k, PARAM_CHARS);
        if (v !== null) out += '=' + escapeWith(v, PARAM_CHARS);
      }
    }
    if (this._headers === undefined) return out;
    let sep = '?';
    for (const [k, v] of this._headers) {
      out += sep + escapeWith(k, HNV_CHARS) + '=' + escapeWith(v, HNV_CHARS);
      sep = '&';
    }
    return out;
  }

  /** A deep copy. */
  clone(): SipUri {
    const c = new SipUri({ scheme: this.scheme, host: this.host });
    if (this.user !== undefined) c.user = this.user;
    if (this.password !== undefined) c.password = this.password;
    if (this.port !== undefined) c.port = this.port;
    copyLazyParams(this, c);
    if (this._headers !== undefined) c._headers = new Map(this._headers);
    return c;
  }

  /** URI comparison per RFC 3261 §19.1.4. */
  equals(other: Uri): boolean {
    return other instanceof SipUri && uriEquals(this, other);
  }
}

/** A URI of a scheme tsip does not interpret (RFC 3261 absoluteURI): kept as scheme + opaque text. */
export class AbsoluteUri {
  /** Scheme as written (case kept). */
  scheme: string;
  /** Everything after the first ':'. */
  opaque: string;

  /** @param scheme the scheme, @param opaque the text after `scheme:`. */
  constructor(scheme: string, opaque: string) {
    this.scheme = scheme;
    this.opaque = opaque;
  }

  /** `scheme:opaque`. */
  toString(): string {
    return this.scheme + ':' + this.opaque;
  }

  /** A copy. */
  clone(): AbsoluteUri {
    return new AbsoluteUri(this.scheme, this.opaque);
  }

  /** Case-insensitive scheme, exact opaque part. */
  equals(other: Uri): boolean {
    return other instanceof AbsoluteUri && other.scheme.toLowerCase() === this.scheme.toLowerCase() && other.opaque === this.opaque;
  }
}

function isSchemeChar(c: number, first: boolean): boolean {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (first) return alpha;
  return alpha || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/**
 * Parses any URI (in `text[start, end)`, default all of it): sip/sips/tel into {@link SipUri},
 * other schemes into {@link AbsoluteUri}.
 * @throws SipParseError if malformed.
 */
export function parseUri(text: string, start = 0, end = text.length): Uri {
  // fast path for the common lower-case sip: / sips:
  if (end - start > 4 && text.charCodeAt(start) === 115 && text.charCodeAt(start + 1) === 105 && text.charCodeAt(start + 2) === 112) {
    const c3 = text.charCodeAt(start + 3);
    if (c3 === 58) return parseSip(text, start + 4, 'sip', end);
    if (c3 === 115 && text.charCodeAt(start + 4) === 58) return parseSip(text, start + 5, 'sips', end);
  }
  const colon = text.indexOf(':', start);
  if (colon <= start || colon >= end) fail('invalid URI');
  for (let i = start; i < colon; i++) if (!isSchemeChar(text.charCodeAt(i), i === start)) fail('invalid URI scheme');
  const scheme = text.slice(start, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSip(text, colon + 1, scheme, end);
  if (scheme === 'tel') return parseTel(text, colon + 1, end);
  const opaque = text.slice(colon + 1, end);
  if (opaque.length === 0) fail('empty URI');
  for (let i = 0; i < opaque.length; i++) {
    const c = opaque.charCodeAt(i);
    // absoluteURI characters are all printable ASCII except these
    if (c <= 32 || c >= 127 || c === 60 || c === 62 || c === 34) fail('invalid character in URI');
  }
  return new AbsoluteUri(text.slice(start, colon), opaque);
}

function parseSip(text: string, i: number, scheme: 'sip' | 'sips', n: number): SipUri {
  const uri = new SipUri();
  uri.scheme = scheme;
  // userinfo: one scan finds the '@' and checks the user characters on the way (RFC 3261 §25.1:
  // '@' is never legal unescaped after the userinfo, so the first one ends it)
  let j = i;
  let pct = false;
  let colon = -1;
  let c = 0;
  while (j < n) {
    c = text.charCodeAt(j);
    if (c < 128 && USER_CHARS[c] === 1) j++;
    else if (c === 37) {
      pct = true;
      j++;
    } else if (c === 58) {
      if (colon < 0) colon = j;
      j++;
    } else break;
  }
  if (j < n && c === 64) {
    const ue = colon < 0 ? j : colon;
    if (ue === i) fail('empty user in URI');
    uri.user = pct || colon >= 0 ? unescapeChecked(text.slice(i, ue), USER_CHARS, 'URI user') : text.slice(i, ue);
    if (colon >= 0) uri.password = unescapeChecked(text.slice(colon + 1, j), PASSWORD_CHARS, 'URI password');
    i = j + 1;
  } else if (indexIn(text, 64, j, n) >= 0) {
    // an '@' after a character no user part may hold: report it as the user's
    const at = indexIn(text, 64, j, n);
    unescapeChecked(text.slice(i, at), USER_CHARS, 'URI user');
  }
  const hs = i;
  if (text.charCodeAt(i) === 91) {
    // IPv6reference
    const close = text.indexOf(']', i);
    if (close < 0 || close >= n) fail('unterminated IPv6 reference');
    for (let k = i + 1; k < close; k++) {
      const h = text.charCodeAt(k);
      const hex = (h >= 48 && h <= 58) || (h >= 65 && h <= 70) || (h >= 97 && h <= 102) || h === 46;
      if (!hex) fail('invalid IPv6 reference');
    }
    if (close === i + 1) fail('empty IPv6 reference');
    i = close + 1;
  } else {
    while (i < n) {
      c = text.charCodeAt(i);
      if (c >= 128 || HOST_CHARS[c] !== 1) break;
      i++;
    }
  }
  if (i === hs) fail('missing host in URI');
  uri.host = text.slice(hs, i);
  if (i < n && text.charCodeAt(i) === 58) {
    const ps = ++i;
    let port = 0;
    while (i < n) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      port = port * 10 + d;
      i++;
    }
    if (i === ps || i - ps > 5 || port > 65535) fail('invalid port in URI');
    uri.port = port;
  }
  return parseTail(text, i, uri, n);
}

function parseTel(text: string, i: number, n: number): SipUri {
  const uri = new SipUri({ scheme: 'tel' });
  let end = i;
  while (end < n && text.charCodeAt(end) !== 59 && text.charCodeAt(end) !== 63) end++;
  if (end === i) fail('empty tel number');
  uri.user = unescapeChecked(text.slice(i, end), PARAM_CHARS, 'tel number');
  return parseTail(text, end, uri, n);
}

/** Parses `*(;param)[?headers]` from `i` to `n`. */
function parseTail(text: string, i: number, uri: SipUri, n: number): SipUri {
  if (i === n) return uri;
  let c = text.charCodeAt(i);
  if (c === 59) {
    const flat: FlatParams = [];
    uri._flat = flat;
    // each ';name[=value]' is checked as it is scanned; plain ones need no unescaping or lower-casing
    while (i < n && c === 59) {
      const ps = i + 1;
      let j = ps;
      let eq = -1;
      let plainName = true;
      let plainValue = true;
      while (j < n) {
        c = text.charCodeAt(j);
        if (c < 128 && PARAM_CHARS[c] === 1) {
          if (c >= 65 && c <= 90 && eq < 0) plainName = false;
        } else if (c === 61 && eq < 0) eq = j;
        else if (c === 37) {
          if (eq < 0) plainName = false;
          else plainValue = false;
        } else if (c === 59 || c === 63) break;
        else fail('invalid character in URI parameter');
        j++;
      }
      const ne = eq < 0 ? j : eq;
      if (ne === ps) fail('empty URI parameter');
      let name = text.slice(ps, ne);
      if (!plainName) name = unescapeChecked(name, PARAM_CHARS, 'URI parameter').toLowerCase();
      let value: string | null = null;
      if (eq >= 0) {
        value = text.slice(eq + 1, j);
        if (!plainValue) value = unescapeChecked(value, PARAM_CHARS, 'URI parameter');
      }
      flat.push(name, value);
      i = j;
    }
  }
  if (i === n) return uri;
  if (c !== 63) fail('invalid character after URI host');
  for (const part of text.slice(i + 1, n).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) fail('invalid URI header');
    uri.headers.set(
      unescapeChecked(part.slice(0, eq), HNV_CHARS, 'URI header'),
      unescapeChecked(part.slice(eq + 1), HNV_CHARS, 'URI header'),
    );
  }
  return uri;
}

/** Index of char code `c` in `s[i, n)`, or -1 (a bounded search: URIs are read inside a longer head). */
function indexIn(s: string, c: number, i: number, n: number): number {
  for (; i < n; i++) if (s.charCodeAt(i) === c) return i;
  return -1;
}
