/**
 * A 400 for a request that could not be parsed (RFC 3261 §8.2, RFC 4475 §3.1.2): the headers a
 * response needs (Via, From, To, Call-ID, CSeq) are salvaged from the raw text; if the Via is not
 * usable the request is dropped, since there is nowhere to send a response. And the 513 for a
 * request over the transport's `maxMessageSize`, built from its head alone (RFC 3261 §21.5.14).
 */
import { SipParseError, SipResponse, Via, createResponse, newTag, parseNameAddr, validateRequest, type SipRequest } from '../message/index.js';

const WANTED: Record<string, string> = {
  via: 'Via', v: 'Via',
  from: 'From', f: 'From',
  to: 'To', t: 'To',
  'call-id': 'Call-ID', i: 'Call-ID',
  cseq: 'CSeq',
};

/** True if the raw bytes start like a request (not a response, not garbage). */
function looksLikeRequest(firstLine: string): boolean {
  return /^[A-Za-z!%*_+`'~.-]+ \S+ SIP\/\d\.\d$/.test(firstLine);
}

/**
 * Builds the stateless error response for an unparseable request, or undefined when none can
 * be sent (a response, no Via, a Via that does not parse, or an ACK, which is never answered).
 * @param status 400, or the status the parse error asked for (e.g. 505).
 */
export function statelessErrorFor(raw: Buffer, status: number, reason: string, server?: string): SipResponse | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : end).toString('latin1');
  const lines = head.split(/\r?\n/);
  if (!looksLikeRequest(lines[0]) || lines[0].startsWith('ACK ')) return undefined;
  const fields: Array<[string, string]> = [];
  let last: [string, string] | undefined;
  for (const line of lines.slice(1)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last[1] += ' ' + line.trim(); // RFC 3261 §7.3.1 folding
      continue;
    }
    last = undefined;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = WANTED[line.slice(0, colon).trim().toLowerCase()];
    if (name === undefined) continue;
    last = [name, line.slice(colon + 1).trim()];
    fields.push(last);
  }
  const vias = fields.filter(([n]) => n === 'Via');
  if (vias.length === 0) return undefined;
  try {
    Via.parse(vias[0][1].split(',')[0]);
  } catch {
    return undefined;
  }
  const res = new SipResponse({ status, reason: reason.replace(/[^\x20-\x7e]/g, '?') });
  for (const [name, value] of fields) {
    if (name !== 'To') {
      res.headers.append(name, value);
      continue;
    }
    try {
      const to = parseNameAddr(value);
      if (to.tag === undefined) to.tag = newTag();
      res.headers.append('To', to.toString());
    } catch {
      res.headers.append('To', value); // echo it as it came: the peer can still match on the branch
    }
  }
  if (server !== undefined) res.headers.set('Server', server);
  return res;
}

/**
 * The stateless 513 Message Too Large (RFC 3261 §21.5.14) for a request whose head alone was read:
 * Via, From, To, Call-ID and CSeq copied, a To tag added (§8.2.6), no body. Undefined for an ACK
 * (never answered, §17.1.1) or a request missing a mandatory header (§8.1.1) or otherwise not
 * valid, which is dropped.
 */
export function tooLargeReply(request: SipRequest, server?: string): SipResponse | undefined {
  if (request.method === 'ACK') return undefined;
  try {
    validateRequest(request);
    const res = createResponse(request, 513);
    if (server !== undefined) res.headers.set('Server', server);
    return res;
  } catch (e) {
    if (e instanceof SipParseError) return undefined;
    throw e;
  }
}
