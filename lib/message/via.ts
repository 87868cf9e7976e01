/**
 * The Via header value (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import { type Params } from './params.js';
import { type FlatParams } from './flat-params.js';
import * as m_flat_params from './flat-params.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { HOST_CHARS, TOKEN, skipWs, splitList, toMap } = m_chars;
const { copyLazyParams, formatLazyParams, lazyParam, lazyParamsMap, scanParams } = m_flat_params;

/** Fields accepted by the {@link Via} constructor. */
export interface ViaInit {
  /** Transport, e.g. 'UDP', 'TCP', 'TLS', 'WS' (upper-cased). */
  transport: string;
  host: string;
  port?: number;
  params?: Map<string, string | null> | Record<string, string | null>;
  /** Protocol name/version, default 'SIP/2.0'. */
  protocol?: string;
}

/** The magic cookie that starts an RFC 3261 branch (§8.1.1.7). */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** One Via value: `SIP/2.0/UDP host:port;branch=...`. */
export class Via {
  /** Protocol name and version as written, e.g. 'SIP/2.0'. */
  protocol: string;
  /** Transport, upper case. */
  transport: string;
  /** sent-by host (IPv6 with brackets). */
  host: string;
  /** sent-by port, if written. */
  port?: number;
  /** The parameters as a Map once asked for (see {@link Via.params}). @internal */
  _params: Params | undefined;
  /** The parameters as parsed, until a Map is asked for. @internal */
  _flat: FlatParams | undefined;

  /** Builds a Via from parts. */
  constructor(init: ViaInit) {
    this.protocol = init.protocol ?? 'SIP/2.0';
    // the parser's placeholder (overwritten at once) needs no upper-casing
    this.transport = init === VIA_INIT ? init.transport : init.transport.toUpperCase();
    this.host = init.host;
    if (init.port !== undefined) this.port = init.port;
    this._params = init.params === undefined ? undefined : toMap(init.params);
    this._flat = undefined;
  }

  /** Via parameters (keys lower-cased, `null` = flag); built on first access from the parsed text. */
  get params(): Params {
    return lazyParamsMap(this);
  }

  set params(m: Params) {
    this._params = m;
    this._flat = undefined;
  }

  /** One parameter: its value, `null` for a flag, `undefined` if absent (no Map is built). */
  private param(key: string): string | null | undefined {
    return lazyParam(this, key);
  }

  /**
   * Parses ONE Via value (not a comma-separated list).
   * @throws SipParseError if malformed.
   */
  static parse(value: string): Via {
    return parseVia(value);
  }

  /** The branch parameter (transaction id, RFC 3261 §17.2.3). */
  get branch(): string | undefined {
    return this.param('branch') ?? undefined;
  }

  set branch(v: string | undefined) {
    setOrDelete(this.params, 'branch', v);
  }

  /** The received parameter (§18.2.1). */
  get received(): string | undefined {
    return this.param('received') ?? undefined;
  }

  set received(v: string | undefined) {
    setOrDelete(this.params, 'received', v);
  }

  /** RFC 3581 rport: a number once filled in, `true` when requested without a value. */
  get rport(): number | true | undefined {
    const v = this.param('rport');
    if (v === undefined) return undefined;
    if (v === null) return true;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : true;
  }

  set rport(v: number | true | undefined) {
    if (v === undefined) this.params.delete('rport');
    else this.params.set('rport', v === true ? null : String(v));
  }

  /** The maddr parameter. */
  get maddr(): string | undefined {
    return this.param('maddr') ?? undefined;
  }

  /** The ttl parameter as a number. */
  get ttl(): number | undefined {
    const v = this.param('ttl');
    if (v === null || v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) ? n : undefined;
  }

  /** `SIP/2.0/UDP host:port;params`. */
  toString(): string {
    const hp = this.port === undefined ? this.host : this.host + ':' + this.port;
    const ps = formatLazyParams(this);
    return this.protocol + '/' + this.transport + ' ' + hp + ps;
  }

