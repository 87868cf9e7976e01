/**
 * Parsing a whole SIP message (one UDP datagram, or one message cut out by the stream framer).
 * The start line and header fields are split into raw (name, value) pairs; only the headers every
 * stack needs (Via, From, To, CSeq, Call-ID, Max-Forwards, Content-Length) are parsed up front so
 * that a malformed one is refused here with a 400 reason. The rest is parsed on first read.
 * @module
 */
import * as m_chars from './chars.js';
import * as m_header_block from './header-block.js';
import { isAscii } from 'node:buffer';
import * as m_errors from './errors.js';
import * as m_headers from './headers.js';
import * as m_message from './message.js';
import * as m_header_values from './header-values.js';
import * as m_cseq from './cseq.js';
import * as m_name_addr from './name-addr.js';
import * as m_via from './via.js';
import * as m_uri from './uri.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { SipParseError, fail } = m_errors;
const { Headers, SLOT } = m_headers;
const { SipRequest, SipResponse } = m_message;
const { TOKEN, parseDecimal } = m_chars;
const { MAX_CONTENT_LENGTH, checkCallId, parseTopVia } = m_header_values;
const { parseCSeq } = m_cseq;
const { parseNameAddr } = m_name_addr;
const { isSip20, parseVia } = m_via;
const { newHotFields, parseHeaderBlock, resetHotFields } = m_header_block;

/** The parser's one HotFields, reset for each message (parsing is synchronous and never re-entered). */
const HOT = newHotFields();
const { parseUri } = m_uri;

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /**
   * True when the bytes came from a stream (TCP/TLS/WS) framer: Content-Length is then mandatory
   * (RFC 3261 §18.3). Default false (datagram rules).
   */
  stream?: boolean;
}

/** Node's own latin1 decoder behind `buf.toString('latin1', a, b)`, without its argument checks. */
type Latin1Slicer = Buffer & { latin1Slice?: (start: number, end: number) => string };
const HAS_LATIN1_SLICE = typeof (Buffer.prototype as Latin1Slicer).latin1Slice === 'function';

function latin1(buf: Buffer, end: number): string {
  return HAS_LATIN1_SLICE ? (buf as Required<Latin1Slicer>).latin1Slice(0, end) : buf.toString('latin1', 0, end);
}

/** Octets searched as latin1 text for the end of the head. */
const PROBE = 2048;
const NL_CRLF = Buffer.from('\n\r\n');
const LFLF = Buffer.from('\n\n');

/**
 * Parses one SIP message.
 *
 * Datagram rules (RFC 3261 §18.3): a body longer than Content-Length is truncated to it; a shorter
 * one is an error; without Content-Length the body is the rest of the datagram. Leading CRLFs are
 * skipped (§7.5). Lines may end in CRLF or, leniently, bare LF.
 * @throws SipParseError for anything malformed, and never any other error.
 */
export function parseMessage(data: Buffer | string, options?: ParseOptions): m_message.SipRequest | m_message.SipResponse {
  try {
    return parseUnsafe(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, options !== undefined && options.stream === true);
  } catch (e) {
    if (e instanceof SipParseError) throw e;
    // NOTE (deviation): a bug in a sub-parser must still surface as a 400, never crash the stack
    throw new SipParseError('malformed message', { cause: e });
  }
}

/** Hot header indexes (HeaderName.hot, see HOT_HEADERS) allowed at most once, with the name for the error. */
const ONCE: ReadonlyArray<readonly [number, string]> = [
  [1, 'CSeq'], [2, 'From'], [3, 'To'], [4, 'Call-ID'], [5, 'Max-Forwards'], [6, 'Content-Length'],
];
const H_VIA = 0;
const H_CSEQ = 1;
const H_FROM = 2;
const H_TO = 3;
const H_CALL_ID = 4;
const H_MAX_FORWARDS = 5;
const H_CONTENT_LENGTH = 6;
const H_CONTACT = 7;

