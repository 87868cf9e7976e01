/**
 * Building a response to a request (RFC 3261 §8.2.6).
 * @module
 */
import { Headers, SLOT } from './headers.js';
import { SipResponse, type SipRequest } from './message.js';
import * as m_reason_phrases from './reason-phrases.js';
import { randomToken } from './random-pool.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { reasonPhrase } = m_reason_phrases;

/**
 * A fresh random To/From tag (RFC 3261 §19.3: at least 32 bits of randomness): 48 random bits as
 * 12 hex digits, from the pooled random bytes (random-pool.ts).
 */
export function newTag(): string {
  return randomToken(6, 'hex');
}

/**
 * Creates a response to `req` (RFC 3261 §8.2.6.2): copies every Via (in order), From, Call-ID and
 * CSeq; copies To and adds a tag when the request's To has none and the status is not 100 (the tag
 * given, or a random one). A 100 copies Timestamp (§8.2.6.1). Record-Route, Contact and bodies are
 * the UAS core's business.
 * @param toTag To tag to add when needed (default: a random one).
 * @throws SipParseError if the request's To is malformed.
 */
export function createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const h = new Headers();
  const src = req.headers;
  for (const v of src.linesByKey('via')) h.append('Via', v);
  const from = src.firstByKey('from');
  if (from !== undefined) h.append('From', from);
  const to = src.firstByKey('to');
  let tagAdded = false;
  if (to !== undefined) {
    const parsed = req.to;
    // The request's To parsed, so its text ends with a name-addr or addr-spec and its header
    // params: a tag param appended to the text is the same field a re-serialized clone would be.
    tagAdded = status !== 100 && parsed.tag === undefined;
    h.append('To', tagAdded ? to + ';tag=' + (toTag ?? newTag()) : to);
  }
  const callId = src.firstByKey('call-id');
  if (callId !== undefined) h.append('Call-ID', callId);
  const cseq = src.firstByKey('cseq');
  if (cseq !== undefined) h.append('CSeq', cseq);
  if (status === 100) {
    const ts = src.firstByKey('timestamp');
    if (ts !== undefined) h.append('Timestamp', ts);
  }
  const res = new SipResponse({ status, reason: reason ?? reasonPhrase(status), headers: h });
  seedParsed(res, req, from !== undefined, to !== undefined && !tagAdded, callId !== undefined, cseq !== undefined);
  return res;
}

/**
 * The response's Via, From, Call-ID, CSeq (and To, when copied unchanged) are the request's very
 * text, so the request's parsed values (already read by the transaction layer) serve the response
 * too instead of being parsed again when the transaction and transport read them. Shared objects:
 * read-only, as every accessor's result is (see the module README). A request header that does
 * not parse is left for the response to parse (and throw on) itself.
 */
function seedParsed(res: SipResponse, req: SipRequest, from: boolean, to: boolean, callId: boolean, cseq: boolean): void {
  const h = res.headers;
  try {
    const vias = req.via;
    h.setCached(SLOT.via, vias);
    if (vias.length > 0) h.setCached(SLOT.topVia, vias[0]);
    if (callId) h.setCached(SLOT['call-id'], req.callId);
    if (cseq) h.setCached(SLOT.cseq, req.cseq);
    if (from) h.setCached(SLOT.from, req.from);
    if (to) h.setCached(SLOT.to, req.to);
  } catch {
    // left to the response's own accessors
  }
}
