/**
 * What every connection-oriented transport connection (TCP, TLS, WebSocket) offers the rest of
 * the transport layer: the connection table, the senders and the receivers see only this.
 */
import type { ConnectionCloseReason } from './types.js';

/** The connection-oriented protocols. */
export type ConnectionProtocol = 'tcp' | 'tls' | 'ws' | 'wss';

/** A live TCP, TLS or WebSocket connection. */
export interface TransportConnection {
  readonly id: number;
  readonly iapId: string;
  readonly protocol: ConnectionProtocol;
  /** True if this side opened it. */
  readonly outgoing: boolean;
  /** For outgoing TLS/WSS: the name the server certificate was checked against. */
  readonly servername: string | undefined;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** True once closed or closing; nothing can be sent any more. */
  readonly isClosed: boolean;
  /** Sends one serialized SIP message; rejects with `SipError(TransportError)` if it cannot. */
  send(data: Buffer): Promise<void>;
  /** Sends a keep-alive ping now (CRLFCRLF or a WebSocket ping); false if closed. */
  ping(): boolean;
  /** Closes the connection (idempotent). */
  close(reason?: ConnectionCloseReason): void;
  /** Closes once what was written has gone out; `reason` is the one reported. */
  closeAfterFlush(reason: ConnectionCloseReason): void;
}

/** True for the WebSocket protocols (RFC 7118). */
export function isWebSocket(protocol: string): protocol is 'ws' | 'wss' {
  return protocol === 'ws' || protocol === 'wss';
}