  /** A deep copy. */
  clone(): Via {
    const c = new Via(VIA_INIT);
    c.protocol = this.protocol;
    c.transport = this.transport;
    c.host = this.host;
    if (this.port !== undefined) c.port = this.port;
    copyLazyParams(this, c);
    return c;
  }
}

function setOrDelete(p: Params, k: string, v: string | undefined): void {
  if (v === undefined) p.delete(k);
  else p.set(k, v);
}

function slash(s: string, i: number, n: number): number {
  i = skipWs(s, i, n);
  if (i >= n || s.charCodeAt(i) !== 47) fail('malformed Via protocol');
  return skipWs(s, i + 1, n);
}

/**
 * Parses one Via value in `s[start, end)` (default: all of `s`); LWS is allowed around '/' and ':'
 * (RFC 3261 §25.1 SLASH, COLON).
 */
export function parseVia(s: string, start = 0, end = s.length): Via {
  const n = end;
  let i = skipWs(s, start, n);
  let protocol = 'SIP/2.0';
  if (i + 8 <= n && isSip20(s, i) && s.charCodeAt(i + 7) === 47) i += 8;
  else {
    let j = scanTokenTo(s, i, n);
    if (j === i) fail('malformed Via');
    const name = s.slice(i, j);
    i = slash(s, j, n);
    j = scanTokenTo(s, i, n);
    if (j === i) fail('malformed Via version');
    protocol = name + '/' + s.slice(i, j);
    i = slash(s, j, n);
  }
  const ts = i;
  let upper = true;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) break;
    if (c >= 97 && c <= 122) upper = false;
    i++;
  }
  if (i === ts) fail('malformed Via transport');
  const transport = upper ? s.slice(ts, i) : s.slice(ts, i).toUpperCase();
  const te = i;
  i = skipWs(s, i, n);
  if (i === te) fail('malformed Via sent-by');
  const hs = i;
  if (s.charCodeAt(i) === 91) {
    const close = s.indexOf(']', i);
    if (close < 0 || close >= n || close === i + 1) fail('malformed Via host');
    for (let j = i + 1; j < close; j++) {
      const c = s.charCodeAt(j);
      // IPv6reference: hex digits, ':' and '.' (an embedded IPv4 address)
      if (!((c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46)) fail('malformed Via host');
    }
    i = close + 1;
  } else {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || HOST_CHARS[c] !== 1) break;
      i++;
    }
  }
  if (i === hs) fail('missing Via host');
  const via = new Via(VIA_INIT);
  via.protocol = protocol;
  via.transport = transport;
  via.host = s.slice(hs, i);
  i = skipWs(s, i, n);
  if (i < n && s.charCodeAt(i) === 58) {
    i = skipWs(s, i + 1, n);
    const ps = i;
    let port = 0;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      port = port * 10 + c;
      i++;
    }
    if (i === ps || i - ps > 5 || port > 65535) fail('invalid Via port');
    via.port = port;
  }
  if (i < n) via._flat = scanParams(s, i, 'Via', n);
  return via;
}

/** True if `SIP/2.0` is written at `s[i]` (compared by char code: cheaper than `startsWith`). */
export function isSip20(s: string, i: number): boolean {
  return (
    s.charCodeAt(i) === 83 && s.charCodeAt(i + 1) === 73 && s.charCodeAt(i + 2) === 80 && s.charCodeAt(i + 3) === 47 &&
    s.charCodeAt(i + 4) === 50 && s.charCodeAt(i + 5) === 46 && s.charCodeAt(i + 6) === 48
  );
}

function scanTokenTo(s: string, i: number, n: number): number {
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) break;
    i++;
  }
  return i;
}

/** Placeholder init the parser overwrites field by field. */
const VIA_INIT: ViaInit = { transport: 'UDP', host: '' };

/** Parses every Via value of the given raw header lines (split on commas). */
export function parseViaList(lines: string[]): Via[] {
  const out: Via[] = [];
  for (const line of lines) for (const v of splitList(line)) out.push(parseVia(v));
  return out;
}
