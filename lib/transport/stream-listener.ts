/**
 * One listening TCP or TLS server of an IAP. Accepted sockets (for TLS: after the handshake) go
 * to the owner, which applies the connection limit.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ListenSettings } from '../../include-types/settings.js';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import { ServerListener } from './server-listener.js';

/** What a {@link StreamListener} reports. */
export interface StreamListenerEvents {
  onSocket(socket: Socket, listener: StreamListener): void;
  /** A TLS handshake or server error; the server keeps listening. */
  onError(err: Error, listener: StreamListener): void;
}

/** A TCP or TLS listening socket. */
export class StreamListener extends ServerListener<'tcp' | 'tls'> {
  readonly protocol: 'tcp' | 'tls';
  protected readonly server: Server;

  /**
   * @param handshakeTimeout ms a TLS client has to finish its handshake; until then its socket
   *   is not counted against `maxConnections`, so this bounds how long it can hold one.
   */
  constructor(iapId: string, settings: ListenSettings, events: StreamListenerEvents, handshakeTimeout = 32000) {
    super(iapId);
    if (settings.protocol === 'tls') {
      const tls = settings.tls;
      if (tls?.cert === undefined || tls.key === undefined) {
        throw new SipError(SipErrorCode.InvalidArgument, `tls listener of ${iapId} needs cert and key`);
      }
      this.protocol = 'tls';
      const mutual = tls.requireClientCertificate === true;
      // Mutual TLS: node:tls refuses a client without a certificate chaining to `ca`.
      const options = { cert: tls.cert, key: tls.key, ca: tls.ca, handshakeTimeout, requestCert: mutual, rejectUnauthorized: mutual };
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
    this.reportServerErrors((err) => events.onError(err, this));
  }
}
