/**
 * Splitting a block of header lines into raw (name, value) fields; shared by the message parser
 * and the multipart body parser.
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import * as m_header_names from './header-names.js';
import type { HeaderName } from './header-names.js';
import type { Headers } from './headers.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { TOKEN, skipWs } = m_chars;
const { knownHeaderAt, resolveHeaderName } = m_header_names;

function trimEnd(s: string): string {
  let b = s.length;
  while (b > 0 && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b === s.length ? s : s.slice(0, b);
}

/**
 * Parses header lines of `head` from `pos` to `limit` (default: its end) into `headers`. Lines end in CRLF or a
 * bare LF; a line starting with SP/HTAB continues the previous field and the fold becomes one SP
 * (RFC 3261 §7.3.1). Values are trimmed of SP/HTAB. A bare CR is refused.
 * @param hot if given (filled with -2), receives for the first field of each of HOT_HEADERS the
 *   index in `head` where its value starts, or -1 when it was folded (so `head[o, o + value.length)`
 *   is the value when o >= 0).
 * @returns the index of an empty line that ends the block early (bare-LF heads), or -1.
 * @throws SipParseError on a line without a colon, an invalid name or a misplaced continuation.
 */
export function parseHeaderBlock(head: string, pos: number, headers: Headers, limit = head.length, hot?: number[]): number {
  let hn: HeaderName | undefined;
  let hotIx = -1;
  let value = '';
  let vStart = -1;
  let have = false;
  const n = limit;
  while (pos < n) {
    let nl = head.indexOf('\n', pos);
    if (nl > n) nl = -1;
    let end = nl < 0 ? n : nl;
    const next = nl < 0 ? n : nl + 1;
    if (end > pos && head.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      // an empty line: the head ended here (possible only with bare-LF line ends)
      if (have) {
        headers._push(hn as HeaderName, value);
        if (hotIx >= 0 && hot !== undefined && hot[hotIx] === -2) hot[hotIx] = vStart;
      }
      return pos;
    }
    const cr = head.indexOf('\r', pos);
    if (cr >= 0 && cr < end) fail('bare CR in header');
    const c0 = head.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field
      if (!have) fail('continuation line before any header');
      const cont = trimEnd(head.slice(skipWs(head, pos), end));
      value = value.length === 0 ? cont : cont.length === 0 ? value : value + ' ' + cont;
      vStart = -1; // folded: no longer one run of `head`
      pos = next;
      continue;
    }
    if (have) {
      headers._push(hn as HeaderName, value);
      if (hotIx >= 0 && hot !== undefined && hot[hotIx] === -2) hot[hotIx] = vStart;
    }
    // field-name = token, then optional WS, then ':'
    let i = head.indexOf(':', pos);
    if (i < 0 || i >= end) fail('malformed header line');
    hn = knownHeaderAt(head, pos, i - pos);
    if (hn === undefined) {
      let ne = i;
      while (ne > pos && (head.charCodeAt(ne - 1) === 32 || head.charCodeAt(ne - 1) === 9)) ne--;
      for (let j = pos; j < ne; j++) {
        const c = head.charCodeAt(j);
        if (c >= 128 || TOKEN[c] !== 1) fail('invalid header name');
      }
      if (ne === pos) fail('invalid header name');
      hn = resolveHeaderName(head.slice(pos, ne));
    }
    hotIx = hn.hot;
    i++;
    while (i < end && (head.charCodeAt(i) === 32 || head.charCodeAt(i) === 9)) i++;
    let ve = end;
    while (ve > i && (head.charCodeAt(ve - 1) === 32 || head.charCodeAt(ve - 1) === 9)) ve--;
    value = head.slice(i, ve);
    vStart = i;
    have = true;
    pos = next;
  }
  if (have) {
    headers._push(hn as HeaderName, value);
    if (hotIx >= 0 && hot !== undefined && hot[hotIx] === -2) hot[hotIx] = vStart;
  }
  return -1;
}
