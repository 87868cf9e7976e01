/**
 * Sending: requests per RFC 3261 §18.1.1 (Via, MTU switch to TCP, connection reuse) and
 * responses per §18.2.2 and RFC 3581 §4.
 */
import { serializeMessage, type SipRequest, type SipResponse, type Via } from '../message/index.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Logger, Resolver, TransportLimits, TransportProtocol } from '../../include-types/settings.js';
import { bareHost, defaultPort, ipFamily, isInvalidHost, isStream } from './addresses.js';
import { isWebSocket, type ConnectionProtocol, type TransportConnection } from './connection.js';
import { isConnectRefusal, toTransportError, tooLargeError } from './errors.js';
import type { IapRuntime } from './iap-runtime.js';
import { MTU_MARGIN } from './limits.js';
import { responseDestination } from './response-route.js';
import type { StatsCounters } from './stats.js';
import type { StreamPool } from './stream-pool.js';
import type { WsPool } from './ws-pool.js';
import type { MessageSource, SendTarget, SentInfo } from './types.js';
import { stampRequestVia } from './via-rules.js';

/** What {@link Outbound} needs from its owner. */
export interface OutboundDeps {
  /** The started IAP of that id; throws `SipError(UnknownIap)` / `StackShutdown`. */
  iap(id: string): IapRuntime;
  pool: StreamPool;
  /** The WebSocket connections (RFC 7118). */
  wsPool: WsPool;
  stats: StatsCounters;
  limits: TransportLimits;
  resolver: Resolver;
  logger?: Logger;
}

/** A numeric next hop. */
interface Hop {
  address: string;
  port: number;
  family: 4 | 6;
}

/**
 * How long a next hop that refused TCP for a large request gets large requests over UDP without
 * another connect attempt: 64*T1 with the default T1, a non-INVITE transaction's lifetime.
 */
const REFUSED_TCP_MEMORY_MS = 32_000;
/** At most this many such next hops are remembered (oldest forgotten first). */
const REFUSED_TCP_MAX = 1024;

/** The sending half of the transport layer. */
export class Outbound {
  /** Next hops (`iap|address|port`) that refused TCP for a large request, until when (Date.now ms). */
  private readonly refusedTcp = new Map<string, number>();

  constructor(private readonly deps: OutboundDeps) {}

  /** See `TransportPort.sendRequest`. */
  async sendRequest(request: SipRequest, target: SendTarget): Promise<SentInfo> {
    const iap = this.deps.iap(target.iapId);
    if (isWebSocket(target.protocol) && isInvalidHost(target.address)) return this.toWebSocketName(request, iap, target);
    const hop = await this.numeric(target.address, target.port, target.protocol);
    let protocol = target.protocol;
    let data = this.stamp(request, iap, protocol, hop.family);
    let switched = false;
    if (protocol === 'udp' && data.length > iap.mtu - MTU_MARGIN) {
      // RFC 3261 §18.1.1 (below): a peer that just refused TCP gets the request over UDP at once,
      // so Timer A/E retransmissions do not each wait for another refused connect
      const open = this.deps.pool.table.find(iap.id, 'tcp', hop.address, hop.port);
      if (open === undefined && this.refusedTcpRecently(iap.id, hop)) return this.udpInstead(request, iap, hop);
      // RFC 3261 §18.1.1: within 200 bytes of the MTU → a congestion-controlled transport, and
      // the top Via changes with it.
      protocol = 'tcp';
      switched = true;
      data = this.stamp(request, iap, protocol, hop.family);
    }
    if (protocol === 'udp') return this.sendDatagram(iap, data, hop);
    // A TLS next hop given by name is checked against that name (RFC 5922 §4).
    const servername = target.servername ?? (ipFamily(target.address) === 0 ? bareHost(target.address) : undefined);
    let conn: TransportConnection;
    try {
      conn = await this.openFor(iap, protocol, hop, servername);
    } catch (err) {
      if (!switched || !isConnectRefusal(err)) throw err;
      // RFC 3261 §18.1.1: TCP was chosen only for the size and the connect was refused or reset
      // (or ICMP Protocol Not Supported): retry once over UDP, the top Via back to UDP. Sends
      // that waited on the same pending connect (a Timer E retransmission sent before the refusal
      // was read) share its refusal: it is logged once.
      if (!this.refusedTcpRecently(iap.id, hop)) this.deps.logger?.info('transport: TCP for a large request refused, retrying over UDP (RFC 3261 §18.1.1)', {
        target: `${hop.address}:${hop.port}`,
        bytes: data.length,
        error: err instanceof Error ? err.message : String(err),
      });
      this.rememberRefusedTcp(iap.id, hop);
      return this.udpInstead(request, iap, hop);
    }
    const bound = iap.listenerFor(protocol, hop.family);
    if (bound && iap.needsLocalSentBy(bound)) {
      // A wildcard listener: the connection's own address is the one to put in sent-by.
      data = this.stamp(request, iap, protocol, hop.family, conn.localAddress);
    }
    await conn.send(data);
    this.deps.stats.streamMessagesOut += 1;
    return sentOver(conn);
  }

