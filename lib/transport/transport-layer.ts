/**
 * The transport layer: every listening socket of every IAP, the stream connections, and the
 * send/receive rules of RFC 3261 §18 behind {@link TransportPort}.
 */
import type { Socket } from 'node:net';
import { StreamFramer, type SipRequest, type SipResponse } from '../message/index.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type {
  IapSettings,
  Logger,
  Resolver,
  TransportLimits,
  TransportProtocol,
} from '../../include-types/settings.js';
import { bareHost, ipFamily } from './addresses.js';
import { ConnectionTable } from './connection-table.js';
import type { TransportConnection } from './connection.js';
import { IapRuntime, type BoundAddress } from './iap-runtime.js';
import { InboundDispatcher, streamSource } from './inbound.js';
import { resolveLimits } from './limits.js';
import { Outbound } from './outbound.js';
import { Rfc3263Resolver } from './resolver.js';
import { DropReason, StatsCounters, type TransportStats } from './stats.js';
import type { StreamConnection, StreamSink } from './stream-connection.js';
import { WsListener } from './ws-listener.js';
import { WsPool } from './ws-pool.js';
import { StreamListener } from './stream-listener.js';
import { StreamPool } from './stream-pool.js';
import { TooLargeHandler } from './too-large.js';
import type {
  ConnectionCloseReason,
  MessageSource,
  SendTarget,
  SentInfo,
  TransportPort,
  TransportUser,
} from './types.js';
import { UdpEndpoint } from './udp-endpoint.js';
import { udpKernelDrops, type BoundUdpSocket } from './udp-kernel-drops.js';

export type { BoundAddress } from './iap-runtime.js';

/** Options of a {@link TransportLayer}. */
export interface TransportLayerOptions {
  /** The local bindings; each listens on all its `listen` entries. */
  iaps: IapSettings[];
  /** Limits; unset fields take the defaults of `TransportLimits`. */
  limits?: Partial<TransportLimits>;
  logger?: Logger;
  /** Used when a next hop or a response's sent-by is a host name (default: RFC 3263 over node:dns). */
  resolver?: Resolver;
  /** Who gets received messages; may be set later with {@link TransportLayer.setUser}. */
  user?: TransportUser;
  /**
   * Give up an outgoing TCP/TLS connect, or an incoming TLS handshake, after this many ms
   * (default 32000 = 64*T1).
   */
  connectTimeout?: number;
  /**
   * With `keepAliveInterval` on: close a connection we opened when nothing answers a ping within
   * this many ms (RFC 5626 §4.4.1: 10000, the default); 0 = never.
   */
  keepAlivePongTimeout?: number;
}

