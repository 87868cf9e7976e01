/**
 * Requests the transaction layer builds itself: the ACK for a non-2xx final response
 * (RFC 3261 §17.1.1.3) and CANCEL (RFC 3261 §9.1).
 * @module
 */
import { SipRequest, type SipResponse, type Via } from '../message/index.js';

/** Max-Forwards of requests the layer builds (RFC 3261 §8.1.1.6). */
const MAX_FORWARDS = '70';

/** The headers ACK and CANCEL copy from the INVITE, with `To` and the CSeq method given. */
function derived(invite: SipRequest, method: 'ACK' | 'CANCEL', to: string): SipRequest {
  const top = invite.via[0] as Via | undefined;
  if (top === undefined) throw new TypeError(`cannot build ${method}: the INVITE has no Via`);
  const src = invite.headers;
  const pairs: Array<[string, string]> = [['Via', top.toString()]];
  for (const r of src.getAll('Route')) pairs.push(['Route', r]);
  pairs.push(['Max-Forwards', MAX_FORWARDS]);
  pairs.push(['From', src.get('From') ?? '']);
  pairs.push(['To', to]);
  pairs.push(['Call-ID', src.get('Call-ID') ?? '']);
  pairs.push(['CSeq', `${invite.cseq.seq} ${method}`]);
  return new SipRequest({ method, uri: invite.uri.clone(), headers: pairs });
}

/**
 * The ACK for a 300-699 response to `invite` (RFC 3261 §17.1.1.3): same Request-URI, Call-ID,
 * From and CSeq number, CSeq method ACK, one Via equal to the INVITE's top Via (same branch),
 * To from the response (with its tag), the INVITE's Route headers, no body.
 */
export function buildAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  return derived(invite, 'ACK', response.headers.get('To') ?? '');
}

/**
 * A CANCEL for `invite` (RFC 3261 §9.1): same Request-URI, Call-ID, From, To and CSeq number,
 * CSeq method CANCEL, one Via equal to the INVITE's top Via, the INVITE's Route headers, no body.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  return derived(invite, 'CANCEL', invite.headers.get('To') ?? '');
}
