/**
 * Transport limits with their documented defaults (include-types/settings.ts `TransportLimits`).
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { TransportLimits } from '../../include-types/settings.js';

/** Default largest message, in bytes. */
export const DEFAULT_MAX_MESSAGE_SIZE = 65535;

/** Default largest body of an oversized stream message skipped to keep its connection (16 MiB). */
export const DEFAULT_MAX_DISCARD_BYTES = 16 * 1024 * 1024;

/**
 * Default most incoming connections one remote address may hold per IAP: a quarter of the default
 * `maxConnections`, so one host cannot take every slot.
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

/**
 * Default time a stream connection may hold an incomplete message (and an accepted one may go
 * without its first complete message), in ms. 20 s: what Kamailio allows an incomplete TCP message
 * (tcp_msg_read_timeout); a real peer writes a message in one go, a slowloris never finishes.
 */
export const DEFAULT_PARTIAL_MESSAGE_TIMEOUT = 20000;

/** Default unsent bytes per connection, in messages of the largest size (16 × maxMessageSize). */
const UNSENT_MESSAGES = 16;

/**
 * Default SO_RCVBUF asked for each UDP socket: 1 MiB holds ~40 ms of datagrams at 8 000 calls/s
 * (three datagrams a call, ~2 kB of kernel memory each), longer than the scavenges of a busy UAS.
 */
export const DEFAULT_UDP_RECEIVE_BUFFER_SIZE = 1 << 20;

/**
 * Path MTU assumed when an IAP does not set `mtu`: Ethernet's 1500. RFC 3261 §18.1.1 sends a
 * request over TCP when it is within 200 bytes of the path MTU, or larger than 1300 bytes when the
 * MTU is unknown; with this default both rules give the same 1300-byte threshold.
 */
export const DEFAULT_MTU = 1500;

/** How close to the MTU a UDP request may come before it must go over TCP (RFC 3261 §18.1.1). */
export const MTU_MARGIN = 200;

/**
 * Fills the unset fields of `partial` with the defaults documented in `TransportLimits`:
 * maxMessageSize 65535, maxConnections 1024, maxBufferedBytesPerConnection = maxMessageSize,
 * idleConnectionTimeout 120000 ms, keepAliveInterval 0 (off), maxDiscardBytes 16 MiB,
 * maxConnectionsPerAddress 256, partialMessageTimeout 20000 ms, udpReceiveBufferSize 1 MiB,
 * maxUnsentBytesPerConnection 16 × maxMessageSize.
 * @throws SipError(InvalidArgument) for a negative or non-integer value, or maxUnsentBytesPerConnection below maxMessageSize.
 */
export function resolveLimits(partial: Partial<TransportLimits> = {}): TransportLimits {
  for (const [name, value] of Object.entries(partial)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new SipError(SipErrorCode.InvalidArgument, `limit ${name} must be a non-negative integer`);
    }
  }
  const maxMessageSize = partial.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const maxUnsent = partial.maxUnsentBytesPerConnection ?? UNSENT_MESSAGES * maxMessageSize;
  // a message of the largest size must fit, or a connection could never send one
  if (maxUnsent < maxMessageSize) {
    throw new SipError(SipErrorCode.InvalidArgument, `limit maxUnsentBytesPerConnection (${maxUnsent}) must be at least maxMessageSize (${maxMessageSize})`);
  }
  return {
    maxMessageSize,
    maxConnections: partial.maxConnections ?? 1024,
    maxBufferedBytesPerConnection: partial.maxBufferedBytesPerConnection ?? maxMessageSize,
    idleConnectionTimeout: partial.idleConnectionTimeout ?? 120000,
    keepAliveInterval: partial.keepAliveInterval ?? 0,
    maxDiscardBytes: partial.maxDiscardBytes ?? DEFAULT_MAX_DISCARD_BYTES,
    maxConnectionsPerAddress: partial.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    partialMessageTimeout: partial.partialMessageTimeout ?? DEFAULT_PARTIAL_MESSAGE_TIMEOUT,
    udpReceiveBufferSize: partial.udpReceiveBufferSize ?? DEFAULT_UDP_RECEIVE_BUFFER_SIZE,
    maxUnsentBytesPerConnection: maxUnsent,
  };
}