/** UDP, TCP, TLS and WebSocket (RFC 7118) transports for the SIP stack. */
export class TransportLayer implements TransportPort {
  /** The limits in force (defaults filled in). */
  readonly limits: TransportLimits;
  /** The resolver used for host names. */
  readonly resolver: Resolver;
  private user: TransportUser | undefined;
  private readonly iaps = new Map<string, IapRuntime>();
  private readonly counters = new StatsCounters();
  private readonly pool: StreamPool;
  private readonly wsPool: WsPool;
  private readonly inbound: InboundDispatcher;
  private readonly tooLarge: TooLargeHandler;
  private readonly outbound: Outbound;
  private readonly logger: Logger | undefined;
  private readonly connectTimeout: number;
  /** True when the stack user set `udpReceiveBufferSize` (a cap on it is then a warning). */
  private readonly receiveBufferAsked: boolean;
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  /** Sends started and not yet settled (see {@link drain}). */
  private inFlight = 0;
  /** {@link drain}s waiting for {@link inFlight} to reach 0. */
  private drainWaiters: (() => void)[] = [];
  /** Counts a send out of {@link inFlight} once it settled (one shared function, not one per send). */
  private readonly settled = (): void => {
    if (--this.inFlight > 0 || this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  };

  constructor(options: TransportLayerOptions) {
    this.limits = resolveLimits(options.limits);
    this.receiveBufferAsked = options.limits?.udpReceiveBufferSize !== undefined;
    this.logger = options.logger;
    this.resolver = options.resolver ?? new Rfc3263Resolver();
    this.user = options.user;
    this.connectTimeout = options.connectTimeout ?? 32000;
    for (const settings of options.iaps) {
      if (this.iaps.has(settings.id)) {
        throw new SipError(SipErrorCode.InvalidArgument, `IAP ${settings.id} is configured twice`);
      }
      if (settings.listen.length === 0) {
        throw new SipError(SipErrorCode.InvalidArgument, `IAP ${settings.id} has no listen socket`);
      }
      this.iaps.set(settings.id, new IapRuntime(settings));
    }
    const table = new ConnectionTable();
    let connectionIds = 1;
    const nextId = (): number => connectionIds++;
    this.pool = new StreamPool({
      table,
      nextId,
      limits: this.limits,
      stats: this.counters,
      logger: this.logger,
      connectTimeout: this.connectTimeout,
      pongTimeout: options.keepAlivePongTimeout ?? 10000,
      makeSink: (conn) => this.framerFor(conn),
      onClosed: (conn, reason) => this.connectionClosed(conn, reason),
    });
    this.wsPool = new WsPool(
      {
        table,
        limits: this.limits,
        stats: this.counters,
        logger: this.logger,
        connectTimeout: this.connectTimeout,
        pongTimeout: options.keepAlivePongTimeout ?? 10000,
        maxPayload: this.webSocketMaxPayload(),
        sink: {
          message: (data, conn) => this.inbound.webSocketMessage(data, conn),
          pinged: () => (this.counters.keepAlivePongs += 1),
        },
        onClosed: (conn, reason) => this.connectionClosed(conn, reason),
      },
      nextId,
    );
    this.tooLarge = new TooLargeHandler({
      user: () => this.user,
      stats: this.counters,
      logger: this.logger,
      limits: this.limits,
      sendResponse: (response, source) => this.sendResponse(response, source),
    });
    this.inbound = new InboundDispatcher({
      user: () => this.user,
      stats: this.counters,
      logger: this.logger,
      maxMessageSize: this.limits.maxMessageSize,
      table: this.pool.table,
      tooLarge: this.tooLarge,
    });
    this.outbound = new Outbound({
      iap: (id) => this.startedIap(id),
      pool: this.pool,
      wsPool: this.wsPool,
      stats: this.counters,
      limits: this.limits,
      resolver: this.resolver,
      logger: this.logger,
    });
  }

  /** Sets who receives messages. */
  setUser(user: TransportUser): void {
    this.user = user;
  }

  /**
   * Binds every listen socket of every IAP. Rejects with `SipError(TransportError)` (after
   * closing what was bound) if one cannot be bound.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new SipError(SipErrorCode.InvalidState, `transport is ${this.state}`);
    this.state = 'starting';
    try {
      for (const iap of this.iaps.values()) await this.startIap(iap);
    } catch (err) {
      await this.stop();
      throw err;
    }
    // stop() may have been called while binding; it closed what was bound.
    if (this.state !== 'starting') throw new SipError(SipErrorCode.StackShutdown, 'stopped while starting');
    this.state = 'started';
  }

  /** Closes every socket and connection; idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.pool.closeAll();
    this.wsPool.closeAll();
    const closing: Promise<void>[] = [];
    for (const iap of this.iaps.values()) {
      for (const u of iap.udp) closing.push(u.close());
      for (const l of iap.listeners) closing.push(l.close());
    }
    await Promise.all(closing);
  }

  /** The sockets an IAP listens on, with the ports actually bound. */
  boundAddresses(iapId: string): BoundAddress[] {
    const iap = this.iaps.get(iapId);
    if (!iap) throw new SipError(SipErrorCode.UnknownIap, `no IAP ${iapId}`);
    return iap.bound.map((b) => ({ ...b }));
  }

  /** Counters for tests and leak checks. */
  stats(): TransportStats {
    let streamListeners = 0;
    const udp: BoundUdpSocket[] = [];
    for (const iap of this.iaps.values()) {
      for (const u of iap.udp) if (u.isOpen) udp.push({ family: u.family, address: u.address, port: u.port });
      streamListeners += iap.listeners.filter((l) => l.isOpen).length;
    }
    const live = { connections: this.pool.table.size, udpSockets: udp.length, streamListeners };
    return this.counters.snapshot(live, udpKernelDrops(udp));
  }

  /**
   * Says when the OS granted a UDP socket less receive buffer than `udpReceiveBufferSize` asked
   * (Linux caps it at net.core.rmem_max without an error, and reports twice what it granted): a
   * warning when the stack user set it (an operator who raised it should learn that it did not
   * take), info for the default (most hosts cap 1 MiB at 208 KiB; a warning at every start would
   * be noise).
   */
  private checkReceiveBuffer(udp: UdpEndpoint): void {
    const asked = this.limits.udpReceiveBufferSize;
    const reported = udp.receiveBufferSize;
    if (asked <= 0 || reported === undefined) return;
    const granted = process.platform === 'linux' ? Math.floor(reported / 2) : reported;
    if (granted >= asked) return;
    const say = this.receiveBufferAsked ? this.logger?.warn : this.logger?.info;
    say?.call(this.logger, 'transport: the OS granted a UDP socket less receive buffer than udpReceiveBufferSize asked (on Linux raise net.core.rmem_max)', {
      iapId: udp.iapId,
      local: `${udp.address}:${udp.port}`,
      asked,
      granted,
    });
  }

  /**
   * Sends a request (RFC 3261 §18.1.1): fills the top Via, switches UDP to TCP above `mtu - 200`
   * (and back to UDP, once, if that TCP connect is refused or reset; the next hop then gets large
   * requests over UDP for 32 s), reuses an open connection to the target. Rejects with `SipError` TransportError,
   * MessageTooLarge, LimitExceeded, UnknownIap or StackShutdown.
   */
  sendRequest(request: SipRequest, target: SendTarget): Promise<SentInfo> {
    return this.track(this.outbound.sendRequest(request, target));
  }

  /**
   * Sends a response back per RFC 3261 §18.2.2 / RFC 3581 §4 (the request's connection if still
   * open; else received/rport, maddr or sent-by). Rejects like {@link sendRequest}.
   */
  sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo> {
    return this.track(this.outbound.sendResponse(response, source));
  }

  /** Sends not yet settled: resolving a host, connecting, or waiting for a write to complete. */
  get sendsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Waits until every send started so far has settled (the datagram handed to the socket, the
   * bytes of a stream write handed to the kernel, or failed), at most `timeoutMs`. Call it before
   * {@link stop}, which would cut a connect or a write short. Sends started while waiting are
   * waited for too.
   * @returns true if nothing is in flight any more, false if the time ran out first.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    while (this.inFlight > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((r) => (timer = setTimeout(r, left)));
      const idle = new Promise<void>((r) => this.drainWaiters.push(r));
      await Promise.race([idle, timeUp]);
      clearTimeout(timer);
    }
    return true;
  }

