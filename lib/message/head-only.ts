/**
 * Reading only the head of a message too large to take whole (RFC 3261 §21.5.14): the start line
 * and header fields are parsed as usual, the body is never looked at. Used by the transports to
 * answer 513 to a request over `maxMessageSize` without receiving its body.
 * @module
 */
import { SipParseError } from './errors.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseMessage } from './parse.js';

/**
 * Finds the end of the head in `data`: the octet count through the empty line ("\n\r\n" or, leniently,
 * "\n\n"), or -1 if there is none in the first `limit` octets.
 */
export function headLength(data: Buffer, limit = data.length): number {
  const p = data.subarray(0, Math.min(limit, data.length));
  const crlf = p.indexOf('\n\r\n');
  const lf = p.indexOf('\n\n');
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return lf + 2;
  return crlf < 0 ? -1 : crlf + 3;
}

/**
 * Parses a message head (start line through the empty line) whose body is not there. The
 * Content-Length fields are left out, so the message reads as having no body; everything else is
 * parsed and checked as {@link parseMessage} does.
 * @throws SipParseError if the head is malformed.
 */
export function parseHeadOnly(head: Buffer): SipRequest | SipResponse {
  const text = head.toString('latin1'); // one char per octet: indexes are octet offsets
  let pos = text.indexOf('\n') + 1;
  if (pos === 0) throw new SipParseError('missing empty line after headers');
  const kept: Buffer[] = [];
  let from = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    if (isContentLength(text, pos, nl)) {
      // a folded value continues on lines starting with SP/HTAB (RFC 3261 §7.3.1)
      let end = nl;
      while (end + 1 < text.length && (text[end + 1] === ' ' || text[end + 1] === '\t')) {
        const n2 = text.indexOf('\n', end + 1);
        end = n2 < 0 ? text.length : n2;
      }
      kept.push(head.subarray(from, pos));
      from = end + 1;
      pos = end + 1;
    } else pos = nl + 1;
  }
  kept.push(head.subarray(Math.min(from, head.length)));
  return parseMessage(kept.length === 1 ? kept[0] : Buffer.concat(kept), { stream: false });
}

/** True if the header line text[a, b) is a Content-Length field (long or compact form). */
function isContentLength(text: string, a: number, b: number): boolean {
  const colon = text.indexOf(':', a);
  if (colon < 0 || colon >= b) return false;
  const name = text.slice(a, colon).trim().toLowerCase();
  return name === 'content-length' || name === 'l';
}
