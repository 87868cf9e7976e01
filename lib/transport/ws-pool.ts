/**
 * The WebSocket connections of the transport layer (RFC 7118): adopting accepted ones, opening
 * outgoing ones (reusing an open one to the same remote end, one connect at a time per remote),
 * closing them all on shutdown. They share the connection table, and so `maxConnections`, with
 * TCP and TLS.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Logger, TlsSettings, TransportLimits } from '../../include-types/settings.js';
import { bareHost, hostForHeader, ipFamily } from './addresses.js';
import { connectionTimers } from './connection-base.js';
import { remoteKey, type ConnectionTable } from './connection-table.js';
import type { TransportConnection } from './connection.js';
import { toTransportError } from './errors.js';
import { DropReason, type StatsCounters } from './stats.js';
import type { ConnectionCloseReason } from './types.js';
import { WsConnection, type WsMessageSink } from './ws-connection.js';
import { SIP_SUBPROTOCOL } from './ws-listener.js';

/** Where and how to open an outgoing WebSocket connection. */
export interface WsConnectRequest {
  iapId: string;
  protocol: 'ws' | 'wss';
  address: string;
  port: number;
  /** The HTTP path to ask for (default "/"). */
  path?: string;
  localAddress?: string;
  tls?: TlsSettings;
  servername?: string;
}

/** Construction values of a {@link WsPool}. */
export interface WsPoolInit {
  table: ConnectionTable;
  limits: TransportLimits;
  stats: StatsCounters;
  logger?: Logger;
  /** Connect (TCP, TLS and HTTP handshake) timeout in ms. */
  connectTimeout: number;
  /** Pong timeout after a WebSocket ping, in ms (0 = none). */
  pongTimeout: number;
  /** Largest WebSocket message read (see `TransportLimits.maxBufferedBytesPerConnection`). */
  maxPayload: number;
  /** Receives each connection's messages. */
  sink: WsMessageSink;
  /** Told after a connection closed for any reason but shutdown. */
  onClosed?(conn: WsConnection, reason: ConnectionCloseReason): void;
}

/** Owner of every WebSocket connection. */
export class WsPool {
  private readonly pending = new Map<string, Promise<TransportConnection>>();
  private readonly connecting = new Set<WebSocket>();
  private readonly live = new Set<WsConnection>();
  private stopped = false;

  /** @param nextId the id source shared with the TCP/TLS pool, so ids stay unique in the table. */
  constructor(
    private readonly init: WsPoolInit,
    private readonly nextId: () => number,
  ) {}

  /**
   * True if `iapId` may take one more connection; with `remoteAddress` (an incoming one), also
   * within `maxConnectionsPerAddress` for that address.
   */
  hasRoom(iapId: string, remoteAddress?: string): boolean {
    if (this.stopped) return false;
    if (this.init.table.countFor(iapId) >= this.init.limits.maxConnections) {
      this.init.stats.drop(DropReason.ConnectionLimit);
      return false;
    }
    const perAddress = this.init.limits.maxConnectionsPerAddress;
    if (remoteAddress !== undefined && perAddress > 0 && this.init.table.incomingFrom(iapId, remoteAddress) >= perAddress) {
      this.init.stats.drop(DropReason.AddressLimit);
      return false;
    }
    return true;
  }

  /** Adopts a WebSocket a listener accepted. */
  accept(iapId: string, protocol: 'ws' | 'wss', ws: WebSocket, request: IncomingMessage): WsConnection | undefined {
    if (this.stopped || !this.hasRoom(iapId, request.socket.remoteAddress)) {
      ws.terminate();
      return undefined;
    }
    return this.adopt(iapId, protocol, ws, request.socket as Socket, false);
  }