  /** Counts a send as in flight until it settles (see {@link drain}); returns it unchanged. */
  private track(send: Promise<SentInfo>): Promise<SentInfo> {
    this.inFlight++;
    send.then(this.settled, this.settled);
    return send;
  }

  /** True for TCP, TLS and WebSocket (no retransmission timers A/E/G needed). */
  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  /** Closes one stream connection (e.g. after a flow failed); unknown ids are ignored. */
  closeConnection(connectionId: number): void {
    this.pool.table.get(connectionId)?.close('local');
  }

  /**
   * Sends an RFC 5626 §4.4.1 CRLFCRLF ping on a TCP/TLS connection now (a WebSocket ping frame
   * on a WebSocket one); false if it is not open. If nothing arrives within
   * `keepAlivePongTimeout`, the connection is closed (`keepAliveTimeout`).
   */
  ping(connectionId: number): boolean {
    const conn = this.pool.table.get(connectionId);
    return conn ? conn.ping() : false;
  }

  /** The lib/message framer of one connection, wired to the dispatcher and the limits. */
  private framerFor(conn: StreamConnection): StreamSink {
    const framer = new StreamFramer({
      maxMessageSize: this.limits.maxMessageSize,
      onMessage: (raw) => this.inbound.streamMessage(raw, conn),
      onKeepAlive: (kind) => {
        if (kind !== 'ping') return;
        // RFC 5626 §4.4.1: a CRLFCRLF ping is answered with a CRLF pong.
        this.counters.keepAlivePongs += 1;
        conn.pong();
      },
      // RFC 3261 §21.5.14: a complete head announcing too much: 513, then skip the body or close
      onTooLarge: (head, bodyLength) => this.tooLarge.stream(head, bodyLength, conn, streamSource(conn)),
      onError: (error) => {
        // RFC 3261 §18.3: a stream out of sync (bad or missing Content-Length, a header block over
        // maxMessageSize) is closed.
        const reason = error.status === 513 ? DropReason.TooLarge : DropReason.Framing;
        this.counters.drop(reason);
        if (reason === DropReason.TooLarge) this.counters.tooLarge.connectionsClosed += 1;
        this.logger?.warn('transport: stream closed, framing failed', { id: conn.id, reason: error.reason });
        conn.close(reason);
      },
    });
    return {
      push: (chunk) => {
        framer.push(chunk);
        return framer.bufferedBytes;
      },
    };
  }

