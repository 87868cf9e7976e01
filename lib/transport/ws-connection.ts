/**
 * One SIP-over-WebSocket connection (RFC 7118): each WebSocket message carries exactly one SIP
 * message (§5: no stream framing), sent as a text frame when it is valid UTF-8 and as a binary
 * frame otherwise (§5.1). Keeps the idle timer, WebSocket ping/pong keep-alives (RFC 6455 §5.5.2),
 * answers an RFC 5626 CRLFCRLF ping sent as a message, and caps what waits for a slow reader.
 */
import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';
import { ConnectionBase, type ConnectionBaseInit } from './connection-base.js';
import { DropReason } from './stats.js';
import type { ConnectionCloseReason } from './types.js';

/** Where the messages of a WebSocket connection go. */
export interface WsMessageSink {
  /** One received WebSocket message (a whole SIP message, or a keep-alive). */
  message(data: Buffer, conn: WsConnection): void;
  /** An RFC 5626 CRLFCRLF ping arrived (and was answered); for the counters. */
  pinged(conn: WsConnection): void;
}

/** Construction values of a {@link WsConnection}. */
export interface WsConnectionInit extends ConnectionBaseInit<'ws' | 'wss', WsConnection> {
  /** An open WebSocket (the handshake done, `sip` subprotocol agreed). */
  ws: WebSocket;
  /** WebSocket ping interval in ms (0 = none). */
  keepAliveInterval: number;
}

/** RFC 5626 §4.4.1 pong, sent back when a CRLFCRLF ping arrives as a WebSocket message. */
const CRLF = Buffer.from('\r\n');

/** How long a closing handshake may take before the socket is cut, in ms. */
const CLOSE_GRACE_MS = 2000;

/** The WebSocket close code of a close reason (RFC 6455 §7.4.1). */
function closeCode(reason: ConnectionCloseReason): number {
  switch (reason) {
    case 'bufferLimit':
    case 'tooLarge':
      return 1009; // message too big
    case 'framing':
      return 1002; // protocol error
    case 'shutdown':
      return 1001; // going away
    default:
      return 1000;
  }
}

/** The close reason of an error the `ws` library reports (its `code` names the broken rule). */
function reasonOfError(err: Error): ConnectionCloseReason {
  const code = (err as { code?: unknown }).code;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return DropReason.BufferLimit;
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) return DropReason.Framing;
  return 'error';
}

/** A live WebSocket connection, owned by the transport layer's WebSocket pool. */
export class WsConnection extends ConnectionBase<'ws' | 'wss', WsConnection> {
  private sink: WsMessageSink | undefined;
  private readonly ws: WebSocket;
  private readonly init: WsConnectionInit;

  constructor(init: WsConnectionInit) {
    super(init);
    this.init = init;
    this.ws = init.ws;
    this.ws.on('message', (data, isBinary) => this.received(toBuffer(data), isBinary));
    this.ws.on('ping', () => this.heard());
    this.ws.on('pong', () => this.heard());
    this.ws.on('error', (err) => this.shut(reasonOfError(err), err));
    this.ws.on('close', () => this.shut('peer'));
    // NOTE: unlike CRLF pings on TCP (only on connections we opened, RFC 5626 §4.4.1), WebSocket
    // pings go both ways: every WebSocket endpoint must answer one (RFC 6455 §5.5.2), and a server
    // is how a dead browser is found.
    this.startTimers(init.keepAliveInterval);
  }

  /** Sets where received messages go; must be called before the first message (same tick as creation). */
  attach(sink: WsMessageSink): void {
    this.sink = sink;
  }

  /** Bytes written but not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Sends a WebSocket ping (not counted as traffic); closes (`keepAliveTimeout`) if nothing answers. */
  ping(): boolean {
    // the peer may have started closing before our 'close' event: ws.ping() would throw then
    if (this.isClosed || this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.ping();
    this.awaitPong();
    return true;
  }

  close(reason: ConnectionCloseReason = 'local'): void {
    if (this.closed) return;
    // stop(): gone at once, as TCP connections are (no closing handshake to wait for)
    if (reason === 'shutdown') return this.shut(reason);
    if (this.closing !== undefined) return;
    this.closing = reason;
    this.startClosingHandshake(reason);
  }

  /** Sends a close frame after what was queued (ws sends in order) and waits for the peer's. */
  closeAfterFlush(reason: ConnectionCloseReason): void {
    this.close(reason);
  }

  protected get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  protected writeMessage(data: Buffer, done: (err?: Error | null) => void): void {
    // RFC 7118 §5.1: text frames carry UTF-8; anything else must go in a binary frame.
    this.ws.send(data, { binary: !isUtf8(data) }, done);
  }

  /** Idle and pong timeouts close with a closing handshake. */
  protected expire(reason: ConnectionCloseReason): void {
    this.close(reason);
  }

  protected destroyTransport(): void {
    this.ws.terminate();
  }

  private startClosingHandshake(reason: ConnectionCloseReason): void {
    // RFC 6455 §7.1.2: a close frame, then wait (bounded) for the peer's before the socket goes.
    try {
      this.ws.close(closeCode(reason));
    } catch {
      this.ws.terminate();
    }
    this.shutAfter(reason, CLOSE_GRACE_MS);
  }

  private received(data: Buffer, isBinary: boolean): void {
    if (this.isClosed) return;
    this.heard();
    if (data.length > 0 && data.every((b) => b === 13 || b === 10)) {
      // RFC 5626 §4.4.1 keep-alive sent as a message (SIP.js does): CRLFCRLF is answered with
      // CRLF, a lone CRLF is a pong; neither carries a SIP message.
      if (data.length >= 4) {
        this.ws.send(CRLF, { binary: isBinary });
        this.sink?.pinged(this);
      }
      return;
    }
    if (this.sink === undefined) {
      this.shut('error', new Error('no sink attached'));
      return;
    }
    this.sink.message(data, this);
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
