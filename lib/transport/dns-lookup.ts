/**
 * The DNS queries RFC 3263 resolution needs, behind an interface so tests answer them with fakes
 * and never touch real DNS.
 */
import { promises as dns } from 'node:dns';
import { errnoCode } from './errors.js';

/** One NAPTR record (RFC 3403), as node:dns returns it. */
export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

/** One SRV record (RFC 2782). */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** One address of a host. */
export interface HostAddress {
  address: string;
  family: 4 | 6;
}

/**
 * The DNS look-ups of RFC 3263. Each resolves with an empty list when the name has no such
 * record (NXDOMAIN, NODATA); other failures (timeouts, SERVFAIL) reject.
 */
export interface DnsLookup {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** A and AAAA addresses of a host, in the order to try them. */
  addresses(name: string): Promise<HostAddress[]>;
}

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA', 'ENONAME']);

async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (err) {
    const code = errnoCode(err);
    if (code !== undefined && NOT_FOUND.has(code)) return [];
    throw err;
  }
}

/**
 * {@link DnsLookup} on node:dns/promises. Addresses come from `dns.lookup` (so /etc/hosts and
 * "localhost" work), NAPTR and SRV from the configured DNS servers.
 */
export function nodeDnsLookup(): DnsLookup {
  const resolver = new dns.Resolver();
  return {
    naptr: (name) => orEmpty(resolver.resolveNaptr(name)),
    srv: (name) => orEmpty(resolver.resolveSrv(name)),
    addresses: async (name) => {
      const found = await orEmpty(dns.lookup(name, { all: true, verbatim: true }));
      return found
        .filter((a) => a.family === 4 || a.family === 6)
        .map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    },
  };
}