  /**
   * RFC 7118 §5: a request to a `.invalid` host (a WebSocket client's own name in its Contact)
   * can only go over the WebSocket connection that client opened, whatever `ws`/`wss` or port
   * the URI says; the Via says what the connection really is.
   */
  private async toWebSocketName(request: SipRequest, iap: IapRuntime, target: SendTarget): Promise<SentInfo> {
    const conn = this.deps.pool.table.findWebSocketName(iap.id, target.address);
    if (conn === undefined) {
      // NOTE (deviation): without RFC 5626 Outbound / RFC 5627 GRUU, a client whose connection
      // closed cannot be reached until it connects and registers again.
      throw new SipError(SipErrorCode.TransportError, `no open WebSocket connection from ${target.address} (RFC 7118 §5)`);
    }
    const family = ipFamily(conn.localAddress) === 6 ? 6 : 4;
    const data = this.stamp(request, iap, conn.protocol, family, conn.localAddress);
    await conn.send(data);
    this.deps.stats.streamMessagesOut += 1;
    return sentOver(conn);
  }

  /** The RFC 3261 §18.1.1 retry: the top Via back to UDP, one datagram. */
  private udpInstead(request: SipRequest, iap: IapRuntime, hop: Hop): Promise<SentInfo> {
    this.deps.stats.udpFallbacks += 1;
    return this.sendDatagram(iap, this.stamp(request, iap, 'udp', hop.family), hop);
  }

  private refusedTcpRecently(iapId: string, hop: Hop): boolean {
    const key = `${iapId}|${hop.address}|${hop.port}`;
    const until = this.refusedTcp.get(key);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.refusedTcp.delete(key);
    return false;
  }

  private rememberRefusedTcp(iapId: string, hop: Hop): void {
    const key = `${iapId}|${hop.address}|${hop.port}`;
    this.refusedTcp.delete(key); // re-inserted last: the Map's order is the eviction order
    this.refusedTcp.set(key, Date.now() + REFUSED_TCP_MEMORY_MS);
    if (this.refusedTcp.size > REFUSED_TCP_MAX) {
      const oldest = this.refusedTcp.keys().next().value;
      if (oldest !== undefined) this.refusedTcp.delete(oldest);
    }
  }

