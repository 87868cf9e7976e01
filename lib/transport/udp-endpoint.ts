/**
 * One bound UDP socket of an IAP: receives datagrams and sends them.
 *
 * NOTE (deviation): the socket is never `connect()`ed, so ICMP port-unreachable from a peer is
 * not reported by the OS (Linux only reports it on connected sockets). A UDP send therefore
 * rejects only for local errors (no route, EHOSTUNREACH, EMSGSIZE ...); an unreachable peer shows
 * up as a transaction timeout (Timer B/F) instead of a transport error.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { literalFirstLookup, sendQueuedNow, sendSoon } from './datagram-batch.js';
import { toTransportError } from './errors.js';

/** What a {@link UdpEndpoint} reports. */
export interface UdpEndpointEvents {
  onDatagram(data: Buffer, from: RemoteInfo, endpoint: UdpEndpoint): void;
  /** A socket error after binding; the socket stays open. */
  onError(err: Error, endpoint: UdpEndpoint): void;
}

/** A UDP socket bound to one local address and port. */
export class UdpEndpoint {
  readonly iapId: string;
  readonly family: 4 | 6;
  private readonly socket: Socket;
  private bound = false;
  private closed = false;
  private localAddress = '';
  private localPort = 0;
  private grantedReceiveBuffer: number | undefined;

  /**
   * @param receiveBufferSize SO_RCVBUF to ask for (`TransportLimits.udpReceiveBufferSize`): room
   *   for the datagrams that arrive while the event loop is busy; 0 leaves the OS default.
   */
  constructor(iapId: string, family: 4 | 6, events: UdpEndpointEvents, receiveBufferSize = 0) {
    this.iapId = iapId;
    this.family = family;
    this.socket = createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      ipv6Only: family === 6,
      ...(receiveBufferSize > 0 ? { recvBufferSize: receiveBufferSize } : {}),
      lookup: literalFirstLookup,
    });
    this.socket.on('message', (data, from) => events.onDatagram(data, from, this));
    this.socket.on('error', (err) => {
      if (this.bound) events.onError(err, this);
    });
  }

  /** Binds to `address:port` (0 = any free port). */
  bind(address: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        this.closed = true;
        this.socket.close();
        reject(toTransportError(err, `bind udp ${address}:${port}`));
      };
      this.socket.once('error', failed);
      this.socket.bind({ address, port, exclusive: true }, () => {
        this.socket.off('error', failed);
        if (this.closed) {
          // close() was called while binding: finish the close now.
          this.socket.close();
          reject(new SipError(SipErrorCode.StackShutdown, 'closed while binding'));
          return;
        }
        this.bound = true;
        const local = this.socket.address();
        this.localAddress = local.address;
        this.localPort = local.port;
        try {
          this.grantedReceiveBuffer = this.socket.getRecvBufferSize();
        } catch {
          this.grantedReceiveBuffer = undefined; // an OS that does not say
        }
        resolve();
      });
    });
  }

  /** True while bound and not closed. */
  get isOpen(): boolean {
    return this.bound && !this.closed;
  }

  /** The bound local address ('' before binding). */
  get address(): string {
    return this.localAddress;
  }

  /** The bound local port (0 before binding). */
  get port(): number {
    return this.localPort;
  }

  /**
   * The receive buffer the OS reports for the bound socket, in bytes (undefined before binding or
   * when it does not say). Linux reports twice what it granted (half is its bookkeeping, socket(7)).
   */
  get receiveBufferSize(): number | undefined {
    return this.grantedReceiveBuffer;
  }

  /** Sends one datagram; rejects with `SipError(TransportError)` on a local send error. */
  send(data: Buffer, port: number, address: string): Promise<void> {
    return this.sendThen(data, port, address, undefined);
  }

  /**
   * Sends one datagram and resolves to `sent` once the socket took it: the caller's result
   * without a second promise chained on (the per-datagram path of a UAS), `counts.datagramsOut`
   * counted then. Rejects with `SipError(TransportError)` on a local send error.
   *
   * The datagram is queued and leaves with the others of this turn of the event loop, in order,
   * when its poll phase is over (datagram-batch.ts says why).
   */
  sendThen<T>(data: Buffer, port: number, address: string, sent: T, counts?: { datagramsOut: number }): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(toTransportError(new Error('socket closed'), 'udp send'));
        return;
      }
      const done = (err: Error | null): void => {
        if (err) reject(toTransportError(err, `udp send to ${address}:${port}`));
        else {
          if (counts !== undefined) counts.datagramsOut += 1;
          resolve(sent);
        }
      };
      sendSoon(this.socket, data, port, address, done);
    });
  }

  /** Closes the socket (idempotent). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    sendQueuedNow(); // what was sent before close() still leaves, as if sent at once
    this.closed = true;
    if (!this.bound) return Promise.resolve(); // a bind in flight closes the socket when it ends
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
