/**
 * The live sockets of one IAP (local binding) and the choices made from them: which UDP socket
 * sends to a family, which address and port go into Via sent-by, what to connect from.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { IapSettings, TlsSettings, TransportProtocol } from '../../include-types/settings.js';
import { ipFamily } from './addresses.js';
import { DEFAULT_MTU } from './limits.js';
import type { StreamListener } from './stream-listener.js';
import type { WsListener } from './ws-listener.js';
import type { UdpEndpoint } from './udp-endpoint.js';

/** One socket an IAP listens on, as bound (port 0 replaced by the chosen port). */
export interface BoundAddress {
  protocol: TransportProtocol;
  address: string;
  port: number;
  family: 4 | 6;
}

/** The sockets of one IAP once started. */
export class IapRuntime {
  readonly settings: IapSettings;
  readonly udp: UdpEndpoint[] = [];
  readonly listeners: Array<StreamListener | WsListener> = [];
  readonly bound: BoundAddress[] = [];

  /**
   * @param interfaces the machine's interfaces (injectable for tests; default os.networkInterfaces).
   */
  constructor(
    settings: IapSettings,
    private readonly interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces,
  ) {
    this.settings = settings;
  }

  get id(): string {
    return this.settings.id;
  }

  /** UDP path MTU of this binding (RFC 3261 §18.1.1; default 1300). */
  get mtu(): number {
    return this.settings.mtu ?? DEFAULT_MTU;
  }

  /** The UDP socket that sends to `family`, preferring the one bound to `localAddress:localPort`. */
  udpFor(family: 4 | 6, localAddress?: string, localPort?: number): UdpEndpoint | undefined {
    // a loop, not find() with closures: this runs for every datagram sent
    let sameFamily: UdpEndpoint | undefined;
    for (const u of this.udp) {
      if (u.family !== family) continue;
      if (u.address === localAddress && u.port === localPort) return u;
      sameFamily ??= u;
    }
    return sameFamily;
  }

  /**
   * The listening socket whose address and port go into Via sent-by for a request over
   * `protocol` to a `family` address: same protocol and family, else same family, else any.
   */
  listenerFor(protocol: TransportProtocol, family: 4 | 6): BoundAddress | undefined {
    return (
      this.bound.find((b) => b.protocol === protocol && b.family === family) ??
      this.bound.find((b) => b.family === family) ??
      this.bound[0]
    );
  }

  /**
   * Via sent-by host: the advertised host if set, else the listening address. For a wildcard
   * listener ("0.0.0.0", "::") it is `local` (a connection's own address) when given, else the
   * first address of that family on the machine's interfaces (external ones first).
   */
  sentByHost(bound: BoundAddress, local?: string): string {
    if (this.settings.advertisedHost !== undefined) return this.settings.advertisedHost;
    if (!isWildcard(bound.address)) return bound.address;
    if (local !== undefined && !isWildcard(local)) return local;
    const all = Object.values(this.interfaces()).flatMap((list) => list ?? []);
    const ofFamily = all.filter((i) => i.family === (bound.family === 6 ? 'IPv6' : 'IPv4'));
    const pick = ofFamily.find((i) => !i.internal && !i.address.startsWith('fe80')) ?? ofFamily[0];
    return pick?.address ?? (bound.family === 6 ? '::1' : '127.0.0.1');
  }

  /** True if Via sent-by depends on the connection's local address (wildcard listener). */
  needsLocalSentBy(bound: BoundAddress): boolean {
    return this.settings.advertisedHost === undefined && isWildcard(bound.address);
  }

  /** The local address outgoing connections to a `family` address start from (none if wildcard). */
  localAddressFor(family: 4 | 6): string | undefined {
    const address = this.bound.find((b) => b.family === family)?.address;
    return address === undefined || isWildcard(address) ? undefined : address;
  }

  /**
   * Client-side TLS settings for connections over `protocol`: the IAP's `tlsClient` if set, else
   * those of its first listener of that protocol with TLS settings, else of its first TLS or WSS
   * listener, if any.
   */
  clientTls(protocol: TransportProtocol = 'tls'): TlsSettings | undefined {
    if (this.settings.tlsClient !== undefined) return this.settings.tlsClient;
    const withTls = this.settings.listen.filter((l) => (l.protocol === 'tls' || l.protocol === 'wss') && l.tls !== undefined);
    return (withTls.find((l) => l.protocol === protocol) ?? withTls[0])?.tls;
  }

  /** The HTTP path WebSocket connections opened from this IAP ask for (RFC 7118 URIs have none). */
  webSocketConnectPath(): string {
    const ws = this.settings.listen.find((l) => l.websocket?.connectPath !== undefined);
    return ws?.websocket?.connectPath ?? '/';
  }

  /** True if a host literal's family can be reached from this IAP. */
  reaches(host: string): boolean {
    const family = ipFamily(host);
    return family !== 0 && this.bound.some((b) => b.family === family);
  }
}

/** True for the any-address of either family. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]';
}
