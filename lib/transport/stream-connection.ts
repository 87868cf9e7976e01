/**
 * One TCP or TLS connection: writes, the idle timer, RFC 5626 keep-alive pings, and the
 * buffered-bytes limit. Framing is done by the {@link StreamSink} the owner attaches.
 */
import type { Socket } from 'node:net';
import { ConnectionBase, type ConnectionBaseInit } from './connection-base.js';
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
export interface StreamConnectionInit extends ConnectionBaseInit<'tcp' | 'tls', StreamConnection> {
  /** RFC 5626 §4.4.1 ping interval in ms, 0 = none (only used on outgoing connections). */
  keepAliveInterval: number;
  /** Close when more than this many bytes of an incomplete message are held. */
  maxBufferedBytes: number;
  /**
   * Close when an incomplete message has been held this many ms; an incoming connection also
   * when its first complete message has not come within it (0 = never).
   */
  partialMessageTimeout: number;
}

/** RFC 5626 §4.4.1 keep-alive ping: CRLFCRLF. */
export const PING = Buffer.from('\r\n\r\n');
/** RFC 5626 §4.4.1 keep-alive pong: CRLF. */
export const PONG = Buffer.from('\r\n');

/** How long {@link StreamConnection.closeAfterFlush} keeps reading after its FIN, in ms. */
export const LINGER_MS = 2000;

/** A live stream connection, owned by the transport layer's connection pool. */
export class StreamConnection extends ConnectionBase<'tcp' | 'tls', StreamConnection> {
  private sink: StreamSink | undefined;
  private readonly socket: Socket;
  private readonly init: StreamConnectionInit;
  /** Since when (Date.now) an incomplete message is held (or, incoming, nothing came yet). */
  private partialSince: number | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  /** Writes are corked until the end of this tick (see {@link writeMessage}). */
  private corked = false;

  constructor(init: StreamConnectionInit) {
    super(init);
    this.init = init;
    this.socket = init.socket;
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', (err) => this.shut('error', err));
    this.socket.on('close', () => this.shut('peer'));
    this.socket.on('end', () => this.shut('peer'));
    // RFC 5626 §4.4.1: only the side that opened the flow pings.
    this.startTimers(init.outgoing ? init.keepAliveInterval : 0);
    // A peer that connects to us must send a complete message (or a keep-alive) in time.
    if (!init.outgoing) this.partialStarted();
  }

  /** Sets where received bytes go; must be called before the first 'data' (same tick as creation). */
  attach(sink: StreamSink): void {
    this.sink = sink;
  }

  /** Counts traffic, so the idle timer starts again. */
  touch(): void {
    this.lastActivity = Date.now();
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
    this.shutAfter(reason, lingerMs);
  }

  protected get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * The messages written in one tick (the responses to the requests of one read, a burst of
   * requests) leave in one `writev` instead of a system call each: the socket is corked at the
   * first write and uncorked by a `process.nextTick` callback, which runs as soon as the current
   * callback returns: no message waits beyond it.
   */
  protected writeMessage(data: Buffer, done: (err?: Error | null) => void): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(uncork, this);
    }
    this.socket.write(data, done);
  }

  /** Ends this tick's cork (see {@link writeMessage}). */
  uncorkWrites(): void {
    this.corked = false;
    this.socket.uncork();
  }

  /** Idle and pong timeouts close at once (no closing handshake on a stream). */
  protected expire(reason: CloseReason): void {
    this.shut(reason);
  }

  protected destroyTransport(): void {
    if (this.partialTimer !== undefined) clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    this.socket.destroy();
  }

  /** An incomplete message is held from now on (a no-op while one already is). */
  private partialStarted(): void {
    if (this.partialSince !== undefined || this.init.partialMessageTimeout <= 0) return;
    this.partialSince = Date.now();
    if (this.partialTimer === undefined) this.armPartial(this.init.partialMessageTimeout);
  }

  /**
   * One timer per connection, re-armed for the time left rather than reset per chunk (a busy
   * connection completes messages all the time): ends the connection when the same incomplete
   * message is still held after `partialMessageTimeout`.
   */
  private armPartial(ms: number): void {
    this.partialTimer = setTimeout(() => {
      this.partialTimer = undefined;
      if (this.isClosed || this.partialSince === undefined) return;
      const held = Date.now() - this.partialSince;
      if (held >= this.init.partialMessageTimeout) this.shut(DropReason.PartialTimeout);
      else this.armPartial(this.init.partialMessageTimeout - held);
    }, ms);
    this.partialTimer.unref();
  }

  private writeRaw(data: Buffer): void {
    if (!this.isClosed) this.socket.write(data);
  }

  private received(chunk: Buffer): void {
    if (this.isClosed) return;
    this.heard(); // any bytes from the peer (messages, pings, pongs) count as traffic
    if (this.sink === undefined) {
      this.shut('error', new Error('no framer attached'));
      return;
    }
    const held = this.sink.push(chunk);
    if (this.closed) return;
    if (held > this.init.maxBufferedBytes) this.shut(DropReason.BufferLimit);
    else if (held > 0) this.partialStarted();
    else this.partialSince = undefined; // every message complete: the timer finds nothing to end
  }
}

/** `process.nextTick` callback of {@link StreamConnection.writeMessage}: no closure per tick. */
function uncork(c: StreamConnection): void {
  c.uncorkWrites();
}
