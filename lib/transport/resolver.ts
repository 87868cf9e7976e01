/**
 * RFC 3263 §4 server location: which transport, address and port a request to a SIP URI goes to,
 * in the order to try them (failing over down the list).
 */
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type {
  ResolveQuery,
  ResolvedTarget,
  Resolver,
  TransportProtocol,
} from '../../include-types/settings.js';
import { bareHost, defaultPort, ipFamily } from './addresses.js';
import { nodeDnsLookup, type DnsLookup, type NaptrRecord } from './dns-lookup.js';
import { orderSrv } from './srv-order.js';

/** Options of {@link Rfc3263Resolver}. */
export interface Rfc3263ResolverOptions {
  /** DNS look-ups (default: node:dns). Tests pass a fake. */
  dns?: DnsLookup;
  /** Random source for SRV weights, in [0, 1) (default Math.random). */
  random?: () => number;
  /**
   * Transports this stack can use; others are skipped (default udp, tcp, tls, ws, wss). WebSocket
   * is only used when a URI asks for it (`transport=ws|wss`).
   */
  protocols?: readonly TransportProtocol[];
}

/** RFC 3263 §4.1 NAPTR service fields we can use, and the transport each one means. */
const NAPTR_SERVICES: Record<string, TransportProtocol> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
};

/** SRV owner-name prefix per transport (RFC 3263 §4.1); WebSocket has none (see below). */
const SRV_PREFIX: Record<'udp' | 'tcp' | 'tls', string> = {
  udp: '_sip._udp.',
  tcp: '_sip._tcp.',
  tls: '_sips._tcp.',
};

/** Resolves SIP URIs to ordered targets: NAPTR → SRV → A/AAAA (RFC 3263 §4). */
export class Rfc3263Resolver implements Resolver {
  private readonly dns: DnsLookup;
  private readonly random: () => number;
  private readonly protocols: readonly TransportProtocol[];

  constructor(options: Rfc3263ResolverOptions = {}) {
    this.dns = options.dns ?? nodeDnsLookup();
    this.random = options.random ?? Math.random;
    this.protocols = options.protocols ?? ['udp', 'tcp', 'tls', 'ws', 'wss'];
  }

  /** Resolves `query`; rejects with `SipError(ResolveFailed)` when no target is found. */
  async resolve(query: ResolveQuery): Promise<ResolvedTarget[]> {
    const host = bareHost(query.host);
    const explicit = this.explicitProtocol(query);
    const errors: unknown[] = [];
    const targets = await this.lookup(host, query.port, explicit, query.secure, errors);
    if (targets.length === 0) {
      const cause = errors.length > 0 ? errors[errors.length - 1] : undefined;
      throw new SipError(SipErrorCode.ResolveFailed, `no SIP server found for ${query.host}`, {
        cause,
      });
    }
    return dedupe(targets);
  }

  /** The transport the URI asks for, if any; `sips` with transport=tcp means TLS (RFC 3261 §26.2). */
  private explicitProtocol(query: ResolveQuery): TransportProtocol | undefined {
    const t = query.transport?.toLowerCase();
    if (t === undefined || t === '') return undefined;
    let protocol: TransportProtocol;
    if (t === 'udp') protocol = 'udp';
    else if (t === 'tcp') protocol = query.secure ? 'tls' : 'tcp';
    else if (t === 'tls') protocol = 'tls';
    else if (t === 'ws') protocol = query.secure ? 'wss' : 'ws';
    else if (t === 'wss') protocol = 'wss';
    else throw new SipError(SipErrorCode.ResolveFailed, `transport ${t} is not supported`);
    if (query.secure && protocol !== 'tls' && protocol !== 'wss') {
      throw new SipError(SipErrorCode.ResolveFailed, `a sips URI cannot use transport=${t}`);
    }
    if (!this.protocols.includes(protocol)) {
      throw new SipError(SipErrorCode.ResolveFailed, `transport ${t} is not enabled`);
    }
    return protocol;
  }

