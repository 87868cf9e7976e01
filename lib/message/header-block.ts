/**
 * Splitting a block of header lines into raw (name, value) fields; shared by the message parser
 * and the multipart body parser.
 * @module
 */
import { TOKEN, skipWs } from './chars.js';
import { fail } from './errors.js';
import { resolveHeaderName } from './header-names.js';
import type { Headers } from './headers.js';

function isTokenName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

function trimEnd(s: string): string {
  let b = s.length;
  while (b > 0 && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return b === s.length ? s : s.slice(0, b);
}

/**
 * Parses header lines of `head` from `pos` to its end into `headers`. Lines end in CRLF or a
 * bare LF; a line starting with SP/HTAB continues the previous field and the fold becomes one SP
 * (RFC 3261 §7.3.1). Values are trimmed of SP/HTAB. A bare CR is refused.
 * @throws SipParseError on a line without a colon, an invalid name or a misplaced continuation.
 */
export function parseHeaderBlock(head: string, pos: number, headers: Headers): void {
  let name = '';
  let key = '';
  let value = '';
  let have = false;
  const n = head.length;
  while (pos < n) {
    const nl = head.indexOf('\n', pos);
    let end = nl < 0 ? n : nl;
    const next = nl < 0 ? n : nl + 1;
    if (end > pos && head.charCodeAt(end - 1) === 13) end--;
    const cr = head.indexOf('\r', pos);
    if (cr >= 0 && cr < end) fail('bare CR in header');
    const c0 = head.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field
      if (!have) fail('continuation line before any header');
      const cont = head.slice(skipWs(head, pos), end);
      const v = trimEnd(value);
      value = v.length === 0 ? cont : cont.length === 0 ? v : v + ' ' + cont;
      pos = next;
      continue;
    }
    if (have) headers._push(name, key, trimEnd(value));
    const colon = head.indexOf(':', pos);
    if (colon < 0 || colon >= end) fail('malformed header line');
    let ne = colon;
    while (ne > pos && (head.charCodeAt(ne - 1) === 32 || head.charCodeAt(ne - 1) === 9)) ne--;
    const rawName = head.slice(pos, ne);
    if (!isTokenName(rawName)) fail('invalid header name');
    const hn = resolveHeaderName(rawName);
    name = hn.name;
    key = hn.key;
    value = head.slice(skipWs(head, colon + 1), end);
    have = true;
    pos = next;
  }
  if (have) headers._push(name, key, trimEnd(value));
}
