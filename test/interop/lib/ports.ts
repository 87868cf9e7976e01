/**
 * Free loopback ports for the peers a test starts.
 *
 * tap runs test files in parallel, and SIPp/Kamailio each need fixed ports on their command line,
 * so every run asks the kernel for a port that is free for BOTH UDP and TCP (Kamailio listens on
 * both at once) and for its neighbours when a range is wanted (SIPp media uses port, port+2 ...).
 * There is a small window between probing and the peer binding; the range used by the kernel for
 * ephemeral ports is large enough that collisions are rare, and {@link freePorts} never hands out
 * the same port twice within one process.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Ports handed out by this process, so parallel subtests never get the same one. */
const handedOut = new Set<number>();

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Asks the kernel for an ephemeral UDP port on `host`. */
function ephemeralUdp(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Returns the first port of `count` consecutive ports (stepping by `step`) that are free for UDP
 * and TCP on `host`. Bounded: gives up after 50 candidates.
 */
export async function freePorts(count = 1, step = 1, host = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await ephemeralUdp(host);
    // Stay clear of the top of the range so base + (count-1)*step is still a valid port.
    if (base + (count - 1) * step > 65000) continue;
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const p = base + i * step;
      ok = !handedOut.has(p) && (await udpFree(p, host)) && (await tcpFree(p, host));
    }
    if (!ok) continue;
    for (let i = 0; i < count; i++) handedOut.add(base + i * step);
    return base;
  }
  throw new Error(`no ${count} free consecutive UDP+TCP ports on ${host}`);
}

/** One port free for UDP and TCP on `host`. */
export function freePort(host = LOOPBACK): Promise<number> {
  return freePorts(1, 1, host);
}

/**
 * True when ::1 can be bound (IPv6 loopback exists). Some CI containers disable IPv6; tests over
 * ::1 skip there, with that reason, since it is the machine and not tsip that lacks it.
 */
export function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp6');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(0, '::1', () => s.close(() => resolve(true)));
  });
}
