/**
 * The SIP message model: SipMessage, SipRequest, SipResponse (RFC 3261 §7).
 * Header values are parsed lazily by the accessors and cached until the header is set again.
 * @module
 */
import * as m_chars from './chars.js';
import { type CSeq } from './cseq.js';
import * as m_cseq from './cseq.js';
import { fail } from './errors.js';
import { type HeadersInit } from './headers.js';
import * as m_headers from './headers.js';
import { MediaType } from './media-type.js';
import * as m_reason_phrases from './reason-phrases.js';
import { type ContactValue, NameAddr } from './name-addr.js';
import * as m_name_addr from './name-addr.js';
import { type Uri } from './uri.js';
import * as m_uri from './uri.js';
import { Via } from './via.js';
import * as m_header_values from './header-values.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { isToken } = m_chars;
const { Headers, SLOT } = m_headers;
const {
  P_ALLOW, P_CALLID, P_CLEN, P_CONTACT, P_CSEQ, P_CTYPE, P_EXPIRES, P_FROM, P_MAXFWD, P_PROXY_REQUIRE, P_REQUIRE,
  P_ROUTE, P_RROUTE, P_SUPPORTED, P_TO, P_TOPVIA, P_VIA,
} = m_header_values;
const { formatCSeq } = m_cseq;
const { reasonPhrase } = m_reason_phrases;
const { parseUri } = m_uri;
const { parseNameAddrList } = m_name_addr;

/** Shared empty body (zero length, so it cannot be written to). */
const EMPTY = Buffer.alloc(0);

/** Fields common to the constructors of requests and responses. */
export interface SipMessageInit {
  /** Header fields (a Headers object is used as is, not copied). */
  headers?: HeadersInit;
  /** Body; a string is encoded as UTF-8. */
  body?: Buffer | string;
  /** Protocol version, default 'SIP/2.0'. */
  version?: string;
}

/**
 * Common part of requests and responses. Accessors parse on first read and cache until that
 * header is set again (through the setter or `headers.set`). Treat returned objects as read-only:
 * to change one, clone it and assign it back through the setter, which rewrites the header.
 * Accessors throw {@link SipParseError} when the header is malformed, or missing when mandatory.
 */
export abstract class SipMessage {
  /** Header fields in order. */
  headers: m_headers.Headers;
  /** Body octets. */
  body: Buffer;
  /** Protocol version as written, e.g. 'SIP/2.0'. */
  version: string;

  /** @param init headers, body and version. */
  constructor(init: SipMessageInit) {
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body === undefined ? EMPTY : typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
    this.version = init.version ?? 'SIP/2.0';
  }

  /** True for a {@link SipRequest}. */
  abstract isRequest(): this is SipRequest;

  /** True for a {@link SipResponse}. */
  isResponse(): this is SipResponse {
    return !this.isRequest();
  }

  /** Every Via value, topmost first; [] if there is none. */
  get via(): Via[] {
    return this.headers.cached(SLOT.via, P_VIA);
  }

  set via(list: Via[]) {
    this.headers.set('Via', list.map((v) => v.toString()));
    this.headers.setCached(SLOT.via, list);
    if (list.length > 0) this.headers.setCached(SLOT.topVia, list[0]);
  }

  /** The topmost Via (parsed alone, without the others). @throws SipParseError if there is none. */
  get topVia(): Via {
    return this.headers.cached(SLOT.topVia, P_TOPVIA);
  }

  /**
   * Replaces the topmost Via value only: the other Via values stay as written, unparsed (what the
   * transport does to every request it sends or receives, RFC 3261 §18.1.1 / §18.2.1; rewriting
   * all of them would parse, copy and re-serialize each of a hostile request's hundreds).
   * @throws SipParseError if there is no Via to replace.
   */
  set topVia(v: Via) {
    if (!this.headers._replaceFirstElement('via', v.toString())) fail('missing Via header');
    this.headers.setCached(SLOT.topVia, v);
  }

  /** Call-ID (RFC 3261 §20.8). */
  get callId(): string {
    return this.headers.cached(SLOT['call-id'], P_CALLID);
  }

  set callId(v: string) {
    this.headers.set('Call-ID', v);
  }

  /** CSeq (RFC 3261 §20.16). */
  get cseq(): CSeq {
    return this.headers.cached(SLOT.cseq, P_CSEQ);
  }

  set cseq(v: CSeq) {
    this.headers.set('CSeq', formatCSeq(v));
    this.headers.setCached(SLOT.cseq, { seq: v.seq, method: v.method });
  }

  /** From (RFC 3261 §20.20). */
  get from(): NameAddr {
    return this.headers.cached(SLOT.from, P_FROM);
  }

  set from(v: NameAddr) {
    this.headers.set('From', v.toString());
    this.headers.setCached(SLOT.from, v);
  }

  /** To (RFC 3261 §20.39). */
  get to(): NameAddr {
    return this.headers.cached(SLOT.to, P_TO);
  }

  set to(v: NameAddr) {
    this.headers.set('To', v.toString());
    this.headers.setCached(SLOT.to, v);
  }

  /** Contact values in order ('*' for the wildcard); [] if none. */
  get contact(): ContactValue[] {
    return this.headers.cached(SLOT.contact, P_CONTACT);
  }

  set contact(list: ContactValue[]) {
    this.headers.set('Contact', list.map((c) => c.toString()));
    this.headers.setCached(SLOT.contact, list);
  }

  /** Route values in order; [] if none. */
  get route(): NameAddr[] {
    return this.headers.cached(SLOT.route, P_ROUTE);
  }

