/**
 * The transport layer: UDP, TCP and TLS, RFC 3263 resolution, RFC 3581 rport, connection reuse
 * and RFC 5626 CRLF keep-alives.
 * @module
 */
export * from './types.js';
export { TransportLayer, type TransportLayerOptions, type BoundAddress } from './transport-layer.js';
export { Rfc3263Resolver, type Rfc3263ResolverOptions } from './resolver.js';
export { nodeDnsLookup, type DnsLookup, type NaptrRecord, type SrvRecord, type HostAddress } from './dns-lookup.js';
export { orderSrv } from './srv-order.js';
export { DropReason, type TransportStats } from './stats.js';
export { resolveLimits, DEFAULT_MTU, DEFAULT_MAX_MESSAGE_SIZE } from './limits.js';
