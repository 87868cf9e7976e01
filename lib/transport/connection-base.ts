/**
 * What TCP, TLS and WebSocket connections do alike: the addresses, the send guards (closed,
 * peer not reading), the idle timer, the keep-alive ping interval and its pong timeout, and the
 * one-time close that stops every timer. Each subclass says how bytes are written, how the
 * socket is destroyed and how a timeout ends the connection.
 * Not part of the public API (not exported from lib/index.ts); kept in the published .d.ts because other declarations name it.
 */
import type { Socket } from 'node:net';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { ConnectionProtocol, TransportConnection } from './connection.js';
import { toTransportError } from './errors.js';
import { DropReason } from './stats.js';
import type { ConnectionCloseReason } from './types.js';
import type { TransportLimits } from '../../include-types/settings.js';

/** Construction values every connection kind shares. (not part of the public API: not exported from lib/index.ts) */
export interface ConnectionBaseInit<P extends ConnectionProtocol, C> {
  id: number;
  iapId: string;
  protocol: P;
  /** The connected TCP socket (for TLS: after the handshake); for WebSocket, the one under it. */
  socket: Socket;
  /** True if this side opened it. */
  outgoing: boolean;
  /** For outgoing TLS/WSS: the name the server certificate was checked against. */
  servername?: string;
  /** Close after this many ms without traffic: bytes received or a message sent (0 = never). */
  idleTimeout: number;
  /** Close (flow failed) when nothing arrives this many ms after a ping; 0 = never. */
  pongTimeout: number;
  /** Close when more than this many written bytes wait for a peer that does not read. */
  maxQueuedBytes: number;
  /** Called once when the connection is gone. */
  onClose(conn: C, reason: ConnectionCloseReason, error?: Error): void;
}

/** The timer and send-queue values of a new connection. (not part of the public API: not exported from lib/index.ts) */
export interface ConnectionTimers {
  idleTimeout: number;
  keepAliveInterval: number;
  pongTimeout: number;
  maxQueuedBytes: number;
}

/** The {@link ConnectionTimers} of every new TCP, TLS or WebSocket connection. (not part of the public API: not exported from lib/index.ts) */
export function connectionTimers(limits: TransportLimits, pongTimeout: number): ConnectionTimers {
  return {
    idleTimeout: limits.idleConnectionTimeout,
    keepAliveInterval: limits.keepAliveInterval,
    pongTimeout,
    // beyond it the peer is taken as not reading (TransportLimits.maxUnsentBytesPerConnection)
    maxQueuedBytes: limits.maxUnsentBytesPerConnection,
  };
}

/**
 * The shared half of a live connection; `C` is the subclass itself (what `onClose` is given).
 * Not part of the public API (not exported from lib/index.ts); kept in the published .d.ts because other declarations name it.
 */
export abstract class ConnectionBase<P extends ConnectionProtocol, C extends ConnectionBase<P, C>> implements TransportConnection {
  readonly id: number;
  readonly iapId: string;
  readonly protocol: P;
  readonly outgoing: boolean;
  /** For outgoing TLS/WSS: the name the server certificate was checked against. */
  readonly servername: string | undefined;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Last time (ms, Date.now) something arrived or a SIP message was sent (our own pings do not count). */
  lastActivity = Date.now();
  /** Last time (ms, Date.now) something arrived from the peer (messages, pings, pongs). */
  lastReceived = Date.now();
  protected closed = false;
  /** Set when our side started closing: the close is reported with this reason. */
  protected closing: ConnectionCloseReason | undefined;
  private endTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private readonly limits: ConnectionBaseInit<P, C>;

  protected constructor(init: ConnectionBaseInit<P, C>) {
    this.limits = init;
    this.id = init.id;
    this.iapId = init.iapId;
    this.protocol = init.protocol;
    this.outgoing = init.outgoing;
    this.servername = init.servername;
    this.localAddress = init.socket.localAddress ?? '';
    this.localPort = init.socket.localPort ?? 0;
    this.remoteAddress = init.socket.remoteAddress ?? '';
    this.remotePort = init.socket.remotePort ?? 0;
    init.socket.setNoDelay(true);
  }

  /** True once closed or closing; nothing can be sent any more. */
  get isClosed(): boolean {
    return this.closed || this.closing !== undefined;
  }

  /** Sends one serialized SIP message; rejects with `SipError(TransportError)` if it cannot. */
  send(data: Buffer): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(new SipError(SipErrorCode.TransportError, `connection ${this.id} is closed`));
    }
    if (this.queuedBytes + data.length > this.limits.maxQueuedBytes) {
      // A peer that stopped reading must not make us hold its messages without bound.
      this.shut(DropReason.BufferLimit);
      return Promise.reject(new SipError(SipErrorCode.TransportError, `connection ${this.id}: peer is not reading`));
    }
    this.lastActivity = Date.now();
    return new Promise((resolve, reject) => {
      this.writeMessage(data, (err) => {
        if (err) reject(toTransportError(err, `write on connection ${this.id}`));
        else resolve();
      });
    });
  }

  abstract ping(): boolean;
  abstract close(reason?: ConnectionCloseReason): void;
  abstract closeAfterFlush(reason: ConnectionCloseReason): void;

  /** Bytes written but not yet handed to the kernel. */
  protected abstract get queuedBytes(): number;
  /** Writes one SIP message; `done` gets the write error, if any. */
  protected abstract writeMessage(data: Buffer, done: (err?: Error | null) => void): void;
  /** How the idle or pong timeout ends this kind of connection. */
  protected abstract expire(reason: ConnectionCloseReason): void;
  /** Tears the socket down at once. */
  protected abstract destroyTransport(): void;

  /** Starts the idle timer and, if `pingInterval` > 0, the keep-alive pings. */
  protected startTimers(pingInterval: number): void {
    this.armIdle(this.limits.idleTimeout);
    if (pingInterval > 0) {
      this.pingTimer = setInterval(() => this.ping(), pingInterval);
      this.pingTimer.unref();
    }
  }

  /** Marks the peer as heard from (any bytes count as traffic). */
  protected heard(): void {
    this.lastReceived = this.lastActivity = Date.now();
  }

  /** RFC 5626 §4.4.1: no pong (nor anything else) within the timeout → the flow failed. */
  protected awaitPong(): void {
    if (this.limits.pongTimeout <= 0 || this.pongTimer !== undefined) return;
    const sentAt = Date.now();
    this.pongTimer = setTimeout(() => {
      this.pongTimer = undefined;
      if (this.lastReceived < sentAt) this.expire('keepAliveTimeout');
    }, this.limits.pongTimeout);
    this.pongTimer.unref();
  }

  /** Closes for good after `ms` unless the peer's close comes first. */
  protected shutAfter(reason: ConnectionCloseReason, ms: number): void {
    this.endTimer = setTimeout(() => this.shut(reason), ms);
    this.endTimer.unref();
  }

  /** Idle check: re-arms for the time left, ends when nothing happened for a full period. */
  private armIdle(ms: number): void {
    const idleTimeout = this.limits.idleTimeout;
    if (idleTimeout <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= idleTimeout) this.expire(DropReason.Idle);
      else this.armIdle(idleTimeout - quiet);
    }, ms);
    this.idleTimer.unref();
  }

  protected shut(reason: ConnectionCloseReason, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.closing !== undefined) reason = this.closing; // the peer's close ends our closing
    if (this.endTimer) clearTimeout(this.endTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.destroyTransport();
    // C is the subclass by construction (`class X extends ConnectionBase<P, X>`)
    this.limits.onClose(this as unknown as C, reason, error);
  }
}
