/**
 * A SIP port free for both UDP and TCP on one address, so a server with "port 0" still listens on
 * one port for every transport (RFC 3261 §18.1.1: a request over the MTU switches to TCP on the
 * same host and port, so both must be there).
 */
import { createSocket } from 'node:dgram';
import { createServer, isIP } from 'node:net';

function tcpFree(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, host, () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    s.once('error', () => { s.close(); resolve(false); });
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** A port free for UDP and TCP on `host` (tries up to 50 candidates). */
export async function freeSipPort(host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await tcpFree(host, 0);
    if (await udpFree(host, p)) return p;
  }
  throw new Error(`no port free for both UDP and TCP on ${host}`);
}