  /** An open connection to the remote end, reused when there is one, else a new one. */
  obtain(req: WsConnectRequest): Promise<TransportConnection> {
    const open = this.init.table.find(req.iapId, req.protocol, req.address, req.port, req.servername);
    if (open) return Promise.resolve(open);
    const key = remoteKey(req.iapId, req.protocol, req.address, req.port, req.servername);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    if (this.stopped) return Promise.reject(new SipError(SipErrorCode.StackShutdown, 'transport is stopped'));
    if (!this.hasRoom(req.iapId)) {
      return Promise.reject(new SipError(SipErrorCode.LimitExceeded, `maxConnections reached on ${req.iapId}`));
    }
    const p = this.open(req).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  /** Closes every connection and refuses new ones. */
  closeAll(): void {
    this.stopped = true;
    for (const ws of this.connecting) ws.terminate();
    this.connecting.clear();
    for (const conn of [...this.live]) conn.close('shutdown');
  }

  private open(req: WsConnectRequest): Promise<TransportConnection> {
    const host = bareHost(req.address);
    const family = ipFamily(host) || undefined;
    const secure = req.protocol === 'wss';
    const url = `${secure ? 'wss' : 'ws'}://${hostForHeader(host)}:${req.port}${req.path ?? '/'}`;
    const localAddress = req.localAddress && req.localAddress !== '0.0.0.0' && req.localAddress !== '::' ? req.localAddress : undefined;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, [SIP_SUBPROTOCOL], {
        handshakeTimeout: this.init.connectTimeout,
        maxPayload: this.init.maxPayload,
        perMessageDeflate: false,
        followRedirects: false,
        localAddress,
        family,
        ...(secure
          ? {
              ca: req.tls?.ca,
              cert: req.tls?.cert,
              key: req.tls?.key,
              rejectUnauthorized: req.tls?.rejectUnauthorized ?? true,
              servername: req.tls?.servername ?? req.servername ?? (family === undefined ? host : undefined),
            }
          : {}),
      });
      this.connecting.add(ws);
      let socket: Socket | undefined;
      const fail = (err: Error): void => {
        this.connecting.delete(ws);
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(this.stopped ? new SipError(SipErrorCode.StackShutdown, 'transport stopped while connecting') : toTransportError(err, `${req.protocol} connect to ${url}`));
      };
      ws.once('upgrade', (res) => (socket = res.socket as Socket));
      ws.once('error', fail);
      ws.once('close', () => fail(Object.assign(new Error('closed while connecting'), { code: 'ECONNABORTED' })));
      ws.once('unexpected-response', (_r, res) => fail(new Error(`handshake refused: HTTP ${res.statusCode}`)));
      ws.once('open', () => {
        this.connecting.delete(ws);
        ws.removeAllListeners();
        if (ws.protocol !== SIP_SUBPROTOCOL || socket === undefined) {
          // RFC 7118 §4.1: a server that did not agree to `sip` is not a SIP WebSocket server.
          ws.on('error', () => undefined);
          ws.terminate();
          reject(new SipError(SipErrorCode.TransportError, `${url} did not accept the sip subprotocol`));
          return;
        }
        if (this.stopped) {
          ws.terminate();
          reject(new SipError(SipErrorCode.StackShutdown, 'transport is stopped'));
          return;
        }
        resolve(this.adopt(req.iapId, req.protocol, ws, socket, true, req.servername));
      });
    });
  }

  private adopt(iapId: string, protocol: 'ws' | 'wss', ws: WebSocket, socket: Socket, outgoing: boolean, servername?: string): WsConnection {
    const { limits } = this.init;
    const conn = new WsConnection({
      id: this.nextId(),
      iapId,
      protocol,
      ws,
      socket,
      outgoing,
      servername,
      ...connectionTimers(limits, this.init.pongTimeout),
      onClose: (c, reason, error) => this.closed(c, reason, error),
    });
    conn.attach(this.init.sink);
    this.live.add(conn);
    this.init.table.add(conn);
    this.init.logger?.debug('transport: websocket open', { id: conn.id, iapId, protocol, remote: `${conn.remoteAddress}:${conn.remotePort}`, outgoing });
    return conn;
  }

  private closed(conn: WsConnection, reason: ConnectionCloseReason, error?: Error): void {
    this.live.delete(conn);
    this.init.table.remove(conn);
    if (reason === DropReason.Idle || reason === DropReason.BufferLimit || reason === DropReason.Framing) this.init.stats.drop(reason);
    const data = { id: conn.id, iapId: conn.iapId, protocol: conn.protocol, remote: `${conn.remoteAddress}:${conn.remotePort}`, reason, error: error?.message };
    if (reason === 'error' || reason === DropReason.BufferLimit || reason === DropReason.Framing || reason === 'keepAliveTimeout') {
      this.init.logger?.warn('transport: websocket closed', data);
    } else {
      this.init.logger?.debug('transport: websocket closed', data);
    }
    if (reason !== 'shutdown') this.init.onClosed?.(conn, reason);
  }
}
