/**
 * The transport layer: UDP, TCP, TLS and WebSocket (RFC 7118), RFC 3263 resolution, RFC 3581
 * rport, connection reuse and RFC 5626 CRLF keep-alives.
 *
 * Where things live:
 * - `transport-layer.ts`: {@link TransportLayer}, the `TransportPort`; start/stop, stats, wiring.
 * - `outbound.ts`: sending (RFC 3261 §18.1.1 Via, MTU switch; §18.2.2 response routing);
 *   `via-rules.ts` and `response-route.ts` hold the pure Via rules.
 * - `inbound.ts`: datagrams and framed messages to `TransportUser` calls (received/rport);
 *   `too-large.ts`: messages over `maxMessageSize` (513 from the head, body skipped or closed).
 * - `udp-endpoint.ts`, `stream-listener.ts`: the listening sockets; `stream-pool.ts`,
 *   `stream-connection.ts`, `connection-table.ts`: TCP/TLS connections, limits, keep-alives.
 * - `ws-listener.ts`, `ws-pool.ts`, `ws-connection.ts`: WebSocket (RFC 7118): handshake checks
 *   (`sip` subprotocol, Origin, path), one SIP message per WebSocket message, ping/pong; they
 *   share `connection-table.ts` (and `maxConnections`) with TCP/TLS through `connection.ts`,
 *   and the table also finds a browser's connection by its `.invalid` name.
 * - `resolver.ts`, `srv-order.ts`, `dns-lookup.ts`: RFC 3263 / RFC 2782 with injectable DNS.
 * @module
 */
export * from './types.js';
export { TransportLayer, type TransportLayerOptions, type BoundAddress } from './transport-layer.js';
export { Rfc3263Resolver, type Rfc3263ResolverOptions } from './resolver.js';
export { nodeDnsLookup, type DnsLookup, type NaptrRecord, type SrvRecord, type HostAddress } from './dns-lookup.js';
export { orderSrv } from './srv-order.js';
export { DropReason, type TransportStats, type TooLargeStats } from './stats.js';
export { resolveLimits, DEFAULT_MTU, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_DISCARD_BYTES } from './limits.js';
