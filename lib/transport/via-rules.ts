/**
 * What the transport does to the top Via: fill it in on requests it sends (RFC 3261 §18.1.1,
 * RFC 3581 §3) and mark where requests it receives really came from (RFC 3261 §18.2.1,
 * RFC 3581 §4).
 */
import type { SipRequest, Via } from '../message/index.js';
import type { TransportProtocol } from '../../include-types/settings.js';
import { bareHost, hostForHeader, sameHost, viaTransport } from './addresses.js';

/**
 * Rewrites the top Via through the message's setter (returned Via objects are read-only), and only
 * it: the others are neither parsed nor rewritten (a hostile request may carry hundreds).
 */
function editTopVia(request: SipRequest, edit: (via: Via) => void): Via {
  const top = request.topVia.clone();
  edit(top);
  request.topVia = top;
  return top;
}

/**
 * Fills the top Via of an outgoing request: transport, sent-by host and port, and a bare
 * `;rport` asking for the RFC 3581 symmetric response. Throws `SipParseError` if the request has
 * no Via (the transaction layer adds it with the branch).
 */
export function stampRequestVia(
  request: SipRequest,
  protocol: TransportProtocol,
  host: string,
  port: number,
): void {
  request.topVia; // throws SipParseError when there is none
  editTopVia(request, (via) => {
    // RFC 3261 §18.1.1: the transport and sent-by are the transport's to fill in.
    via.transport = viaTransport(protocol);
    via.host = hostForHeader(host);
    via.port = port;
    // RFC 3581 §3: a client MAY ask for rport; we always do (harmless for TCP).
    if (!via.params.has('rport')) via.params.set('rport', null);
  });
}

/**
 * Marks the top Via of a received request with where it came from. Returns the Via as it is now.
 */
export function markReceived(request: SipRequest, address: string, port: number): Via {
  const top = request.topVia;
  const wantsRport = top.rport === true;
  const differs = !sameHost(top.host, address);
  if (!wantsRport && !differs) return top;
  return editTopVia(request, (via) => {
    // RFC 3261 §18.2.1: received when sent-by differs from the packet's source address;
    // RFC 3581 §4: with rport, received is added even when they are the same.
    // A link-local source carries a zone ("fe80::1%eth0"), which has no place in a Via.
    via.received = bareHost(address).replace(/%.*$/, '');
    // RFC 3581 §4: a valueless rport gets the source port.
    if (wantsRport) via.rport = port;
  });
}
