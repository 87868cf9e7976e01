/**
 * One TCP or TLS connection: writes, the idle timer, RFC 5626 keep-alive pings, and the
 * buffered-bytes limit. Framing is done by the {@link StreamSink} the owner attaches.
 */
import type { Socket } from 'node:net';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { TransportConnection } from './connection.js';
import { toTransportError } from './errors.js';
import { DropReason } from './stats.js';
import type { ConnectionCloseReason } from './types.js';

/** Where the bytes a connection receives go (the SIP stream framer). */
export interface StreamSink {
  /** Feeds received bytes; returns how many bytes are held waiting for the rest of a message. */
  push(chunk: Buffer): number;
}

/** Why a connection closed. */
export type CloseReason = ConnectionCloseReason;

/** Construction values of a {@link StreamConnection}. */
export interface StreamConnectionInit {
  id: number;
  iapId: string;
  protocol: 'tcp' | 'tls';
  /** A connected socket (for TLS: after the handshake). */
  socket: Socket;
  /** True if this side opened it. */
  outgoing: boolean;
  /** For outgoing TLS: the name the server certificate was checked against. */
  servername?: string;
  /** Close after this many ms without bytes received or a message sent (0 = never). */
  idleTimeout: number;
  /** RFC 5626 §4.4.1 ping interval in ms, 0 = none (only used on outgoing connections). */
  keepAliveInterval: number;
  /** Close (flow failed) when nothing arrives this many ms after a ping; 0 = never. */
  pongTimeout: number;
  /** Close when more than this many bytes of an incomplete message are held. */
  maxBufferedBytes: number;
  /** Close when more than this many written bytes wait for a peer that does not read. */
  maxQueuedBytes: number;
  /** Called once when the connection is gone. */
  onClose(conn: StreamConnection, reason: CloseReason, error?: Error): void;
}

/** RFC 5626 §4.4.1 keep-alive ping: CRLFCRLF. */
export const PING = Buffer.from('\r\n\r\n');
/** RFC 5626 §4.4.1 keep-alive pong: CRLF. */
export const PONG = Buffer.from('\r\n');

/** How long {@link StreamConnection.closeAfterFlush} keeps reading after its FIN, in ms. */
export const LINGER_MS = 2000;

/** A live stream connection, owned by the transport layer's connection pool. */
export class StreamConnection implements TransportConnection {
  readonly id: number;
  readonly iapId: string;
  readonly protocol: 'tcp' | 'tls';
  readonly outgoing: boolean;
  /** For outgoing TLS: the name the server certificate was checked against. */
  readonly servername: string | undefined;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Last time (ms, Date.now) bytes arrived or a SIP message was sent (our own pings do not count). */
  lastActivity = Date.now();
  /** Last time (ms, Date.now) bytes arrived from the peer. */
  lastReceived = Date.now();
  private sink: StreamSink | undefined;
  private closed = false;
  /** Set by closeAfterFlush: our side is finished, the close is reported with this reason. */
  private closing: CloseReason | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private readonly socket: Socket;
  private readonly init: StreamConnectionInit;

  constructor(init: StreamConnectionInit) {
    this.init = init;
    this.id = init.id;
    this.iapId = init.iapId;
    this.protocol = init.protocol;
    this.outgoing = init.outgoing;
    this.servername = init.servername;
    this.socket = init.socket;
    this.localAddress = init.socket.localAddress ?? '';
    this.localPort = init.socket.localPort ?? 0;
    this.remoteAddress = init.socket.remoteAddress ?? '';
    this.remotePort = init.socket.remotePort ?? 0;
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', (err) => this.shut('error', err));
    this.socket.on('close', () => this.shut('peer'));
    this.socket.on('end', () => this.shut('peer'));
    this.armIdle(init.idleTimeout);
    if (init.outgoing && init.keepAliveInterval > 0) {
      this.pingTimer = setInterval(() => this.ping(), init.keepAliveInterval);
      this.pingTimer.unref();
    }
  }

