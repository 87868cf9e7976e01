/**
 * The SRS's own URIs: the one an app hands to SRCs (`Srs.uri`) and the Contact of its answers,
 * which names the transport the INVITE came over (RFC 3261 §12.1.1, RFC 3263 §4.1; without it
 * the SRC's in-dialog requests would go by UDP) and is `sips:` for a `sips:` Request-URI
 * (RFC 5630 §3.1.3).
 */
import type { TransportProtocol } from '../../../include-types/settings.js';
import { isSipsUri } from '../common/tls-settings.js';

/** A bound SIP socket of the SRS. */
export interface SrsBound {
  protocol: string;
  address: string;
  port: number;
}

/**
 * A SIP URI of the SRS for a transport (default the first bound). `sips` (RFC 3261 §19.1) names
 * the TLS socket without a transport parameter (RFC 5630 §3.1.3 deprecates `;transport=tls` on
 * sips URIs).
 * @throws Error when nothing of that transport is bound (not started)
 */
export function srsUri(addresses: readonly SrsBound[], protocol?: TransportProtocol, scheme: 'sip' | 'sips' = 'sip'): string {
  const want = scheme === 'sips' ? protocol ?? 'tls' : protocol;
  const b = addresses.find((a) => want === undefined || a.protocol === want);
  if (!b) throw new Error(want === undefined ? 'SRS not started' : `SRS has no ${want} socket (not started, or not among its transports)`);
  const host = b.address.includes(':') ? `[${b.address}]` : b.address;
  if (scheme === 'sips') return `sips:srs@${host}:${b.port}`;
  return `sip:srs@${host}:${b.port}${b.protocol === 'udp' ? '' : `;transport=${b.protocol}`}`;
}

/**
 * The Contact of an answer to a request that came over `protocol` to `requestUri`, marked with
 * +sip.srs (RFC 7866 §6.2).
 */
export function srsContact(addresses: readonly SrsBound[], protocol: string | undefined, requestUri: string): string {
  const bound = protocol !== undefined && addresses.some((a) => a.protocol === protocol) ? (protocol as TransportProtocol) : undefined;
  const sips = bound === 'tls' && isSipsUri(requestUri);
  return `<${srsUri(addresses, bound, sips ? 'sips' : 'sip')}>;+sip.srs`;
}
