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
const { HOT_HEADERS, knownHeaderAt, knownHeaderInBytes, resolveHeaderName } = m_header_names;

/** Number of entries of {@link HotFields} arrays (one per HOT_HEADERS name). */
export const HOT_COUNT = HOT_HEADERS.length;

/**
 * What the header-block parser reports about the first field of each of HOT_HEADERS (indexed by
 * `HeaderName.hot`), so the message parser needs no second pass over the fields.
 */
export interface HotFields {
  /** Index in `head` where the value starts (`head[o, o + value.length)` is the value), -1 when folded, -2 absent. */
  start: number[];
  /** Field index in the Headers store, -1 absent. */
  index: number[];
  /** Field index of the second field line of that name, -1 if there is none. */
  second: number[];
}

/** A fresh {@link HotFields} with nothing seen. */
export function newHotFields(): HotFields {
  return { start: [-2, -2, -2, -2, -2, -2, -2, -2], index: [-1, -1, -1, -1, -1, -1, -1, -1], second: [-1, -1, -1, -1, -1, -1, -1, -1] };
}

/** Resets `hot` to nothing seen (the message parser reuses one: parsing is synchronous). */
export function resetHotFields(hot: HotFields): HotFields {
  for (let k = 0; k < HOT_COUNT; k++) {
    hot.start[k] = -2;
    hot.index[k] = -1;
    hot.second[k] = -1;
  }
  return hot;
}

/**
 * By hot index: 1 for the headers whose first field the message parser parses whole, at once, by a
 * grammar in which CR has no place (Via, CSeq, From, To, Max-Forwards, Content-Length), so the
 * header-block parser need not search their values for one. Call-ID (any non-space octet) and
 * Contact (parsed on first read) are searched.
 */
const GRAMMAR_CHECKED = Uint8Array.from(HOT_HEADERS, (name) => (name === 'call-id' || name === 'contact' ? 0 : 1));

function trimEnd(s: string): string {
  let b = s.length;
  while (b > 0 && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b === s.length ? s : s.slice(0, b);
}

/**
 * Parses header lines of `head` from `pos` to `limit` (default: its end) into `headers`. Lines end in CRLF or a
 * bare LF; a line starting with SP/HTAB continues the previous field and the fold becomes one SP
 * (RFC 3261 §7.3.1). Values are trimmed of SP/HTAB. A bare CR is refused.
 * @param hot if given (from {@link newHotFields}), receives where the hot headers are.
 * @param bytes the octets `head` was decoded from as latin1 (so `bytes[i] === head.charCodeAt(i)`),
 *   when it was: names are then matched on the octets, which is faster.
 * @returns the index of an empty line that ends the block early (bare-LF heads), or -1.
 * @throws SipParseError on a line without a colon, an invalid name or a misplaced continuation.
 */
export function parseHeaderBlock(head: string, pos: number, headers: Headers, limit = head.length, hot?: HotFields, bytes?: Uint8Array): number {
  const n = limit;
  let lastHot = -1; // hot index of the last field, when it is the first of its name (for folds)
  let count = headers.size;
  while (pos < n) {
    let nl = head.indexOf('\n', pos);
    if (nl < 0 || nl > n) nl = n;
    let end = nl;
    if (end > pos && head.charCodeAt(end - 1) === 13) end--;
    if (end === pos) return pos; // an empty line: the head ended here (possible only with bare-LF line ends)
    const next = nl + 1;
    const c0 = head.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field
      if (count === 0) fail('continuation line before any header');
      const cr = head.indexOf('\r', pos);
      if (cr >= 0 && cr < end) fail('bare CR in header');
      const cont = trimEnd(head.slice(skipWs(head, pos), end));
      const value = headers._lastValue();
      if (cont.length > 0) headers._setLastValue(value.length === 0 ? cont : value + ' ' + cont);
      if (lastHot >= 0 && hot !== undefined) hot.start[lastHot] = -1; // no longer one run of `head`
      pos = next;
      continue;
    }
    // field-name = token, then optional WS, then ':' (RFC 3261 §7.3.1)
    let i: number;
    let hn: HeaderName | undefined;
    if (bytes !== undefined && pos + 1 < end && bytes[pos + 1] === 58) {
      // a one-letter (compact, RFC 3261 §7.3.3) name: its colon is the next octet, no search
      // (that octet is no CR or LF, so the line goes on past it)
      i = pos + 1;
      hn = knownHeaderInBytes(bytes, pos, 1);
    } else {
      i = head.indexOf(':', pos);
      if (i < 0 || i >= end) fail('malformed header line');
      hn = bytes === undefined ? knownHeaderAt(head, pos, i - pos) : knownHeaderInBytes(bytes, pos, i - pos);
    }
    if (hn === undefined) {
      let ne = i;
      while (ne > pos && (head.charCodeAt(ne - 1) === 32 || head.charCodeAt(ne - 1) === 9)) ne--;
      for (let j = pos; j < ne; j++) {
        const c = head.charCodeAt(j);
        if (c === 13) fail('bare CR in header');
        if (c >= 128 || TOKEN[c] !== 1) fail('invalid header name');
      }
      if (ne === pos) fail('invalid header name');
      hn = resolveHeaderName(head.slice(pos, ne));
    }
    i++;
    while (i < end && (head.charCodeAt(i) === 32 || head.charCodeAt(i) === 9)) i++;
    // the name and separators hold no CR (token, SP, HTAB, ':'): only the value is searched, and
    // not even that when the message parser will parse the whole value by a grammar that refuses a
    // CR (the first Via, CSeq, From, To, Max-Forwards, Content-Length: see GRAMMAR_CHECKED); it
    // then reports a failure as the bare CR it was (parse.ts, `hasBareCr`)
    const k = hn.hot;
    if (i < end && (hot === undefined || k < 0 || GRAMMAR_CHECKED[k] !== 1 || hot.index[k] >= 0)) {
      const cr = head.indexOf('\r', i);
      if (cr >= 0 && cr < end) fail('bare CR in header');
    }
    let ve = end;
    while (ve > i && (head.charCodeAt(ve - 1) === 32 || head.charCodeAt(ve - 1) === 9)) ve--;
    headers._push(hn, head.slice(i, ve));
    lastHot = -1;
    if (k >= 0 && hot !== undefined) {
      if (hot.index[k] < 0) {
        hot.index[k] = count;
        hot.start[k] = i;
        lastHot = k;
      } else if (hot.second[k] < 0) hot.second[k] = count;
    }
    count++;
    pos = next;
  }
  return -1;
}