function parseUnsafe(buf: Buffer, stream: boolean): m_message.SipRequest | m_message.SipResponse {
  let start = 0;
  // RFC 3261 §7.5: ignore CRLFs before the start line
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === buf.length) fail('empty message');
  let headers = new Headers();
  // where each hot value starts in `head`, so they are parsed in place in the flat string
  const hot = resetHotFields(HOT);
  let head = '';
  let lineStart = start;
  let lineEnd = -1;
  let bodyStart = -1;
  let blockEnd = -1; // where the header block ends in `head`
  if (isAscii(buf)) {
    // One pass over a flat latin1 string (one char per octet, so indexes are octet offsets): the
    // header block stops at the empty line, which gives the body start without a separate search.
    const probeEnd = buf.length < PROBE ? buf.length : PROBE;
    head = latin1(buf, probeEnd);
    const nl = head.indexOf('\n', start);
    if (nl >= 0) {
      lineEnd = nl > start && head.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const empty = parseHeaderBlock(head, nl + 1, headers, probeEnd, hot, buf);
      if (empty >= 0) {
        blockEnd = empty;
        if (buf[empty] === 10) bodyStart = empty + 1;
        else if (buf[empty + 1] === 10) bodyStart = empty + 2;
      }
    }
    if (bodyStart < 0) {
      if (probeEnd === buf.length) fail('missing empty line after headers');
      headers = new Headers(); // head longer than the probe: start again below
      resetHotFields(hot);
    }
  }
  if (bodyStart < 0) {
    // non-ASCII octets (decoded as UTF-8) or a long head
    let headEnd = buf.indexOf(NL_CRLF, start);
    bodyStart = headEnd + 3;
    // NOTE (deviation): bare-LF line ends are tolerated, as most stacks do
    const lf = buf.indexOf(LFLF, start);
    if (lf >= 0 && (headEnd < 0 || lf < headEnd)) {
      headEnd = lf;
      bodyStart = lf + 2;
    }
    if (headEnd < 0) fail('missing empty line after headers');
    head = buf.toString('utf8', start, headEnd);
    blockEnd = head.length;
    lineStart = 0;
    const nl = head.indexOf('\n');
    lineEnd = nl < 0 ? head.length : nl;
    if (lineEnd > 0 && head.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (nl >= 0 && parseHeaderBlock(head, nl + 1, headers, head.length, hot) >= 0) fail('bare CR in header');
  }
  let msg: m_message.SipRequest | m_message.SipResponse;
  try {
    msg = parseStartLine(head, lineStart, lineEnd, headers);
  } catch (e) {
    // a bare CR makes every start line fail its grammar (method, URI, version, status; a reason
    // phrase holding one is refused by SipResponse): searched for only then, for the better reason
    // (one in a header line first, as those were read first)
    if (hasBareCr(head, lineEnd, blockEnd)) fail('bare CR in header');
    const cr = head.indexOf('\r', lineStart);
    if (cr >= 0 && cr < lineEnd) fail('bare CR in start line');
    throw e;
  }
  let contentLength: number;
  try {
    contentLength = readHotHeaders(head, headers, hot);
  } catch (e) {
    // the header-block parser did not search the values these grammars read for CR (they refuse
    // it): one there failed them, and is reported as what it is
    if (e instanceof SipParseError && hasBareCr(head, lineEnd, blockEnd)) fail('bare CR in header');
    throw e;
  }
  // body, RFC 3261 §18.3
  if (contentLength >= 0) {
    if (contentLength > buf.length - bodyStart) fail('Content-Length larger than message');
    if (contentLength > 0) msg.body = buf.subarray(bodyStart, bodyStart + contentLength);
  } else {
    if (stream) fail('missing Content-Length on a stream');
    if (bodyStart < buf.length) msg.body = buf.subarray(bodyStart);
  }
  return msg;
}

/** True if a CR not followed by LF is in `head[from, to)` (a header block). */
function hasBareCr(head: string, from: number, to: number): boolean {
  for (let cr = head.indexOf('\r', from); cr >= 0 && cr < to; cr = head.indexOf('\r', cr + 1)) {
    if (head.charCodeAt(cr + 1) !== 10) return true;
  }
  return false;
}

/**
 * Checks and parses the headers every layer relies on, eagerly, into the cache of `headers`: each
 * at most once, and well formed. `hot` says where the header-block parser found them in `head`.
 * @returns the Content-Length, -1 if there is none.
 */
