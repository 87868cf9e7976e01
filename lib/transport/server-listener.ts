/**
 * What the TCP/TLS and WebSocket listeners do alike: bind (rejecting if closed meanwhile), tell
 * the bound address, and stop accepting. Each subclass creates its server and says what an
 * accepted connection is.
 * Not part of the public API (not exported from lib/index.ts); kept in the published .d.ts because other declarations name it.
 */
import type { Server } from 'node:net';
import { SipError, SipErrorCode } from '../../include-types/errors.js';
import type { ConnectionProtocol } from './connection.js';
import { toTransportError } from './errors.js';

/** The shared half of a listening socket. (not part of the public API: not exported from lib/index.ts) */
export abstract class ServerListener<P extends ConnectionProtocol> {
  readonly iapId: string;
  abstract readonly protocol: P;
  protected abstract readonly server: Server;
  private listening = false;
  protected closed = false;

  protected constructor(iapId: string) {
    this.iapId = iapId;
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
    this.stopAccepting();
    if (!this.listening) return Promise.resolve(); // a listen in flight closes when it ends
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.dropIdleSockets();
    });
  }

  /** Server errors after the bind are reported (and the server keeps listening). */
  protected reportServerErrors(report: (err: Error) => void): void {
    this.server.on('error', (err) => {
      if (this.listening) report(err);
    });
  }

  /** Called once when close() starts, before the server closes. */
  protected stopAccepting(): void {}

  /** Called right after server.close(): ends sockets the server would otherwise wait for. */
  protected dropIdleSockets(): void {}
}
