/**
 * The live sockets of one IAP (local binding) and the choices made from them: which UDP socket
 * sends to a family, which address and port go into Via sent-by, what to connect from.
 */
import type { IapSettings, TlsSettings, TransportProtocol } from '../../include-types/settings.js';
import { ipFamily } from './addresses.js';
import { DEFAULT_MTU } from './limits.js';
import type { StreamListener } from './stream-listener.js';
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
  readonly listeners: StreamListener[] = [];
  readonly bound: BoundAddress[] = [];

  constructor(settings: IapSettings) {
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
    const exact = this.udp.find((u) => u.address === localAddress && u.port === localPort);
    return exact ?? this.udp.find((u) => u.family === family);
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

  /** Via sent-by host: the advertised host if set, else the listening address. */
  sentByHost(bound: BoundAddress): string {
    return this.settings.advertisedHost ?? bound.address;
  }

  /** The local address outgoing connections to a `family` address start from. */
  localAddressFor(family: 4 | 6): string | undefined {
    return this.bound.find((b) => b.family === family)?.address;
  }

  /** Client-side TLS settings: those of the IAP's first TLS listener, if any. */
  clientTls(): TlsSettings | undefined {
    return this.settings.listen.find((l) => l.protocol === 'tls')?.tls;
  }

  /** True if a host literal's family can be reached from this IAP. */
  reaches(host: string): boolean {
    const family = ipFamily(host);
    return family !== 0 && this.bound.some((b) => b.family === family);
  }
}
