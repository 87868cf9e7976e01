/**
 * Sending: requests per RFC 3261 §18.1.1 (Via, MTU switch to TCP, connection reuse) and
 * responses per §18.2.2 and RFC 3581 §4.
 */
import { serializeMessage, type SipRequest, type SipResponse, type Via } from '../message/index.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { Resolver, TransportLimits, TransportProtocol } from '../../include-types/settings.js';
import { bareHost, defaultPort, ipFamily, isStream } from './addresses.js';
import { toTransportError, tooLargeError } from './errors.js';
import type { IapRuntime } from './iap-runtime.js';
import { MTU_MARGIN } from './limits.js';
import { responseDestination } from './response-route.js';
import type { StatsCounters } from './stats.js';
import type { StreamPool } from './stream-pool.js';
import type { MessageSource, SendTarget, SentInfo } from './types.js';
import { stampRequestVia } from './via-rules.js';

/** What {@link Outbound} needs from its owner. */
export interface OutboundDeps {
  /** The started IAP of that id; throws `SipError(UnknownIap)` / `StackShutdown`. */
  iap(id: string): IapRuntime;
  pool: StreamPool;
  stats: StatsCounters;
  limits: TransportLimits;
  resolver: Resolver;
}

/** A numeric next hop. */
interface Hop {
  address: string;
  port: number;
  family: 4 | 6;
}

/** The sending half of the transport layer. */
export class Outbound {
  constructor(private readonly deps: OutboundDeps) {}

  /** See `TransportPort.sendRequest`. */
  async sendRequest(request: SipRequest, target: SendTarget): Promise<SentInfo> {
    const iap = this.deps.iap(target.iapId);
    const hop = await this.numeric(target.address, target.port, target.protocol);
    let protocol = target.protocol;
    let data = this.stamp(request, iap, protocol, hop.family);
    if (protocol === 'udp' && data.length > iap.mtu - MTU_MARGIN) {
      // RFC 3261 §18.1.1: within 200 bytes of the MTU → a congestion-controlled transport, and
      // the top Via changes with it. No fall-back to UDP if the TCP connect fails.
      protocol = 'tcp';
      data = this.stamp(request, iap, protocol, hop.family);
    }
    if (protocol === 'udp') return this.sendDatagram(iap, data, hop);
    // A TLS next hop given by name is checked against that name (RFC 5922 §4).
    const servername = target.servername ?? (ipFamily(target.address) === 0 ? bareHost(target.address) : undefined);
    const conn = await this.openFor(iap, protocol, hop, servername);
    const bound = iap.listenerFor(protocol, hop.family);
    if (bound && iap.needsLocalSentBy(bound)) {
      // A wildcard listener: the connection's own address is the one to put in sent-by.
      data = this.stamp(request, iap, protocol, hop.family, conn.localAddress);
    }
    await conn.send(data);
    this.deps.stats.streamMessagesOut += 1;
    return sentOver(conn);
  }

  /** See `TransportPort.sendResponse`. */
  async sendResponse(response: SipResponse, source: MessageSource): Promise<SentInfo> {
    const iap = this.deps.iap(source.iapId);
    const via = topViaOf(response);
    const data = this.checkSize(serializeMessage(response));
    if (isStream(source.protocol)) {
      // RFC 3261 §18.2.2: reliable → the connection the request came on, if still open.
      const open = source.connectionId === undefined ? undefined : this.deps.pool.table.get(source.connectionId);
      const dest = responseDestination(via, source.protocol);
      const conn =
        open ??
        (await this.openFor(iap, source.protocol, await this.numeric(dest.host, dest.port, source.protocol)));
      await conn.send(data);
      this.deps.stats.streamMessagesOut += 1;
      return sentOver(conn);
    }
    const dest = responseDestination(via, 'udp');
    const hop = await this.numeric(dest.host, dest.port, 'udp');
    // RFC 3581 §4: sent from the address and port the request arrived on.
    return this.sendDatagram(iap, data, hop, source.localAddress, source.localPort);
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

  private async sendDatagram(
    iap: IapRuntime,
    data: Buffer,
    hop: Hop,
    localAddress?: string,
    localPort?: number,
  ): Promise<SentInfo> {
    const udp = iap.udpFor(hop.family, localAddress, localPort);
    if (udp === undefined) {
      throw new SipError(SipErrorCode.TransportError, `IAP ${iap.id} has no UDP socket for IPv${hop.family}`);
    }
    await udp.send(data, hop.port, hop.address);
    this.deps.stats.datagramsOut += 1;
    return {
      protocol: 'udp',
      localAddress: udp.address,
      localPort: udp.port,
      remoteAddress: hop.address,
      remotePort: hop.port,
    };
  }

  private openFor(iap: IapRuntime, protocol: 'tcp' | 'tls', hop: Hop, servername?: string) {
    return this.deps.pool.obtain({
      iapId: iap.id,
      protocol,
      address: hop.address,
      port: hop.port,
      localAddress: iap.localAddressFor(hop.family),
      tls: iap.clientTls(),
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
      transport: protocol === 'tls' ? 'tls' : protocol,
      secure: protocol === 'tls',
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
