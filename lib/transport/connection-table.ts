/**
 * The open stream connections (TCP, TLS, WebSocket), findable by id and by (IAP, protocol, remote
 * address, port) so a request to a peer reuses a connection already open to it (RFC 3261 §18.1.1,
 * RFC 5923 style), and WebSocket connections also by the `.invalid` name their client gave itself
 * (RFC 7118 §5).
 */
import { bareHost } from './addresses.js';
import type { TransportConnection } from './connection.js';

/**
 * The reuse key of a remote end seen from one IAP. A TLS connection is also keyed by the name its
 * certificate was checked against, so it is not reused for a name it was not verified for.
 */
export function remoteKey(
  iapId: string,
  protocol: string,
  address: string,
  port: number,
  servername?: string,
): string {
  const name = (protocol === 'tls' || protocol === 'wss') && servername !== undefined ? `|${servername.toLowerCase()}` : '';
  return `${iapId}|${protocol}|${bareHost(address)}|${port}${name}`;
}

/** Most extra keys one connection may be known by (bounds what a peer's aliases cost). */
const MAX_ALIASES = 4;

/** Open connections and the keys they can be reused under. */
export class ConnectionTable {
  private readonly byId = new Map<number, TransportConnection>();
  private readonly byKey = new Map<string, TransportConnection>();
  private readonly keysOf = new Map<number, string[]>();
  private readonly perIap = new Map<string, number>();
  /** Incoming connections per IAP and remote address (`maxConnectionsPerAddress`). */
  private readonly incomingPerAddress = new Map<string, number>();

  /** Number of open connections. */
  get size(): number {
    return this.byId.size;
  }

  /** Adds an open connection under its remote address and port. */
  add(conn: TransportConnection): void {
    this.byId.set(conn.id, conn);
    this.keysOf.set(conn.id, []);
    this.perIap.set(conn.iapId, this.countFor(conn.iapId) + 1);
    if (!conn.outgoing) {
      const k = addressKey(conn.iapId, conn.remoteAddress);
      this.incomingPerAddress.set(k, (this.incomingPerAddress.get(k) ?? 0) + 1);
    }
    this.alias(conn, conn.remoteAddress, conn.remotePort, conn.servername);
  }

  /**
   * Makes `conn` reusable for sends to (address, port) as well, e.g. the sent-by of a request that
   * carried `;alias` (RFC 5923 §5). The newest connection wins a key.
   */
  alias(conn: TransportConnection, address: string, port: number, servername?: string): void {
    const keys = this.keysOf.get(conn.id);
    if (keys === undefined) return;
    const key = remoteKey(conn.iapId, conn.protocol, address, port, servername);
    if (keys.includes(key) || keys.length > MAX_ALIASES) return;
    keys.push(key);
    this.byKey.set(key, conn);
  }

  /**
   * RFC 7118 §5: makes a WebSocket connection findable by the host its client named itself in Via
   * and Contact (a random `xxx.invalid` name, RFC 6761 §6.4, that no DNS knows), whatever port or
   * `ws`/`wss` a URI with that host says: requests to it can only go over this connection.
   */
  aliasWebSocketName(conn: TransportConnection, host: string): void {
    const keys = this.keysOf.get(conn.id);
    if (keys === undefined) return;
    const key = webSocketNameKey(conn.iapId, host);
    if (keys.includes(key) || keys.length > MAX_ALIASES) return;
    keys.push(key);
    this.byKey.set(key, conn);
  }

  /** The open WebSocket connection whose client named itself `host` (see {@link aliasWebSocketName}). */
  findWebSocketName(iapId: string, host: string): TransportConnection | undefined {
    const conn = this.byKey.get(webSocketNameKey(iapId, host));
    return conn && !conn.isClosed ? conn : undefined;
  }

  /** Removes a connection and every key it was known by. */
  remove(conn: TransportConnection): void {
    if (!this.byId.delete(conn.id)) return;
    for (const key of this.keysOf.get(conn.id) ?? []) {
      if (this.byKey.get(key) === conn) this.byKey.delete(key);
    }
    this.keysOf.delete(conn.id);
    this.perIap.set(conn.iapId, this.countFor(conn.iapId) - 1);
    if (!conn.outgoing) {
      const k = addressKey(conn.iapId, conn.remoteAddress);
      const n = (this.incomingPerAddress.get(k) ?? 1) - 1;
      if (n > 0) this.incomingPerAddress.set(k, n);
      else this.incomingPerAddress.delete(k); // no entry left behind per peer address
    }
  }

  /** The open connection with that id. */
  get(id: number): TransportConnection | undefined {
    const conn = this.byId.get(id);
    return conn && !conn.isClosed ? conn : undefined;
  }

  /** An open connection from `iapId` to (protocol, address, port[, TLS name]), if any. */
  find(
    iapId: string,
    protocol: string,
    address: string,
    port: number,
    servername?: string,
  ): TransportConnection | undefined {
    const conn = this.byKey.get(remoteKey(iapId, protocol, address, port, servername));
    return conn && !conn.isClosed ? conn : undefined;
  }

  /** Open connections of one IAP. */
  countFor(iapId: string): number {
    return this.perIap.get(iapId) ?? 0;
  }

  /** Open connections of one IAP that `remoteAddress` opened to us. */
  incomingFrom(iapId: string, remoteAddress: string): number {
    return this.incomingPerAddress.get(addressKey(iapId, remoteAddress)) ?? 0;
  }

  /** Every open connection. */
  all(): TransportConnection[] {
    return [...this.byId.values()];
  }
}

function addressKey(iapId: string, remoteAddress: string): string {
  return `${iapId}|${bareHost(remoteAddress)}`;
}

function webSocketNameKey(iapId: string, host: string): string {
  return `${iapId}|ws-name|${bareHost(host)}`;
}
