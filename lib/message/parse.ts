/**
 * Parsing a whole SIP message (one UDP datagram, or one message cut out by the stream framer).
 * The start line and header fields are split into raw (name, value) pairs; only the headers every
 * stack needs (Via, From, To, CSeq, Call-ID, Max-Forwards, Content-Length) are parsed up front so
 * that a malformed one is refused here with a 400 reason. The rest is parsed on first read.
 * @module
 */
import { isToken } from './chars.js';
import { parseHeaderBlock } from './header-block.js';
import { SipParseError, fail } from './errors.js';
import { resolveHeaderName } from './header-names.js';
import { Headers } from './headers.js';
import { SipRequest, SipResponse } from './message.js';
import { parseUri } from './uri.js';

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /**
   * True when the bytes came from a stream (TCP/TLS/WS) framer: Content-Length is then mandatory
   * (RFC 3261 §18.3). Default false (datagram rules).
   */
  stream?: boolean;
}

const NL_CRLF = Buffer.from('\n\r\n');
const LFLF = Buffer.from('\n\n');

/** Keys that may appear at most once and are validated eagerly. */
const SINGLE = new Set(['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length']);

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

/** Finds the empty line ending the head: returns [index of the last header line's LF, body start]. */
function findHeadEnd(buf: Buffer, start: number): [number, number] {
  const crlf = buf.indexOf(NL_CRLF, start);
  // NOTE (deviation): bare-LF line ends are tolerated, as most stacks do
  const lf = buf.indexOf(LFLF, start);
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return [lf, lf + 2];
  if (crlf < 0) fail('missing empty line after headers');
  return [crlf, crlf + 3];
}

function parseUnsafe(buf: Buffer, stream: boolean): SipRequest | SipResponse {
  let start = 0;
  // RFC 3261 §7.5: ignore CRLFs before the start line
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start === buf.length) fail('empty message');
  const [headEnd, bodyStart] = findHeadEnd(buf, start);
  const head = buf.toString('utf8', start, headEnd);
  const headers = new Headers();

  // start line
  const nl = head.indexOf('\n');
  let lineEnd = nl < 0 ? head.length : nl;
  if (lineEnd > 0 && head.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  const startLine = head.slice(0, lineEnd);
  if (startLine.indexOf('\r') >= 0) fail('bare CR in start line');

  // header fields
  parseHeaderBlock(head, nl < 0 ? head.length : nl + 1, headers);

  const msg = parseStartLine(startLine, headers);

  // eager checks of the headers every layer relies on
  for (const k of SINGLE) {
    if (headers.linesByKey(k).length > 1) fail(`multiple ${resolveHeaderName(k).name} headers`);
  }
  if (headers.indexOfKey('via') >= 0) msg.via;
  if (headers.indexOfKey('cseq') >= 0) msg.cseq;
  if (headers.indexOfKey('call-id') >= 0) msg.callId;
  if (headers.indexOfKey('from') >= 0) msg.from;
  if (headers.indexOfKey('to') >= 0) msg.to;
  if (headers.indexOfKey('max-forwards') >= 0) msg.maxForwards;

  // body, RFC 3261 §18.3
  const available = buf.length - bodyStart;
  if (headers.indexOfKey('content-length') >= 0) {
    const cl = msg.contentLength as number;
    if (cl > available) fail('Content-Length larger than message');
    msg.body = buf.subarray(bodyStart, bodyStart + cl);
  } else {
    if (stream) fail('missing Content-Length on a stream');
    msg.body = buf.subarray(bodyStart);
  }
  return msg;
}

const VERSION_RE = /^SIP\/\d{1,3}\.\d{1,3}$/i;

function parseStartLine(line: string, headers: Headers): SipRequest | SipResponse {
  if (line.length > 4 && (line.charCodeAt(3) === 47) && /^sip$/i.test(line.slice(0, 3))) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp = line.indexOf(' ');
    const version = sp < 0 ? line : line.slice(0, sp);
    if (!VERSION_RE.test(version)) fail('invalid SIP version');
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
  const parts = line.split(' ').filter((p) => p.length > 0);
  if (parts.length !== 3) fail('malformed request line');
  const [method, uriText, version] = parts;
  if (!isToken(method)) fail('invalid method');
  if (!VERSION_RE.test(version)) fail('invalid SIP version');
  const uri = parseUri(uriText);
  return new SipRequest({ method, uri, headers, version: version.toUpperCase() });
}
