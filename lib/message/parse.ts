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
import { Headers, SLOT } from './headers.js';
import { SipRequest, SipResponse } from './message.js';
import * as m_header_values from './header-values.js';
import * as m_cseq from './cseq.js';
import * as m_name_addr from './name-addr.js';
import * as m_via from './via.js';
import * as m_uri from './uri.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { TOKEN, parseDecimal } = m_chars;
const { checkCallId, parseTopVia } = m_header_values;
const { parseCSeq } = m_cseq;
const { parseNameAddr } = m_name_addr;
const { parseVia } = m_via;
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
  let headers = new Headers();
  // where each value starts in `head`, so hot headers are parsed in place in the flat string
  const hot = [-2, -2, -2, -2];
  let head = '';
  let lineStart = start;
  let lineEnd = -1;
  let bodyStart = -1;
  if (isAscii(buf)) {
    // One pass over a flat latin1 string (one char per octet, so indexes are octet offsets): the
    // header block stops at the empty line, which gives the body start without a separate search.
    const probeEnd = buf.length < PROBE ? buf.length : PROBE;
    head = buf.toString('latin1', 0, probeEnd);
    const nl = head.indexOf('\n', start);
    if (nl >= 0) {
      lineEnd = nl > start && head.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const empty = parseHeaderBlock(head, nl + 1, headers, probeEnd, hot);
      if (empty >= 0) {
        if (buf[empty] === 10) bodyStart = empty + 1;
        else if (buf[empty + 1] === 10) bodyStart = empty + 2;
      }
    }
    if (bodyStart < 0) {
      if (probeEnd === buf.length) fail('missing empty line after headers');
      headers = new Headers(); // head longer than the probe: start again below
      hot[0] = hot[1] = hot[2] = hot[3] = -2;
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
    lineStart = 0;
    const nl = head.indexOf('\n');
    lineEnd = nl < 0 ? head.length : nl;
    if (lineEnd > 0 && head.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (nl >= 0 && parseHeaderBlock(head, nl + 1, headers, head.length, hot) >= 0) fail('bare CR in header');
  }
  const cr = head.indexOf('\r', lineStart);
  if (cr >= 0 && cr < lineEnd) fail('bare CR in start line');

  const msg = parseStartLine(head, lineStart, lineEnd, headers);

  // eager checks of the headers every layer relies on: each at most once, and well formed
  let seen = 0;
  let iVia = -1;
  let iCseq = -1;
  let iCallId = -1;
  let iFrom = -1;
  let iTo = -1;
  let iMf = -1;
  const names = headers._nameList();
  for (let i = 0; i < names.length; i++) {
    const k = names[i].key;
    if (k === 'via') {
      if (iVia < 0) iVia = i;
      continue;
    }
    const bit = onceBit(k);
    if (bit === 0) continue;
    if ((seen & bit) !== 0) fail(`multiple ${resolveHeaderName(k).name} headers`);
    seen |= bit;
    if (bit === 1) iCallId = i;
    else if (bit === 2) iCseq = i;
    else if (bit === 4) iFrom = i;
    else if (bit === 8) iTo = i;
    else if (bit === 16) iMf = i;
  }
  // parse and cache what every layer reads; only the top Via is checked here: it is what
  // transactions and responses rely on
  const values = headers._valueList();
  if (iVia >= 0) {
    const v = values[iVia];
    const o = hot[0];
    headers.setCached(SLOT.topVia, o >= 0 && v.indexOf(',') < 0 ? parseVia(head, o, o + v.length) : parseTopVia(v));
  }
  if (iCseq >= 0) {
    const o = hot[1];
    headers.setCached(SLOT.cseq, o >= 0 ? parseCSeq(head, o, o + values[iCseq].length) : parseCSeq(values[iCseq]));
  }
  if (iCallId >= 0) headers.setCached(SLOT['call-id'], checkCallId(values[iCallId]));
  if (iFrom >= 0) {
    const o = hot[2];
    headers.setCached(SLOT.from, o >= 0 ? parseNameAddr(head, o, o + values[iFrom].length) : parseNameAddr(values[iFrom]));
  }
  if (iTo >= 0) {
    const o = hot[3];
    headers.setCached(SLOT.to, o >= 0 ? parseNameAddr(head, o, o + values[iTo].length) : parseNameAddr(values[iTo]));
  }
  if (iMf >= 0) headers.setCached(SLOT['max-forwards'], parseDecimal(values[iMf], 255, 'Max-Forwards'));
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

/** Parses the start line written in `s[a, b)` (read in place: no slice of the whole line). */
function parseStartLine(s: string, a: number, b: number, headers: Headers): SipRequest | SipResponse {
  if (b - a > 4 && s.charCodeAt(a + 3) === 47 && (s.charCodeAt(a) | 0x20) === 115 && (s.charCodeAt(a + 1) | 0x20) === 105 && (s.charCodeAt(a + 2) | 0x20) === 112) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    let sp = s.indexOf(' ', a);
    if (sp < 0 || sp > b) sp = b;
    const version = s.slice(a, sp);
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
  const version = s.slice(vs, ve);
  if (version !== 'SIP/2.0' && !VERSION_RE.test(version)) fail('invalid SIP version');
  const uri = parseUri(s, us, ue);
  return new SipRequest({ method: s.slice(a, me), uri, headers, version: normVersion(version) });
}

function normVersion(v: string): string {
  return v === 'SIP/2.0' ? v : v.toUpperCase();
}
