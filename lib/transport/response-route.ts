/**
 * Where a response goes when the connection of its request is gone, or for UDP: RFC 3261 §18.2.2
 * with the RFC 3581 §4 rport rule.
 */
import type { Via } from '../message/index.js';
import type { TransportProtocol } from '../../include-types/settings.js';
import { bareHost, defaultPort } from './addresses.js';

/** A response's destination; `host` may be a name (then RFC 3263 §5 applies). */
export interface ResponseDestination {
  host: string;
  port: number;
  /** Why this destination: which Via rule applied. */
  rule: 'maddr' | 'received' | 'sent-by';
}

/**
 * The destination of a response whose request arrived over `protocol`, from the request's top
 * Via (as echoed in the response).
 */
export function responseDestination(via: Via, protocol: TransportProtocol): ResponseDestination {
  const viaPort = via.port ?? defaultPort(protocol);
  if (protocol !== 'udp') {
    // RFC 3261 §18.2.2: reliable, connection gone → received (or sent-by) and the sent-by port.
    return via.received !== undefined
      ? { host: bareHost(via.received), port: viaPort, rule: 'received' }
      : { host: bareHost(via.host), port: viaPort, rule: 'sent-by' };
  }
  if (via.maddr !== undefined) {
    // RFC 3261 §18.2.2: maddr → that address, the sent-by port or 5060.
    // NOTE (deviation): the ttl parameter is not applied (no multicast sending).
    return { host: bareHost(via.maddr), port: via.port ?? 5060, rule: 'maddr' };
  }
  if (via.received !== undefined) {
    // RFC 3581 §4: received + rport; RFC 3261 §18.2.2: else received + sent-by port or 5060.
    const rport = via.rport;
    const port = typeof rport === 'number' ? rport : via.port ?? 5060;
    return { host: bareHost(via.received), port, rule: 'received' };
  }
  // RFC 3261 §18.2.2 / RFC 3263 §5: sent-by host and port.
  return { host: bareHost(via.host), port: via.port ?? 5060, rule: 'sent-by' };
}