function readHotHeaders(head: string, headers: m_headers.Headers, hot: m_header_block.HotFields): number {
  const second = hot.second;
  if (second[1] >= 0 || second[2] >= 0 || second[3] >= 0 || second[4] >= 0 || second[5] >= 0 || second[6] >= 0) {
    let repeat = -1; // the earliest repeated one is reported
    for (let k = 0; k < ONCE.length; k++) {
      const s = second[ONCE[k][0]];
      if (s >= 0 && (repeat < 0 || s < second[ONCE[repeat][0]])) repeat = k;
    }
    fail(`multiple ${ONCE[repeat][1]} headers`);
  }
  // parse and cache what every layer reads; only the top Via is checked here: it is what
  // transactions and responses rely on
  const values = headers._valueList();
  // the values parsed here are never undefined, so they go straight into the cache slots
  const cache = headers._newCache();
  const index = hot.index;
  const at = hot.start;
  let ix = index[H_VIA];
  if (ix >= 0) {
    const v = values[ix];
    const o = at[H_VIA];
    if (o >= 0 && v.indexOf(',') < 0) cache[SLOT.topVia] = parseVia(head, o, o + v.length);
    else {
      // only the first of several is parsed here: the value is searched for a CR as any other
      if (v.indexOf('\r') >= 0) fail('bare CR in header');
      cache[SLOT.topVia] = parseTopVia(v);
    }
  }
  ix = index[H_CSEQ];
  if (ix >= 0) {
    const o = at[H_CSEQ];
    cache[SLOT.cseq] = o >= 0 ? parseCSeq(head, o, o + values[ix].length) : parseCSeq(values[ix]);
  }
  ix = index[H_CALL_ID];
  if (ix >= 0) cache[SLOT['call-id']] = checkCallId(values[ix]);
  ix = index[H_FROM];
  if (ix >= 0) {
    const o = at[H_FROM];
    cache[SLOT.from] = o >= 0 ? parseNameAddr(head, o, o + values[ix].length) : parseNameAddr(values[ix]);
  }
  ix = index[H_TO];
  if (ix >= 0) {
    const o = at[H_TO];
    cache[SLOT.to] = o >= 0 ? parseNameAddr(head, o, o + values[ix].length) : parseNameAddr(values[ix]);
  }
  if (index[H_CONTACT] >= 0 && at[H_CONTACT] >= 0 && second[H_CONTACT] < 0) {
    headers._contactSrc = head;
    headers._contactAt = at[H_CONTACT];
    headers._contactValue = values[index[H_CONTACT]];
  }
  ix = index[H_MAX_FORWARDS];
  if (ix >= 0) cache[SLOT['max-forwards']] = parseDecimal(values[ix], 255, 'Max-Forwards');
  ix = index[H_CONTENT_LENGTH];
  if (ix < 0) return -1;
  const len = parseDecimal(values[ix], MAX_CONTENT_LENGTH, 'Content-Length');
  cache[SLOT['content-length']] = len;
  return len;
}

const VERSION_RE = /^SIP\/\d{1,3}\.\d{1,3}$/i;

/** Parses the start line written in `s[a, b)` (read in place: no slice of the whole line). */
function parseStartLine(s: string, a: number, b: number, headers: m_headers.Headers): m_message.SipRequest | m_message.SipResponse {
  if (b - a > 4 && s.charCodeAt(a + 3) === 47 && (s.charCodeAt(a) | 0x20) === 115 && (s.charCodeAt(a + 1) | 0x20) === 105 && (s.charCodeAt(a + 2) | 0x20) === 112) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    let sp = s.indexOf(' ', a);
    if (sp < 0 || sp > b) sp = b;
    const version = sp - a === 7 && isSip20(s, a) ? 'SIP/2.0' : s.slice(a, sp);
    if (version !== 'SIP/2.0' && !VERSION_RE.test(version)) fail('invalid SIP version');
    const cs = sp + 1;
    let ce = cs;
    while (ce < b && s.charCodeAt(ce) >= 48 && s.charCodeAt(ce) <= 57) ce++;
    if (sp === b || ce - cs !== 3) fail('invalid status code');
    if (ce < b && s.charCodeAt(ce) !== 32) fail('invalid status code');
    const status = (s.charCodeAt(cs) - 48) * 100 + (s.charCodeAt(cs + 1) - 48) * 10 + (s.charCodeAt(cs + 2) - 48);
    if (status < 100 || status > 699) fail('status code out of range');
    let ra = ce;
    while (ra < b && s.charCodeAt(ra) === 32) ra++;
    let rb = b;
    while (rb > ra && (s.charCodeAt(rb - 1) === 32 || s.charCodeAt(rb - 1) === 9)) rb--;
    return new SipResponse({ status, reason: s.slice(ra, rb), headers, version: normVersion(version) });
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  // NOTE (deviation): runs of SP and trailing SP are tolerated (RFC 4475 §3.1.2.9/10 allow it)
  let me = a;
  while (me < b) {
    const c = s.charCodeAt(me);
    if (c >= 128 || TOKEN[c] !== 1) break;
    me++;
  }
  if (me === a || s.charCodeAt(me) !== 32) fail('invalid method');
  let us = me;
  while (s.charCodeAt(us) === 32) us++;
  const ue = s.indexOf(' ', us);
  if (ue < 0 || ue >= b) fail('malformed request line');
  let vs = ue;
  while (s.charCodeAt(vs) === 32) vs++;
  let ve = vs;
  while (ve < b && s.charCodeAt(ve) !== 32) ve++;
  let rest = ve;
  while (rest < b && s.charCodeAt(rest) === 32) rest++;
  if (ve === vs || rest !== b) fail('malformed request line');
  // the usual version as the shared constant, without cutting it out
  const version = ve - vs === 7 && isSip20(s, vs) ? 'SIP/2.0' : s.slice(vs, ve);
  if (version !== 'SIP/2.0' && !VERSION_RE.test(version)) fail('invalid SIP version');
  const uri = parseUri(s, us, ue);
  return new SipRequest({ method: s.slice(a, me), uri, headers, version: normVersion(version) });
}

function normVersion(v: string): string {
  return v === 'SIP/2.0' ? v : v.toUpperCase();
}