  /**
   * The largest WebSocket message read: `ws` holds a whole message before it is delivered, so the
   * per-connection buffer limit bounds it (never below maxMessageSize).
   */
  private webSocketMaxPayload(): number {
    // NOTE (deviation): over TCP a message above maxMessageSize is answered 513 from its head and
    // its body skipped unbuffered; over WebSocket only one within maxBufferedBytesPerConnection
    // can be read and answered 513; a larger one closes the connection (1009), which is what
    // happens with the defaults (both limits equal).
    return Math.max(this.limits.maxMessageSize, this.limits.maxBufferedBytesPerConnection);
  }

  private connectionClosed(conn: TransportConnection, reason: ConnectionCloseReason): void {
    try {
      this.user?.onConnectionClosed?.({
        connectionId: conn.id,
        iapId: conn.iapId,
        protocol: conn.protocol,
        remoteAddress: conn.remoteAddress,
        remotePort: conn.remotePort,
        reason,
      });
    } catch (err) {
      this.logger?.error('transport: TransportUser.onConnectionClosed threw', { error: String(err) });
    }
  }

  private startedIap(id: string): IapRuntime {
    if (this.state !== 'started') {
      throw new SipError(SipErrorCode.StackShutdown, `transport is ${this.state}`);
    }
    const iap = this.iaps.get(id);
    if (!iap) throw new SipError(SipErrorCode.UnknownIap, `no IAP ${id}`);
    return iap;
  }

  private async startIap(iap: IapRuntime): Promise<void> {
    for (const listen of iap.settings.listen) {
      if (this.state !== 'starting') return;
      const address = bareHost(listen.address);
      const family = ipFamily(address);
      if (family === 0) {
        throw new SipError(SipErrorCode.InvalidArgument, `listen address ${listen.address} is not an IP`);
      }
      let port: number;
      if (listen.protocol === 'udp') {
        const udp = new UdpEndpoint(iap.id, family, {
          onDatagram: (data, from, endpoint) => this.inbound.datagram(data, from, endpoint),
          onError: (err) => this.logger?.warn('transport: udp socket error', { iapId: iap.id, error: err.message }),
        }, this.limits.udpReceiveBufferSize);
        iap.udp.push(udp);
        await udp.bind(address, listen.port);
        port = udp.port;
        this.checkReceiveBuffer(udp);
      } else if (listen.protocol === 'ws' || listen.protocol === 'wss') {
        const listener = new WsListener(
          iap.id,
          listen,
          {
            onWebSocket: (ws, req, l) => this.wsPool.accept(l.iapId, l.protocol, ws, req),
            hasRoom: (l, remoteAddress) => this.wsPool.hasRoom(l.iapId, remoteAddress),
            onError: (err) => this.logger?.info('transport: websocket listener', { iapId: iap.id, error: err.message }),
          },
          { handshakeTimeout: this.connectTimeout, maxPayload: this.webSocketMaxPayload() },
        );
        iap.listeners.push(listener);
        await listener.listen(address, listen.port);
        port = listener.boundAddress.port;
      } else {
        const events = {
          onSocket: (socket: Socket, l: StreamListener) => this.pool.accept(l.iapId, l.protocol, socket),
          onError: (err: Error) => this.logger?.info('transport: listener error', { iapId: iap.id, error: err.message }),
        };
        // The connect timeout also bounds incoming TLS handshakes.
        const listener = new StreamListener(iap.id, listen, events, this.connectTimeout);
        iap.listeners.push(listener);
        await listener.listen(address, listen.port);
        port = listener.boundAddress.port;
      }
      iap.bound.push({ protocol: listen.protocol, address, port, family });
    }
  }
}
