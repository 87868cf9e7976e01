/**
 * Small helpers about hosts, address families and default ports.
 */
import { isIP } from 'node:net';
import type { TransportProtocol } from '../../include-types/settings.js';

/** Strips the brackets of an IPv6 reference ("[::1]" → "::1") and lower-cases the host. */
export function bareHost(host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.toLowerCase();
}

/** The host {@link ipFamily} and {@link literalFamily} answered last, and their answer. */
let lastHost = '';
let lastFamily: 0 | 4 | 6 = 0;

/**
 * `isIP`, remembering the last answer: a UAS sends every response of a peer to the same address,
 * and twice per datagram (the response route, then the socket's lookup), so its regular
 * expression ran for the same string over and over.
 */
export function literalFamily(host: string): 0 | 4 | 6 {
  if (host === lastHost) return lastFamily;
  const family = isIP(host) as 0 | 4 | 6;
  lastHost = host;
  lastFamily = family;
  return family;
}

/** 4 or 6 for a numeric address (brackets allowed), 0 for a host name. */
export function ipFamily(host: string): 0 | 4 | 6 {
  return literalFamily(bareHost(host));
}

/** True if two hosts name the same literal host (brackets and case ignored). */
export function sameHost(a: string, b: string): boolean {
  return bareHost(a) === bareHost(b);
}

/** How a host goes into a Via sent-by or URI: IPv6 addresses in brackets (RFC 3261 §25.1). */
export function hostForHeader(host: string): string {
  const bare = bareHost(host);
  return isIP(bare) === 6 ? `[${bare}]` : host;
}

/**
 * RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise; for WebSocket the RFC 6455 §3 defaults, 80 for
 * ws and 443 for wss.
 */
export function defaultPort(protocol: TransportProtocol): number {
  // NOTE: RFC 7118 names no default port for transport=ws/wss; the WebSocket URI ones are used.
  if (protocol === 'ws') return 80;
  if (protocol === 'wss') return 443;
  return protocol === 'tls' ? 5061 : 5060;
}

/** True for the connection-oriented transports (TCP, TLS, WebSocket). */
export function isStream(protocol: TransportProtocol): protocol is 'tcp' | 'tls' | 'ws' | 'wss' {
  return protocol !== 'udp';
}

/** The Via transport token of a protocol (RFC 3261 §20.42, RFC 7118 §5: WS and WSS). */
export function viaTransport(protocol: TransportProtocol): 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS' {
  return protocol.toUpperCase() as 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';
}

/**
 * True for a host under the `.invalid` TLD (RFC 6761 §6.4), which a WebSocket client puts in its
 * Via and Contact because it cannot be reached at any address (RFC 7118 §5).
 */
export function isInvalidHost(host: string): boolean {
  return bareHost(host).replace(/\.$/, '').endsWith('.invalid');
}

/** The protocol of a Via transport token, or undefined for one we do not speak (SCTP ...). */
export function protocolOfVia(transport: string): TransportProtocol | undefined {
  switch (transport.toUpperCase()) {
    case 'UDP':
      return 'udp';
    case 'TCP':
      return 'tcp';
    case 'TLS':
      return 'tls';
    case 'WS':
      return 'ws';
    case 'WSS':
      return 'wss';
    default:
      return undefined;
  }
}
