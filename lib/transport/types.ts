/**
 * The contract between the transport layer and the layers above it (transaction layer, stack).
 * The transaction layer depends only on {@link TransportPort}, so its unit tests use a fake.
 */
import type { SipRequest, SipResponse, SipParseError } from '../message/index.js';
import type { TransportProtocol } from '../../include-types/settings.js';

/** Where a received message came from, and on which of our sockets. */
export interface MessageSource {
  protocol: TransportProtocol;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** The IAP (local binding) whose socket received it. */
  iapId: string;
  /** For stream transports: the connection it arrived on, so responses can reuse it (RFC 3261 §18.2.2). */
  connectionId?: number;
}

/** Where to send a request: a resolved next hop, sent from one IAP. */
export interface SendTarget {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /** The IAP (local binding) to send from. */
  iapId: string;
  /** TLS server name to check, when the target came from a host name. */
  servername?: string;
}

/** What the transport layer hands upwards. */
export interface TransportUser {
  /** A request arrived. The top Via already carries `received`/`rport` (RFC 3261 §18.2.1, RFC 3581). */
  onRequest(request: SipRequest, source: MessageSource): void;
  /** A response arrived. */
  onResponse(response: SipResponse, source: MessageSource): void;
  /**
   * A datagram or framed message could not be parsed. `raw` is what arrived; the stack may answer
   * 400 statelessly if enough of the request can be read (RFC 3261 §8.2, RFC 4475).
   */
  onParseError(raw: Buffer, error: SipParseError, source: MessageSource): void;
  /**
   * Optional: a request larger than `maxMessageSize` arrived; only its head was read (RFC 3261
   * §21.5.14). `request` has its headers (the top Via marked as for `onRequest`) and no body;
   * `size` is its declared size (stream) or the datagram's. Returns the response to send back (the
   * stack's stateless 513) or undefined for none. The transport sends it itself (over the request's
   * connection, or per §18.2.2 / RFC 3581 for UDP) so that it goes out before the body is skipped
   * or the connection closed. Without this method nothing is answered.
   */
  onRequestTooLarge?(request: SipRequest, source: MessageSource, size: number): SipResponse | undefined;
  /**
   * Optional: a TCP/TLS connection closed. Lets the stack fail what was bound to it (RFC 3261
   * §17.1.4 transport errors, RFC 5626 flows). Not called for connections closed by `stop()`.
   */
  onConnectionClosed?(info: ConnectionClosedInfo): void;
}

/** Why a stream connection closed. */
export type ConnectionCloseReason =
  /** The peer closed it. */
  | 'peer'
  /** A socket error (reset, TLS failure). */
  | 'error'
  /** No traffic for `idleConnectionTimeout`. */
  | 'idle'
  /** A message above `maxMessageSize` whose body could not be skipped (header block over it, body over `maxDiscardBytes`). */
  | 'tooLarge'
  /** An incomplete message above `maxBufferedBytesPerConnection`, or a peer not reading ours. */
  | 'bufferLimit'
  /** An incomplete message held (or no first message) for `partialMessageTimeout`. */
  | 'partialTimeout'
  /** The stream broke SIP framing (missing or bad Content-Length). */
  | 'framing'
  /** RFC 5626 §4.4.1: no pong after a keep-alive ping (the flow failed). */
  | 'keepAliveTimeout'
  /** Closed through `closeConnection`. */
  | 'local'
  /** The transport layer stopped. */
  | 'shutdown';

/** A closed stream connection, as {@link TransportUser.onConnectionClosed} reports it. */
export interface ConnectionClosedInfo {
  connectionId: number;
  iapId: string;
  protocol: TransportProtocol;
  remoteAddress: string;
  remotePort: number;
  reason: ConnectionCloseReason;
}

/** The operations the transaction layer needs from the transports. */
export interface TransportPort {
  /**
   * Sends a request. The transport fills in the top Via's transport and sent-by (RFC 3261 §18.1.1)
   * and switches UDP to TCP above the MTU. Resolves with the protocol actually used; rejects with a
   * `SipError` (TransportError, MessageTooLarge) when it could not be sent.
   */
  sendRequest(request: SipRequest, target: SendTarget): Promise<SentInfo>;
  /**
   * Sends a response back the way RFC 3261 §18.2.2 and RFC 3581 §4 say: over the connection the
   * request came on if still open, else to received/rport (or maddr, or sent-by).
   */
  sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo>;
  /** True if the protocol is reliable (no retransmission timers A/E/G needed). */
  isReliable(protocol: TransportProtocol): boolean;
}

/** What a send actually did. */
export interface SentInfo {
  protocol: TransportProtocol;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  connectionId?: number;
}