  private async lookup(
    host: string,
    port: number | undefined,
    explicit: TransportProtocol | undefined,
    secure: boolean,
    errors: unknown[],
  ): Promise<ResolvedTarget[]> {
    // RFC 3263 §4.1: with no transport, UDP for sip and TLS (TCP) for sips when the target is
    // numeric or has an explicit port.
    const fallback: TransportProtocol = explicit ?? (secure ? 'tls' : 'udp');
    const family = ipFamily(host);
    if (family !== 0) {
      // RFC 3263 §4.2: a numeric IP is used as is.
      return [{ protocol: fallback, address: host, port: port ?? defaultPort(fallback), family }];
    }
    if (port !== undefined) {
      // RFC 3263 §4.2: an explicit port means A/AAAA only, no SRV.
      return this.hostTargets(host, port, fallback, errors);
    }
    if (explicit === 'ws' || explicit === 'wss') {
      // NOTE: RFC 7118 defines no NAPTR service or SRV name for WebSocket: A/AAAA only.
      return this.hostTargets(host, defaultPort(explicit), explicit, errors);
    }
    if (explicit !== undefined) {
      // RFC 3263 §4.2: a transport parameter means SRV for that transport, then A/AAAA.
      const viaSrv = await this.srvTargets(SRV_PREFIX[explicit] + host, explicit, errors);
      if (viaSrv.length > 0) return viaSrv;
      return this.hostTargets(host, defaultPort(explicit), explicit, errors);
    }
    const viaNaptr = await this.naptrTargets(host, secure, errors);
    if (viaNaptr.length > 0) return viaNaptr;
    // RFC 3263 §4.1: no NAPTR → SRV for each transport we support, in our order of preference.
    const wanted = secure ? (['tls'] as const) : (['udp', 'tcp', 'tls'] as const);
    const out: ResolvedTarget[] = [];
    for (const protocol of wanted) {
      if (!this.protocols.includes(protocol)) continue; // ws/wss are never picked without a transport param
      out.push(...(await this.srvTargets(SRV_PREFIX[protocol] + host, protocol, errors)));
    }
    if (out.length > 0) return out;
    // RFC 3263 §4.2: no SRV either → A/AAAA with the default transport and port.
    return this.hostTargets(host, defaultPort(fallback), fallback, errors);
  }

  /** RFC 3263 §4.1: NAPTR records ordered by order then preference, each followed to its SRV. */
  private async naptrTargets(
    host: string,
    secure: boolean,
    errors: unknown[],
  ): Promise<ResolvedTarget[]> {
    const records = (await soft(this.dns.naptr(host), errors))
      .filter((r) => r.flags.toLowerCase() === 's' && this.usableService(r, secure))
      .sort((a, b) => a.order - b.order || a.preference - b.preference);
    const out: ResolvedTarget[] = [];
    for (const record of records) {
      const protocol = NAPTR_SERVICES[record.service.toUpperCase()];
      out.push(...(await this.srvTargets(record.replacement, protocol, errors)));
    }
    return out;
  }

  private usableService(record: NaptrRecord, secure: boolean): boolean {
    const protocol = NAPTR_SERVICES[record.service.toUpperCase()];
    if (protocol === undefined || !this.protocols.includes(protocol)) return false;
    // RFC 3263 §4.1: for a sips URI only SIPS+D2* records are kept.
    return !secure || protocol === 'tls';
  }

  /** RFC 2782 ordering of an SRV set, each target then resolved to addresses. */
  private async srvTargets(
    name: string,
    protocol: TransportProtocol,
    errors: unknown[],
  ): Promise<ResolvedTarget[]> {
    const ordered = orderSrv(await soft(this.dns.srv(name), errors), this.random);
    const out: ResolvedTarget[] = [];
    for (const record of ordered) {
      out.push(...(await this.hostTargets(record.name, record.port, protocol, errors)));
    }
    return out;
  }

  private async hostTargets(
    host: string,
    port: number,
    protocol: TransportProtocol,
    errors: unknown[],
  ): Promise<ResolvedTarget[]> {
    const family = ipFamily(host);
    if (family !== 0) return [{ protocol, address: bareHost(host), port, family }];
    const addresses = await soft(this.dns.addresses(host), errors);
    return addresses.map((a) => ({ protocol, address: a.address, port, family: a.family }));
  }
}

/**
 * A failed query (timeout, SERVFAIL) counts as "no records" so the next candidate is tried;
 * the error is kept as the cause should nothing be found at all.
 */
async function soft<T>(query: Promise<T[]>, errors: unknown[]): Promise<T[]> {
  try {
    return await query;
  } catch (err) {
    errors.push(err);
    return [];
  }
}

function dedupe(targets: ResolvedTarget[]): ResolvedTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.protocol}|${t.address}|${t.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