  set route(list: NameAddr[]) {
    this.setList('Route', 'route', list);
  }

  /** Record-Route values in order; [] if none. */
  get recordRoute(): NameAddr[] {
    return this.headers.cached(SLOT['record-route'], P_RROUTE);
  }

  set recordRoute(list: NameAddr[]) {
    this.setList('Record-Route', 'record-route', list);
  }

  /** Max-Forwards (0..255), undefined if absent (RFC 2543 peers omit it). */
  get maxForwards(): number | undefined {
    return this.headers.cached(SLOT['max-forwards'], P_MAXFWD);
  }

  set maxForwards(v: number | undefined) {
    this.setNumber('Max-Forwards', v);
  }

  /** Expires in seconds, undefined if absent. */
  get expires(): number | undefined {
    return this.headers.cached(SLOT.expires, P_EXPIRES);
  }

  set expires(v: number | undefined) {
    this.setNumber('Expires', v);
  }

  /** Content-Length as written, undefined if absent (the serializer always writes the real one). */
  get contentLength(): number | undefined {
    return this.headers.cached(SLOT['content-length'], P_CLEN);
  }

  /** Content-Type, undefined if absent. */
  get contentType(): MediaType | undefined {
    return this.headers.cached(SLOT['content-type'], P_CTYPE);
  }

  set contentType(v: MediaType | undefined) {
    if (v === undefined) this.headers.delete('Content-Type');
    else {
      this.headers.set('Content-Type', v.toString());
      this.headers.setCached(SLOT['content-type'], v);
    }
  }

  /** Require option tags. */
  get require(): string[] {
    return this.headers.cached(SLOT.require, P_REQUIRE);
  }

  /** Supported option tags. */
  get supported(): string[] {
    return this.headers.cached(SLOT.supported, P_SUPPORTED);
  }

  /** Proxy-Require option tags. */
  get proxyRequire(): string[] {
    return this.headers.cached(SLOT['proxy-require'], P_PROXY_REQUIRE);
  }

  /** Allow methods. */
  get allow(): string[] {
    return this.headers.cached(SLOT.allow, P_ALLOW);
  }

  private setList(name: string, key: 'route' | 'record-route', list: NameAddr[]): void {
    if (list.length === 0) this.headers.delete(name);
    else {
      this.headers.set(name, list.map((r) => r.toString()));
      this.headers.setCached(SLOT[key], list);
    }
  }

  private setNumber(name: string, v: number | undefined): void {
    if (v === undefined) this.headers.delete(name);
    else {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer`);
      this.headers.set(name, String(v));
    }
  }

  /** The start line, without CRLF. */
  abstract startLine(): string;

  /** A deep copy (headers and body copied). */
  abstract clone(): SipMessage;
}

/** Fields for {@link SipRequest}. */
export interface SipRequestInit extends SipMessageInit {
  /** Method, case-sensitive token. */
  method: string;
  /** Request-URI (a string is parsed). */
  uri: Uri | string;
}

/** A SIP request. */
export class SipRequest extends SipMessage {
  /** Method (case-sensitive, RFC 3261 §7.1). */
  method: string;
  /** Request-URI. */
  uri: Uri;

  /**
   * @throws TypeError if the method is not a token; SipParseError if a string URI is malformed.
   */
  constructor(init: SipRequestInit) {
    super(init);
    if (!isToken(init.method)) throw new TypeError('method must be a token');
    this.method = init.method;
    this.uri = typeof init.uri === 'string' ? parseUri(init.uri) : init.uri;
  }

  /** Always true. */
  isRequest(): this is SipRequest {
    return true;
  }

  /** `METHOD uri SIP/2.0`. */
  startLine(): string {
    return this.method + ' ' + this.uri.toString() + ' ' + this.version;
  }

  /** A deep copy. */
  clone(): SipRequest {
    return new SipRequest({ method: this.method, uri: this.uri.clone(), headers: this.headers.clone(), body: Buffer.from(this.body), version: this.version });
  }
}

/** Fields for {@link SipResponse}. */
export interface SipResponseInit extends SipMessageInit {
  /** Status code 100..699. */
  status: number;
  /** Reason phrase (default: the standard phrase for the status). */
  reason?: string;
}

/** A SIP response. */
export class SipResponse extends SipMessage {
  /** Status code. */
  status: number;
  /** Reason phrase (may be empty). */
  reason: string;

  /** @throws RangeError if the status is not 100..699. */
  constructor(init: SipResponseInit) {
    super(init);
    if (!Number.isInteger(init.status) || init.status < 100 || init.status > 699) throw new RangeError('status must be 100..699');
    if (init.reason !== undefined && /[\r\n]/.test(init.reason)) throw new TypeError('reason contains CR or LF');
    this.status = init.status;
    this.reason = init.reason ?? reasonPhrase(init.status);
  }

  /** Always false. */
  isRequest(): this is SipRequest {
    return false;
  }

  /** `SIP/2.0 code reason`. */
  startLine(): string {
    return this.version + ' ' + this.status + ' ' + this.reason;
  }

  /** A deep copy. */
  clone(): SipResponse {
    return new SipResponse({ status: this.status, reason: this.reason, headers: this.headers.clone(), body: Buffer.from(this.body), version: this.version });
  }
}

/** Parses raw header values into NameAddr list (for headers like Path, P-Asserted-Identity). */
export function parseAddressHeader(msg: SipMessage, name: string): NameAddr[] {
  return parseNameAddrList(msg.headers.getAll(name));
}