  /**
   * See `TransportPort.sendResponse`. Every failure, synchronous ones included, is a rejection.
   * A datagram to a numeric address goes out without an extra await or promise on the way: this
   * is a UAS's per-message path.
   */
  sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo> {
    try {
      const iap = this.deps.iap(source.iapId);
      const via = topViaOf(response);
      const data = this.checkSize(serializeMessage(response));
      if (isStream(source.protocol)) return this.streamResponse(data, iap, via, source, source.protocol);
      const dest = responseDestination(via, 'udp');
      const family = ipFamily(dest.host);
      // RFC 3581 §4: sent from the address and port the request arrived on.
      if (family !== 0) return this.sendDatagram(iap, data, { address: dest.host, port: dest.port, family }, source.localAddress, source.localPort);
      return this.numeric(dest.host, dest.port, 'udp').then((hop) => this.sendDatagram(iap, data, hop, source.localAddress, source.localPort));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** RFC 3261 §18.2.2 over a stream: the request's connection, else a new one. */
  private async streamResponse(data: Buffer, iap: IapRuntime, via: Via, source: MessageSource, protocol: ConnectionProtocol): Promise<SentInfo> {
    // RFC 3261 §18.2.2: reliable → the connection the request came on, if still open.
    const open = source.connectionId === undefined ? undefined : this.deps.pool.table.get(source.connectionId);
    if (isWebSocket(protocol) && open === undefined) return this.webSocketResponseGone(data, iap, via, source);
    const dest = responseDestination(via, protocol);
    const conn = open ?? (await this.openFor(iap, protocol, await this.numeric(dest.host, dest.port, protocol)));
    await conn.send(data);
    this.deps.stats.streamMessagesOut += 1;
    return sentOver(conn);
  }

  /**
   * RFC 7118 §5: the WebSocket a request came on is gone. A browser cannot take connections, so
   * instead of §18.2.2's new connection to received/port the response goes over another open
   * WebSocket of the same client (its `.invalid` name, or its address and port), if any.
   */
  private async webSocketResponseGone(data: Buffer, iap: IapRuntime, via: Via, source: MessageSource): Promise<SentInfo> {
    const table = this.deps.pool.table;
    const conn = isInvalidHost(via.host)
      ? table.findWebSocketName(iap.id, via.host)
      : table.find(iap.id, source.protocol, source.remoteAddress, source.remotePort);
    if (conn === undefined) {
      throw new SipError(SipErrorCode.TransportError, `WebSocket connection ${source.connectionId ?? '?'} is closed; no other to ${via.host}`);
    }
    await conn.send(data);
    this.deps.stats.streamMessagesOut += 1;
    return sentOver(conn);
  }

  /** Fills the top Via for `protocol` and serializes; checks the size limit. */
  private stamp(
    request: SipRequest,
    iap: IapRuntime,
    protocol: TransportProtocol,
    family: 4 | 6,
    local?: string,
  ): Buffer {
    const bound = iap.listenerFor(protocol, family);
    if (bound === undefined) throw new SipError(SipErrorCode.TransportError, `IAP ${iap.id} has no socket`);
    topViaOf(request);
    stampRequestVia(request, protocol, iap.sentByHost(bound, local), bound.port);
    return this.checkSize(serializeMessage(request));
  }

  private checkSize(data: Buffer): Buffer {
    const max = this.deps.limits.maxMessageSize;
    if (data.length > max) throw tooLargeError(data.length, max);
    return data;
  }

  /** One datagram; a missing socket is a rejection, like a failed send. */
  private sendDatagram(iap: IapRuntime, data: Buffer, hop: Hop, localAddress?: string, localPort?: number): Promise<SentInfo> {
    const udp = iap.udpFor(hop.family, localAddress, localPort);
    if (udp === undefined) {
      return Promise.reject(new SipError(SipErrorCode.TransportError, `IAP ${iap.id} has no UDP socket for IPv${hop.family}`));
    }
    const sent: SentInfo = { protocol: 'udp', localAddress: udp.address, localPort: udp.port, remoteAddress: hop.address, remotePort: hop.port };
    return udp.sendThen(data, hop.port, hop.address, sent, this.deps.stats);
  }

  private openFor(iap: IapRuntime, protocol: ConnectionProtocol, hop: Hop, servername?: string): Promise<TransportConnection> {
    if (isWebSocket(protocol)) {
      return this.deps.wsPool.obtain({
        iapId: iap.id,
        protocol,
        address: hop.address,
        port: hop.port,
        path: iap.webSocketConnectPath(),
        localAddress: iap.localAddressFor(hop.family),
        tls: iap.clientTls(protocol),
        servername,
      });
    }
    return this.deps.pool.obtain({
      iapId: iap.id,
      protocol,
      address: hop.address,
      port: hop.port,
      localAddress: iap.localAddressFor(hop.family),
      tls: iap.clientTls(protocol),
      servername,
    });
  }

  /** A numeric address for `host`; a name is looked up (A/AAAA, RFC 3263 §4.2 / §5). */
  private async numeric(host: string, port: number, protocol: TransportProtocol): Promise<Hop> {
    const bare = bareHost(host);
    const family = ipFamily(bare);
    if (family !== 0) return { address: bare, port, family };
    const found = await this.deps.resolver.resolve({
      host: bare,
      port: port || defaultPort(protocol),
      transport: protocol,
      secure: protocol === 'tls' || protocol === 'wss',
    });
    const first = found[0];
    if (first === undefined) throw toTransportError(new Error('no address'), `resolve ${host}`);
    return { address: first.address, port: first.port, family: first.family };
  }
}

/** The top Via, or `SipError(InvalidArgument)` when it is missing or malformed. */
function topViaOf(msg: SipRequest | SipResponse): Via {
  try {
    return msg.topVia;
  } catch (err) {
    throw new SipError(SipErrorCode.InvalidArgument, 'message has no valid Via', { cause: err });
  }
}

function sentOver(conn: {
  protocol: TransportProtocol;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  id: number;
}): SentInfo {
  return {
    protocol: conn.protocol,
    localAddress: conn.localAddress,
    localPort: conn.localPort,
    remoteAddress: conn.remoteAddress,
    remotePort: conn.remotePort,
    connectionId: conn.id,
  };
}
