/**
 * The stream connections of the transport layer: accepting (with the per-IAP limit), opening
 * outgoing ones (reusing an open one to the same remote end, one connect at a time per remote),
 * and closing them all on shutdown.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Logger, TlsSettings, TransportLimits } from '../../include-types/settings.js';
import { bareHost, ipFamily } from './addresses.js';
import { connectionTimers } from './connection-base.js';
import { ConnectionTable, remoteKey } from './connection-table.js';
import type { TransportConnection } from './connection.js';
import { toTransportError } from './errors.js';
import { DropReason, type StatsCounters } from './stats.js';
import { StreamConnection, type CloseReason, type StreamSink } from './stream-connection.js';

/** Where and how to open an outgoing connection. */
export interface ConnectRequest {
  iapId: string;
  protocol: 'tcp' | 'tls';
  address: string;
  port: number;
  /** Local address to connect from (the IAP's listening address of that family), if any. */
  localAddress?: string;
  /** Client TLS settings (CA to trust, client certificate, verification). */
  tls?: TlsSettings;
  /** Name to check the server certificate against. */
  servername?: string;
}

/** Construction values of a {@link StreamPool}. */
export interface StreamPoolInit {
  limits: TransportLimits;
  stats: StatsCounters;
  logger?: Logger;
  /** Connect timeout in ms. */
  connectTimeout: number;
  /** RFC 5626 §4.4.1 pong timeout in ms (0 = none). */
  pongTimeout: number;
  /** Makes the framer that receives a new connection's bytes. */
  makeSink(conn: StreamConnection): StreamSink;
  /** Told after a connection closed for any reason but shutdown. */
  onClosed?(conn: StreamConnection, reason: CloseReason): void;
  /** The table to keep connections in, when shared with other pools (default: a new one). */
  table?: ConnectionTable;
  /** The connection id source, when shared with other pools (default: 1, 2, 3 ...). */
  nextId?: () => number;
}

/** Owner of every TCP/TLS connection. */
export class StreamPool {
  readonly table: ConnectionTable;
  private readonly pending = new Map<string, Promise<TransportConnection>>();
  private readonly connecting = new Set<Socket>();
  private readonly live = new Set<StreamConnection>();
  private readonly nextId: () => number;
  private stopped = false;

  constructor(private readonly init: StreamPoolInit) {
    this.table = init.table ?? new ConnectionTable();
    let id = 1;
    this.nextId = init.nextId ?? (() => id++);
  }

  /**
   * Takes an accepted socket. Beyond `maxConnections` for the IAP it is closed at once and
   * counted as dropped.
   */
  accept(iapId: string, protocol: 'tcp' | 'tls', socket: Socket): StreamConnection | undefined {
    if (this.stopped) {
      socket.on('error', () => undefined);
      socket.destroy();
      return undefined;
    }
    if (this.table.countFor(iapId) >= this.init.limits.maxConnections) {
      this.init.stats.drop(DropReason.ConnectionLimit);
      this.init.logger?.warn('transport: connection refused, limit reached', {
        iapId,
        remote: `${socket.remoteAddress}:${socket.remotePort}`,
        maxConnections: this.init.limits.maxConnections,
      });
      socket.on('error', () => undefined);
      socket.destroy();
      return undefined;
    }
    const perAddress = this.init.limits.maxConnectionsPerAddress;
    if (perAddress > 0 && this.table.incomingFrom(iapId, socket.remoteAddress ?? '') >= perAddress) {
      this.init.stats.drop(DropReason.AddressLimit);
      this.init.logger?.warn('transport: connection refused, per-address limit reached', {
        iapId,
        remote: `${socket.remoteAddress}:${socket.remotePort}`,
        maxConnectionsPerAddress: perAddress,
      });
      socket.on('error', () => undefined);
      socket.destroy();
      return undefined;
    }
    return this.adopt(iapId, protocol, socket, false);
  }

