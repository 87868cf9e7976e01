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
import { SipParseError, fail } from './errors.js';
import * as m_header_names from './header-names.js';
import { Headers } from './headers.js';
import { SipRequest, SipResponse } from './message.js';
import * as m_uri from './uri.js';

// NOTE: hot imported functions and tables are copied to locals once: under tsx's module
// transform each access to an imported name is a getter call, which dominated parse profiles.
const { scanToken } = m_chars;
const { parseHeaderBlock } = m_header_block;
const { resolveHeaderName } = m_header_names;
const { parseUri } = m_uri;

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /**
   * True when the bytes came from a stream (TCP/TLS/WS) framer: Content-Length is then mandatory
   * (RFC 3261 §18.3). Default false (datagram rules).
   */
  stream?: boolean;
}

/** Messages up to this size are searched as latin1 text. */
const SMALL = 16384;
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
export function parseMessage(data: Buffer | string, options: ParseOptions = {}): SipRequest | SipResponse {
  try {
    return parseUnsafe(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, options.stream === true);
  } catch (e) {
    if (e instanceof SipParseError) throw e;
    // NOTE (deviation): a bug in a sub-parser must still surface as a 400, never crash the stack
    throw new SipParseError('malformed message', { cause: e });
  }
}

/** Bit of a header allowed at most once and checked eagerly, or 0. */
function onceBit(key: string): number {
  switch (key) {
    case 'call-id': return 1;
    case 'cseq': return 2;
    case 'from': return 4;
    case 'to': return 8;
    case 'max-forwards': return 16;
    case 'content-length': return 32;
    default: return 0;
  }
}

function parseUnsafe(buf: Buffer, stream: boolean): SipRequest | SipResponse {
  let start = 0;
  // RFC 3261 §7.5: ignore CRLFs before the start line
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === buf.length) fail('empty message');
  // the head ends at the first empty line; headEnd is the LF ending the last header line
  let headEnd: number;
  let bodyStart: number;
  // `head` holds the start line and header fields in [hs, he)
  let head: string;
  let hs = 0;
  let he: number;
  if (buf.length <= SMALL) {
    // latin1 text has one char per octet, so its indexes are octet offsets; a string search is
    // cheaper than Buffer#indexOf, and a pure-ASCII message needs no UTF-8 decoding: the head
    // is then read in place in this flat string (slices would slow every charCodeAt)
    const text = buf.toString('latin1');
    headEnd = text.indexOf('\n\r\n', start);
    bodyStart = headEnd + 3;
    if (headEnd < 0) {
      // NOTE (deviation): bare-LF line ends are tolerated, as most stacks do
      headEnd = text.indexOf('\n\n', start);
      if (headEnd < 0) fail('missing empty line after headers');
      bodyStart = headEnd + 2;
    }
    if (isAscii(buf)) {
      head = text;
      hs = start;
      he = headEnd;
    } else {
      head = buf.toString('utf8', start, headEnd);
      he = head.length;
    }
  } else {
    headEnd = buf.indexOf(NL_CRLF, start);
    bodyStart = headEnd + 3;
    if (headEnd < 0) {
      headEnd = buf.indexOf(LFLF, start);
      if (headEnd < 0) fail('missing empty line after headers');
      bodyStart = headEnd + 2;
    }
    head = buf.toString('utf8', start, headEnd);
    he = head.length;
  }
  const headers = new Headers();

  // start line
  let nl = head.indexOf('\n', hs);
  if (nl > he) nl = -1;
  let lineEnd = nl < 0 ? he : nl;
  if (lineEnd > hs && head.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  const startLine = head.slice(hs, lineEnd);
  if (startLine.indexOf('\r') >= 0) fail('bare CR in start line');

  // header fields; an empty line inside means a bare-LF head ended earlier
  const early = nl < 0 ? -1 : parseHeaderBlock(head, nl + 1, headers, he);
  if (early >= 0) {
    bodyStart = start + Buffer.byteLength(head.slice(hs, early)) + (head.charCodeAt(early) === 13 ? 2 : 1);
  }

  const msg = parseStartLine(startLine, headers);

  // eager checks of the headers every layer relies on: each at most once, and well formed
  let via = false;
  let seen = 0;
  const keys = headers._keyList();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === 'via') {
      via = true;
      continue;
    }
    const bit = onceBit(k);
    if (bit === 0) continue;
    if ((seen & bit) !== 0) fail(`multiple ${resolveHeaderName(k).name} headers`);
    seen |= bit;
  }
  // only the top Via is checked here: it is what transactions and responses rely on
  if (via) void msg.topVia;
  if (seen !== 0) {
    if ((seen & 2) !== 0) void msg.cseq;
    if ((seen & 1) !== 0) void msg.callId;
    if ((seen & 4) !== 0) void msg.from;
    if ((seen & 8) !== 0) void msg.to;
    if ((seen & 16) !== 0) void msg.maxForwards;
  }
  const cl = (seen & 32) !== 0;

  // body, RFC 3261 §18.3
  if (cl) {
    const len = msg.contentLength as number;
    if (len > buf.length - bodyStart) fail('Content-Length larger than message');
    if (len > 0) msg.body = buf.subarray(bodyStart, bodyStart + len);
  } else {
    if (stream) fail('missing Content-Length on a stream');
    if (bodyStart < buf.length) msg.body = buf.subarray(bodyStart);
  }
  return msg;
}

