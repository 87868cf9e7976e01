/**
 * Checks a parsed message has what a UAS or UAC needs before acting on it, so the stack can
 * answer 400 (or 505) with a precise reason. `parseMessage` already refused malformed syntax of
 * Via, From, To, CSeq, Call-ID, Max-Forwards and Content-Length; these checks are about presence
 * and consistency (RFC 3261 §8.2, §8.1.3.3).
 * @module
 */
import { fail } from './errors.js';
import type { SipRequest, SipResponse } from './message.js';

const MANDATORY: ReadonlyArray<readonly [string, string]> = [
  ['to', 'To'],
  ['from', 'From'],
  ['cseq', 'CSeq'],
  ['call-id', 'Call-ID'],
  ['via', 'Via'],
];

function checkCommon(msg: SipRequest | SipResponse): void {
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory in every message
  for (const [key, label] of MANDATORY) {
    if (msg.headers.indexOfKey(key) < 0) fail(`missing ${label} header`);
  }
  // reading them parses (and caches) each one; a malformed value throws SipParseError
  void msg.to;
  void msg.from;
  void msg.callId;
  if (msg.via.length === 0) fail('missing Via header');
  void msg.contentLength;
}

/**
 * Validates a request for a UAS or proxy.
 * Max-Forwards may be absent (RFC 2543 peers, RFC 3261 §8.1.1.6 says SHOULD).
 * @throws SipParseError with `status` 400, or 505 for a SIP version other than 2.0.
 */
export function validateRequest(req: SipRequest): void {
  // RFC 3261 §21.5.6: 505 for a SIP version the UAS does not support
  if (req.version !== 'SIP/2.0') fail('Version Not Supported', 505);
  checkCommon(req);
  // RFC 3261 §8.1.1.5: the CSeq method MUST match the request's (ACK and CANCEL carry their own
  // method too; their sequence numbers are checked by the transaction layer)
  if (req.cseq.method !== req.method) fail('CSeq method does not match request method');
  void req.maxForwards;
}

/**
 * Validates a response before it is matched to a transaction (RFC 3261 §8.1.3.3, §18.1.2).
 * @throws SipParseError when a mandatory header is missing or malformed.
 */
export function validateResponse(res: SipResponse): void {
  if (res.version !== 'SIP/2.0') fail('Version Not Supported', 505);
  checkCommon(res);
  void res.cseq;
}