  /**
   * An open connection to the remote end, reused when there is one, else a new one. Rejects
   * with `SipError(LimitExceeded)` beyond `maxConnections`, `SipError(TransportError)` when the
   * connect or TLS handshake fails.
   */
  obtain(req: ConnectRequest): Promise<TransportConnection> {
    const open = this.table.find(req.iapId, req.protocol, req.address, req.port, req.servername);
    if (open) return Promise.resolve(open);
    const key = remoteKey(req.iapId, req.protocol, req.address, req.port, req.servername);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    if (this.stopped) {
      return Promise.reject(new SipError(SipErrorCode.StackShutdown, 'transport is stopped'));
    }
    if (this.table.countFor(req.iapId) + this.pendingFor(req.iapId) >= this.init.limits.maxConnections) {
      this.init.stats.drop(DropReason.ConnectionLimit);
      return Promise.reject(
        new SipError(SipErrorCode.LimitExceeded, `maxConnections reached on ${req.iapId}`),
      );
    }
    const p = this.open(req).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  /** Closes every connection and refuses new ones. */
  closeAll(): void {
    this.stopped = true;
    for (const socket of this.connecting) socket.destroy();
    this.connecting.clear();
    for (const conn of [...this.live]) conn.close('shutdown');
  }

  private pendingFor(iapId: string): number {
    let n = 0;
    for (const key of this.pending.keys()) if (key.startsWith(`${iapId}|`)) n++;
    return n;
  }

  private open(req: ConnectRequest): Promise<StreamConnection> {
    const host = bareHost(req.address);
    const family = ipFamily(host) || undefined;
    const localAddress =
      req.localAddress && req.localAddress !== '0.0.0.0' && req.localAddress !== '::'
        ? req.localAddress
        : undefined;
    return new Promise((resolve, reject) => {
      let socket: Socket;
      const onReady = (): void => {
        cleanup();
        this.connecting.delete(socket);
        if (this.stopped) {
          socket.destroy();
          reject(new SipError(SipErrorCode.StackShutdown, 'transport is stopped'));
          return;
        }
        resolve(this.adopt(req.iapId, req.protocol, socket, true, req.servername));
      };
      const onError = (err: Error): void => {
        cleanup();
        this.connecting.delete(socket);
        socket.on('error', () => undefined); // late errors of a dead socket must not crash
        socket.destroy();
        reject(
          this.stopped
            ? new SipError(SipErrorCode.StackShutdown, 'transport stopped while connecting')
            : toTransportError(err, `${req.protocol} connect to ${host}:${req.port}`),
        );
      };
      if (req.protocol === 'tls') {
        // The app's servername (TlsSettings) wins over the target's name; an IP literal is checked
        // against the certificate's IP subjectAltNames (node:tls does so without a servername).
        const servername = req.tls?.servername ?? req.servername ?? (family === undefined ? host : undefined);
        // node:tls hands localAddress/family to net.connect, though its types omit them.
        const options: ConnectionOptions & { localAddress?: string; family?: number } = {
          host,
          port: req.port,
          localAddress,
          family,
          ca: req.tls?.ca,
          cert: req.tls?.cert,
          key: req.tls?.key,
          rejectUnauthorized: req.tls?.rejectUnauthorized ?? true,
          servername,
        };
        socket = tlsConnect(options);
      } else {
        socket = tcpConnect({ host, port: req.port, family, localAddress });
      }
      const readyEvent = req.protocol === 'tls' ? 'secureConnect' : 'connect';
      const timer = setTimeout(
        () => onError(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
        this.init.connectTimeout,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off(readyEvent, onReady);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
      // Destroyed before it connected (stop() while connecting): no 'error' follows.
      const onClose = (): void =>
        onError(Object.assign(new Error('closed while connecting'), { code: 'ECONNABORTED' }));
      this.connecting.add(socket);
      socket.once(readyEvent, onReady);
      socket.once('error', onError);
      socket.once('close', onClose);
    });
  }

  private adopt(
    iapId: string,
    protocol: 'tcp' | 'tls',
    socket: Socket,
    outgoing: boolean,
    servername?: string,
  ): StreamConnection {
    const { limits } = this.init;
    const conn = new StreamConnection({
      id: this.nextId(),
      iapId,
      protocol,
      socket,
      outgoing,
      servername,
      ...connectionTimers(limits, this.init.pongTimeout),
      maxBufferedBytes: limits.maxBufferedBytesPerConnection,
      partialMessageTimeout: limits.partialMessageTimeout,
      onClose: (c, reason, error) => this.closed(c, reason, error),
    });
    conn.attach(this.init.makeSink(conn));
    this.live.add(conn);
    this.table.add(conn);
    this.init.logger?.debug('transport: connection open', describe(conn));
    return conn;
  }

  private closed(conn: StreamConnection, reason: CloseReason, error?: Error): void {
    this.live.delete(conn);
    this.table.remove(conn);
    if (reason === DropReason.Idle || reason === DropReason.BufferLimit || reason === DropReason.PartialTimeout) this.init.stats.drop(reason);
    const data = { ...describe(conn), reason, error: error?.message };
    if (reason === 'error' || reason === DropReason.BufferLimit || reason === DropReason.PartialTimeout || reason === 'keepAliveTimeout') {
      this.init.logger?.warn('transport: connection closed', data);
    } else {
      this.init.logger?.debug('transport: connection closed', data);
    }
    if (reason !== 'shutdown') this.init.onClosed?.(conn, reason);
  }
}

function describe(conn: StreamConnection): Record<string, unknown> {
  return {
    id: conn.id,
    iapId: conn.iapId,
    protocol: conn.protocol,
    local: `${conn.localAddress}:${conn.localPort}`,
    remote: `${conn.remoteAddress}:${conn.remotePort}`,
    outgoing: conn.outgoing,
  };
}