const VERSION_RE = /^SIP\/\d{1,3}\.\d{1,3}$/i;

function parseStartLine(line: string, headers: Headers): SipRequest | SipResponse {
  if (line.length > 4 && (line.charCodeAt(3) === 47) && /^sip$/i.test(line.slice(0, 3))) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp = line.indexOf(' ');
    const version = sp < 0 ? line : line.slice(0, sp);
    if (version !== 'SIP/2.0' && !VERSION_RE.test(version)) fail('invalid SIP version');
    const cs = sp + 1;
    let ce = cs;
    while (ce < line.length && line.charCodeAt(ce) >= 48 && line.charCodeAt(ce) <= 57) ce++;
    if (sp < 0 || ce - cs !== 3) fail('invalid status code');
    if (ce < line.length && line.charCodeAt(ce) !== 32) fail('invalid status code');
    const status = Number(line.slice(cs, ce));
    if (status < 100 || status > 699) fail('status code out of range');
    let reason = line.slice(ce);
    let a = 0;
    while (a < reason.length && reason.charCodeAt(a) === 32) a++;
    let b = reason.length;
    while (b > a && (reason.charCodeAt(b - 1) === 32 || reason.charCodeAt(b - 1) === 9)) b--;
    reason = reason.slice(a, b);
    return new SipResponse({ status, reason, headers, version: version.toUpperCase() });
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  // NOTE (deviation): runs of SP and trailing SP are tolerated (RFC 4475 §3.1.2.9/10 allow it)
  const n = line.length;
  const me = scanToken(line, 0);
  if (me === 0 || line.charCodeAt(me) !== 32) fail('invalid method');
  let us = me;
  while (line.charCodeAt(us) === 32) us++;
  const ue = line.indexOf(' ', us);
  if (ue < 0) fail('malformed request line');
  let vs = ue;
  while (line.charCodeAt(vs) === 32) vs++;
  let ve = vs;
  while (ve < n && line.charCodeAt(ve) !== 32) ve++;
  let rest = ve;
  while (rest < n && line.charCodeAt(rest) === 32) rest++;
  if (ve === vs || rest !== n) fail('malformed request line');
  const version = line.slice(vs, ve);
  if (version !== 'SIP/2.0' && !VERSION_RE.test(version)) fail('invalid SIP version');
  const uri = parseUri(line.slice(us, ue));
  return new SipRequest({ method: line.slice(0, me), uri, headers, version: version.toUpperCase() });
}