  /** True once closed or closing; nothing can be sent any more. */
  get isClosed(): boolean {
    return this.closed || this.closing !== undefined;
  }

  /** Sets where received bytes go; must be called before the first 'data' (same tick as creation). */
  attach(sink: StreamSink): void {
    this.sink = sink;
  }

  /** Counts traffic, so the idle timer starts again. */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Writes one serialized SIP message; rejects with `SipError(TransportError)` if it cannot. */
  send(data: Buffer): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(
        new SipError(SipErrorCode.TransportError, `connection ${this.id} is closed`),
      );
    }
    if (this.socket.writableLength + data.length > this.init.maxQueuedBytes) {
      // A peer that stopped reading must not make us hold its messages without bound.
      this.shut(DropReason.BufferLimit);
      return Promise.reject(
        new SipError(SipErrorCode.TransportError, `connection ${this.id}: peer is not reading`),
      );
    }
    this.touch();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => {
        if (err) reject(toTransportError(err, `write on connection ${this.id}`));
        else resolve();
      });
    });
  }

  /** RFC 5626 §4.4.1: answers a CRLFCRLF ping with a CRLF pong. */
  pong(): void {
    this.touch();
    this.writeRaw(PONG);
  }

  /** Sends an RFC 5626 §4.4.1 CRLFCRLF ping now (not counted as traffic); false if closed. */
  ping(): boolean {
    if (this.isClosed) return false;
    this.writeRaw(PING);
    this.awaitPong();
    return true;
  }

  /** RFC 5626 §4.4.1: no pong (nor anything else) within the timeout → the flow failed. */
  private awaitPong(): void {
    if (this.init.pongTimeout <= 0 || this.pongTimer !== undefined) return;
    const sentAt = Date.now();
    this.pongTimer = setTimeout(() => {
      this.pongTimer = undefined;
      if (this.lastReceived < sentAt) this.shut('keepAliveTimeout');
    }, this.init.pongTimeout);
    this.pongTimer.unref();
  }

  /** Closes the connection (idempotent). */
  close(reason: CloseReason = 'local'): void {
    this.shut(reason);
  }

  /**
   * Closes once what was written has gone out: sends FIN after it, then keeps reading (and
   * ignoring) what the peer still sends, so that closing with unread input does not reset the
   * connection and lose our last response at the peer; closes for good when the peer closes or
   * after `lingerMs`. Nothing more can be sent meanwhile. `reason` is the one reported.
   */
  closeAfterFlush(reason: CloseReason, lingerMs = LINGER_MS): void {
    if (this.isClosed) return;
    this.closing = reason;
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.shut(reason), lingerMs);
    this.lingerTimer.unref();
  }

  private writeRaw(data: Buffer): void {
    if (!this.isClosed) this.socket.write(data);
  }

  private received(chunk: Buffer): void {
    if (this.isClosed) return;
    this.touch(); // any bytes from the peer (messages, pings, pongs) count as traffic
    this.lastReceived = this.lastActivity;
    if (this.sink === undefined) {
      this.shut('error', new Error('no framer attached'));
      return;
    }
    const held = this.sink.push(chunk);
    if (!this.closed && held > this.init.maxBufferedBytes) this.shut(DropReason.BufferLimit);
  }

  /** Idle check: re-arms for the time left, closes when nothing happened for a full period. */
  private armIdle(ms: number): void {
    if (this.init.idleTimeout <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= this.init.idleTimeout) this.shut(DropReason.Idle);
      else this.armIdle(this.init.idleTimeout - quiet);
    }, ms);
    this.idleTimer.unref();
  }

  private shut(reason: CloseReason, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.closing !== undefined) reason = this.closing; // the peer's close ends our linger
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.socket.destroy();
    this.init.onClose(this, reason, error);
  }
}
