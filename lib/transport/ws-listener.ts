/**
 * One listening WebSocket server (`ws` or `wss`) of an IAP: an HTTP(S) server whose upgrade
 * requests are checked (path, Origin, the `sip` subprotocol, the connection limit) before the
 * `ws` library completes the RFC 6455 handshake. Plain HTTP requests get 426.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ListenSettings, WebSocketSettings } from '../../include-types/settings.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { ServerListener } from './server-listener.js';

/** RFC 7118 §4.1 / §7: the WebSocket subprotocol for SIP. */
export const SIP_SUBPROTOCOL = 'sip';

/** What a {@link WsListener} reports. */
export interface WsListenerEvents {
  /** A handshake passed every check; `ws` is open with the `sip` subprotocol. */
  onWebSocket(ws: WebSocket, request: IncomingMessage, listener: WsListener): void;
  /** True if the IAP may take one more connection from that address (else the handshake gets 503). */
  hasRoom(listener: WsListener, remoteAddress?: string): boolean;
  /** A refused handshake, a TLS or server error; the server keeps listening. */
  onError(err: Error, listener: WsListener): void;
}

/** Why a handshake was refused, with its HTTP status. */
export interface HandshakeRefusal {
  status: 400 | 403 | 404 | 503;
  reason: string;
}

/** Limits of a {@link WsListener}. */
export interface WsListenerLimits {
  /** ms a client has for the TLS handshake and the HTTP request head. */
  handshakeTimeout: number;
  /** Largest WebSocket message read (`ws` maxPayload; above it the connection closes with 1009). */
  maxPayload: number;
}

/**
 * The checks of an upgrade request, in order: path (404), Origin (403), `sip` subprotocol (400).
 * Exported for the tests; the connection limit (503) is the owner's.
 */
export function checkHandshake(request: IncomingMessage, settings: WebSocketSettings): HandshakeRefusal | undefined {
  const path = (request.url ?? '/').split('?')[0];
  if (settings.path !== undefined && path !== settings.path) return { status: 404, reason: 'Not Found' };
  if (settings.allowedOrigins !== undefined) {
    // RFC 6455 §10.2: the Origin a browser sends lets a server refuse pages it does not serve.
    // NOTE: with a list set, a handshake without Origin (not a browser) is refused too.
    const origin = request.headers.origin?.toLowerCase();
    const allowed = settings.allowedOrigins.some((o) => o.toLowerCase() === origin);
    if (!allowed) return { status: 403, reason: 'Origin Not Allowed' };
  }
  // RFC 7118 §4.1: the client asks for the `sip` subprotocol; a handshake without it is refused
  // here rather than accepted without a subprotocol (RFC 6455 would allow that).
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim().toLowerCase());
  if (!offered.includes(SIP_SUBPROTOCOL)) return { status: 400, reason: 'SIP Subprotocol Required' };
  return undefined;
}

/** A `ws` or `wss` listening socket. */
export class WsListener extends ServerListener<'ws' | 'wss'> {
  readonly protocol: 'ws' | 'wss';
  protected readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly settings: WebSocketSettings;

  constructor(iapId: string, listen: ListenSettings, events: WsListenerEvents, limits: WsListenerLimits) {
    super(iapId);
    this.settings = listen.websocket ?? {};
    if (listen.protocol === 'wss') {
      const tls = listen.tls;
      if (tls?.cert === undefined || tls.key === undefined) {
        throw new SipError(SipErrorCode.InvalidArgument, `wss listener of ${iapId} needs cert and key`);
      }
      this.protocol = 'wss';
      const mutual = tls.requireClientCertificate === true; // mutual TLS: no client certificate, no handshake
      this.server = createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, handshakeTimeout: limits.handshakeTimeout, requestCert: mutual, rejectUnauthorized: mutual });
      this.server.on('tlsClientError', (err, socket) => {
        socket.destroy();
        events.onError(err, this);
      });
    } else if (listen.protocol === 'ws') {
      this.protocol = 'ws';
      this.server = createHttpServer();
    } else {
      throw new SipError(SipErrorCode.InvalidArgument, `${listen.protocol} is not a WebSocket protocol`);
    }
    this.server.headersTimeout = limits.handshakeTimeout;
    this.server.requestTimeout = limits.handshakeTimeout;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: limits.maxPayload,
      // NOTE: no permessage-deflate: RFC 7118 does not need it, and inflating is a memory risk.
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SIP_SUBPROTOCOL) ? SIP_SUBPROTOCOL : false),
    });
    const extra = Object.entries(this.settings.responseHeaders ?? {});
    if (extra.length > 0) {
      this.wss.on('headers', (headers) => {
        for (const [name, value] of extra) headers.push(`${name}: ${value}`);
      });
    }
    this.server.on('request', (_req, res) => {
      res.writeHead(426, { Upgrade: 'websocket', Connection: 'close', 'Content-Length': '0' });
      res.end();
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined); // a reset during the handshake must not crash
      const refusal = checkHandshake(req, this.settings) ?? (events.hasRoom(this, req.socket.remoteAddress) ? undefined : { status: 503, reason: 'Too Many Connections' } as const);
      if (refusal !== undefined || this.closed) {
        const r = refusal ?? { status: 503, reason: 'Shutting Down' };
        refuse(socket, r);
        events.onError(new Error(`websocket handshake refused: ${r.status} ${r.reason}`), this);
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => events.onWebSocket(ws, req, this));
    });
    this.reportServerErrors((err) => events.onError(err, this));
  }

  protected override stopAccepting(): void {
    this.wss.close();
  }

  protected override dropIdleSockets(): void {
    this.server.closeAllConnections(); // idle HTTP keep-alive sockets; upgraded ones are detached
  }
}

/** Answers a refused upgrade with a bare HTTP response and closes the socket. */
function refuse(socket: Duplex, refusal: HandshakeRefusal): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
