/**
 * Transport limits with their documented defaults (include-types/settings.ts `TransportLimits`).
 */
import type { TransportLimits } from '../../include-types/settings.js';

/** Default largest message, in bytes. */
export const DEFAULT_MAX_MESSAGE_SIZE = 65535;

/** Default UDP path MTU assumed when an IAP does not set `mtu` (RFC 3261 §18.1.1). */
export const DEFAULT_MTU = 1300;

/** How close to the MTU a UDP request may come before it must go over TCP (RFC 3261 §18.1.1). */
export const MTU_MARGIN = 200;

/**
 * Fills the unset fields of `partial` with the defaults documented in `TransportLimits`:
 * maxMessageSize 65535, maxConnections 1024, maxBufferedBytesPerConnection = maxMessageSize,
 * idleConnectionTimeout 120000 ms, keepAliveInterval 0 (off).
 */
export function resolveLimits(partial: Partial<TransportLimits> = {}): TransportLimits {
  const maxMessageSize = partial.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  return {
    maxMessageSize,
    maxConnections: partial.maxConnections ?? 1024,
    maxBufferedBytesPerConnection: partial.maxBufferedBytesPerConnection ?? maxMessageSize,
    idleConnectionTimeout: partial.idleConnectionTimeout ?? 120000,
    keepAliveInterval: partial.keepAliveInterval ?? 0,
  };
}
