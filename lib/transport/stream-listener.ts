/**
 * One listening TCP or TLS server of an IAP. Accepted sockets (for TLS: after the handshake) go
 * to the owner, which applies the connection limit.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ListenSettings } from '../../include-types/settings.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { toTransportError } from './errors.js';

/** What a {@link StreamListener} reports. */
export interface StreamListenerEvents {
  onSocket(socket: Socket, listener: StreamListener): void;
  /** A TLS handshake or server error; the server keeps listening. */
  onError(err: Error, listener: StreamListener): void;
}

/** A TCP or TLS listening socket. */
export class StreamListener {
  readonly iapId: string;
  readonly protocol: 'tcp' | 'tls';
  private readonly server: Server;
  private listening = false;
  private closed = false;

  /**
   * @param handshakeTimeout ms a TLS client has to finish its handshake; until then its socket
   *   is not counted against `maxConnections`, so this bounds how long it can hold one.
   */
  constructor(iapId: string, settings: ListenSettings, events: StreamListenerEvents, handshakeTimeout = 32000) {
    this.iapId = iapId;
    if (settings.protocol === 'tls') {
      const tls = settings.tls;
      if (tls?.cert === undefined || tls.key === undefined) {
        throw new SipError(SipErrorCode.InvalidArgument, `tls listener of ${iapId} needs cert and key`);
      }
      this.protocol = 'tls';
      const options = { cert: tls.cert, key: tls.key, ca: tls.ca, handshakeTimeout };
      this.server = createTlsServer(options, (socket) =>
        events.onSocket(socket, this),
      );
      this.server.on('tlsClientError', (err, socket) => {
        socket.destroy();
        events.onError(err, this);
      });
    } else if (settings.protocol === 'tcp') {
      this.protocol = 'tcp';
      this.server = createTcpServer((socket) => events.onSocket(socket, this));
    } else {
      throw new SipError(SipErrorCode.InvalidArgument, `${settings.protocol} is not a stream protocol`);
    }
    this.server.on('error', (err) => {
      if (this.listening) events.onError(err, this);
    });
  }

  /** Starts listening on `address:port` (0 = any free port). */
  listen(address: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        this.closed = true;
        reject(toTransportError(err, `listen ${this.protocol} ${address}:${port}`));
      };
      this.server.once('error', failed);
      this.server.listen({ host: address, port, exclusive: true, ipv6Only: address.includes(':') }, () => {
        this.server.off('error', failed);
        if (this.closed) {
          // close() was called while binding: finish the close now.
          this.server.close();
          reject(new SipError(SipErrorCode.StackShutdown, 'closed while binding'));
          return;
        }
        this.listening = true;
        resolve();
      });
    });
  }

  /** True while listening. */
  get isOpen(): boolean {
    return this.listening;
  }

  /** The bound local address and port. */
  get boundAddress(): { address: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') return { address: '', port: 0 };
    return { address: a.address, port: a.port };
  }

  /** Stops accepting; open connections are closed by their owner. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (!this.listening) return Promise.resolve(); // a listen in flight closes when it ends
    this.listening = false;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
