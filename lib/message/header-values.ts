/**
 * Parsers behind the `SipMessage` accessors: each reads its header from a `Headers` store and
 * returns the parsed value, throwing SipParseError when it is malformed (or missing when mandatory).
 * @module
 * @internal
 */
import * as m_chars from './chars.js';
import * as m_cseq from './cseq.js';
import { fail } from './errors.js';
import type { Headers } from './headers.js';
import * as m_headers from './headers.js';
import { MediaType } from './media-type.js';
import type { ContactValue } from './name-addr.js';
import * as m_name_addr from './name-addr.js';
import type { Via } from './via.js';
import * as m_via from './via.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { isToken, parseDecimal, splitList, trimWs } = m_chars;
const { parseCSeq } = m_cseq;
const { parseContacts, parseNameAddr, parseNameAddrList } = m_name_addr;
const { parseVia, parseViaList } = m_via;

/** Largest Content-Length accepted (2**31-1). */
export const MAX_CONTENT_LENGTH = 0x7fffffff;
/** Largest delta-seconds value (RFC 3261 §25.1: up to 2**32-1). */
export const MAX_DELTA_SECONDS = 0xffffffff;

function single(h: Headers, key: string, label: string): string {
  const v = h.firstByKey(key);
  if (v === undefined) fail(`missing ${label} header`);
  if (h.countKey(key) > 1) fail(`multiple ${label} headers`);
  return v;
}

const parseTokens = (key: string) => (h: Headers): string[] => {
  const out = h.getAllByKey(key);
  for (const t of out) if (!isToken(t)) fail(`invalid ${key} value`);
  return out;
};

function optionalNumber(key: string, max: number, label: string) {
  return (h: Headers): number | undefined => {
    const v = h.firstByKey(key);
    if (v === undefined) return undefined;
    if (h.countKey(key) > 1) fail(`multiple ${label} headers`);
    return parseDecimal(v, max, label);
  };
}

const TOP_VIA_SLOT = m_headers.SLOT.topVia;

/**
 * Accessor parser for via. A single Via value (one field, no comma) is the top Via the parser
 * already parsed and cached for every received message: it is reused, not parsed a second time
 * (the UAS checks read the whole list of every request). @internal
 */
export const P_VIA = (h: Headers): Via[] => {
  const lines = h.linesByKey('via');
  if (lines.length === 1 && lines[0].indexOf(',') < 0) {
    const top = h._peekCached(TOP_VIA_SLOT) as Via | undefined;
    if (top !== undefined) return [top];
  }
  return parseViaList(lines);
};
/** Parses the first element of a raw Via field value (RFC 3261 §7.3.1 list). @internal */
export function parseTopVia(first: string): Via {
  const top = first.indexOf(',') < 0 ? first : splitList(first)[0];
  if (top === undefined) fail('empty Via header');
  return parseVia(top);
}

/** Checks a Call-ID value (RFC 3261 §20.8: word ["@" word], no whitespace). @internal */
export function checkCallId(v: string): string {
  if (v.length === 0 || v.indexOf(' ') >= 0 || v.indexOf('\t') >= 0) fail('invalid Call-ID');
  return v;
}

/** Accessor parser for topvia. @internal */
export const P_TOPVIA = (h: Headers): Via => {
  const first = h.firstByKey('via');
  if (first === undefined) fail('missing Via header');
  return parseTopVia(first);
};
/** Accessor parser for callid. @internal */
export const P_CALLID = (h: Headers) => checkCallId(single(h, 'call-id', 'Call-ID'));
/** Accessor parser for cseq. @internal */
export const P_CSEQ = (h: Headers) => parseCSeq(single(h, 'cseq', 'CSeq'));
/** Accessor parser for from. @internal */
export const P_FROM = (h: Headers) => parseNameAddr(single(h, 'from', 'From'));
/** Accessor parser for to. @internal */
export const P_TO = (h: Headers) => parseNameAddr(single(h, 'to', 'To'));
/** Accessor parser for contact. @internal */
export const P_CONTACT = (h: Headers): ContactValue[] => {
  // the common case, one Contact field holding one value, without the list split nor a search for
  // the field (`_contactSrc` is set only when the parser saw a single Contact field, and dropped
  // as soon as Contact changes)
  const src = h._contactSrc;
  if (src !== undefined) {
    const one = h._contactValue;
    if (one.length > 0 && one !== '*' && one.indexOf(',') < 0) return [parseNameAddr(src, h._contactAt, h._contactAt + one.length)];
  }
  const v = h.firstByKey('contact');
  if (v === undefined) return [];
  if (v.indexOf(',') >= 0 || (src === undefined && h.countKey('contact') > 1)) return parseContacts(h.getAllByKey('contact'));
  const t = trimWs(v);
  if (t.length === 0) return [];
  return [t === '*' ? '*' : parseNameAddr(t)];
};
/** Accessor parser for route. @internal */
export const P_ROUTE = (h: Headers) => parseNameAddrList(h.getAllByKey('route'));
/** Accessor parser for rroute. @internal */
export const P_RROUTE = (h: Headers) => parseNameAddrList(h.getAllByKey('record-route'));
/** Accessor parser for maxfwd. @internal */
export const P_MAXFWD = optionalNumber('max-forwards', 255, 'Max-Forwards');
/** Accessor parser for expires. @internal */
export const P_EXPIRES = optionalNumber('expires', MAX_DELTA_SECONDS, 'Expires');
/** Accessor parser for clen. @internal */
export const P_CLEN = optionalNumber('content-length', MAX_CONTENT_LENGTH, 'Content-Length');
/** Accessor parser for ctype. @internal */
export const P_CTYPE = (h: Headers) => {
  const lines = h.linesByKey('content-type');
  if (lines.length === 0) return undefined;
  if (lines.length > 1) fail('multiple Content-Type headers');
  return MediaType.parse(lines[0]);
};
/** Accessor parser for require. @internal */
export const P_REQUIRE = parseTokens('require');
/** Accessor parser for supported. @internal */
export const P_SUPPORTED = parseTokens('supported');
/** Accessor parser for proxy-require. @internal */
export const P_PROXY_REQUIRE = parseTokens('proxy-require');
/** Accessor parser for allow. @internal */
export const P_ALLOW = parseTokens('allow');
