/**
 * A UDP RTP endpoint (node:dgram): bind a local address and port (IPv4 or
 * IPv6, optionally with the RTCP socket on port + 1), send to a remote,
 * receive with a callback, count packets and bytes, close.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { literalFirstLookup, sendQueuedNow, sendSoon } from '../../transport/datagram-batch.js';
import { MediaError, MediaErrorCode } from './errors.js';
import type { PortAllocator } from './port-allocator.js';
import { isRtcpPacket } from './rtp.js';

/** A UDP address. */
export interface UdpAddress {
  /** IP address. */
  address: string;
  /** Port. */
  port: number;
}

/** Traffic counters of an endpoint. */
export interface RtpEndpointStats {
  /** Datagrams sent on the RTP socket. */
  packetsSent: number;
  /** Bytes sent on the RTP socket. */
  bytesSent: number;
  /** Datagrams received on the RTP socket. */
  packetsReceived: number;
  /** Bytes received on the RTP socket. */
  bytesReceived: number;
  /** Datagrams received on the RTCP socket. */
  rtcpReceived: number;
  /** Datagrams sent on the RTCP socket. */
  rtcpSent: number;
}

/** Options of {@link RtpEndpoint.bind}. */
export interface RtpEndpointOptions {
  /** Local address (default 127.0.0.1); IPv6 addresses bind a udp6 socket. */
  address?: string;
  /** Local RTP port (default 0 = any; with `rtcp` an even port must be given). */
  port?: number;
  /** Also bind RTCP on port + 1. */
  rtcp?: boolean;
  /**
   * RTCP multiplexed on the RTP port (RFC 5761): datagrams that look like
   * RTCP go to the `onRtcp` handler, and `sendRtcp` uses the RTP socket and port.
   */
  rtcpMux?: boolean;
  /** Where to send (can be set later with `setRemote`). */
  remote?: UdpAddress;
  /**
   * Symmetric RTP (RFC 4961, RFC 7866 §8.1.8): send to wherever RTP comes
   * from, following the peer when its address changes (NAT rebinding).
   */
  symmetric?: boolean;
}

/** Called for each datagram received. */
export type DatagramHandler = (data: Buffer, from: RemoteInfo) => void;

function bindSocket(address: string, port: number): Promise<Socket> {
  // a numeric destination goes to the socket at once (no lookup tick per packet)
  const sock = createSocket({ type: isIP(address) === 6 ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalFirstLookup });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => { sock.close(); reject(err); };
    sock.once('error', onError);
    sock.bind(port, address, () => {
      sock.off('error', onError);
      resolve(sock);
    });
  });
}

/** One RTP (and optional RTCP) UDP socket pair. */
export class RtpEndpoint {
  /** Counters. */
  readonly stats: RtpEndpointStats = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, rtcpReceived: 0, rtcpSent: 0 };
  /** Local RTP address (kept after close). */
  readonly local: UdpAddress;
  /** Local RTCP address, when bound (kept after close). */
  readonly localRtcp: UdpAddress | undefined;
  private remote: UdpAddress | undefined;
  private closed = false;
  private rtpHandler: DatagramHandler | undefined;
  private rtcpHandler: DatagramHandler | undefined;
  private onClose: (() => void) | undefined;

  private constructor(
    private readonly rtp: Socket,
    private readonly rtcpSock: Socket | undefined,
    remote: UdpAddress | undefined,
    private readonly mux: boolean,
    private readonly symmetric: boolean,
  ) {
    this.remote = remote;
    const a = rtp.address();
    this.local = { address: a.address, port: a.port };
    const r = rtcpSock?.address();
    this.localRtcp = r ? { address: r.address, port: r.port } : undefined;
    rtp.on('message', (msg, rinfo) => {
      if (this.mux && isRtcpPacket(msg)) {
        // RFC 5761 §4: RTCP packet types 200–204 never collide with RTP payload types in use.
        this.stats.rtcpReceived++;
        this.rtcpHandler?.(msg, rinfo);
        return;
      }
      this.stats.packetsReceived++;
      this.stats.bytesReceived += msg.length;
      if (this.symmetric && (this.remote?.address !== rinfo.address || this.remote.port !== rinfo.port)) {
        this.remote = { address: rinfo.address, port: rinfo.port };
      }
      this.rtpHandler?.(msg, rinfo);
    });
    rtp.on('error', () => { /* ICMP errors and the like: UDP keeps going */ });
    rtcpSock?.on('message', (msg, rinfo) => {
      this.stats.rtcpReceived++;
      this.rtcpHandler?.(msg, rinfo);
    });
    rtcpSock?.on('error', () => {});
  }

  /** Binds the socket(s). Rejects with the system error (e.g. EADDRINUSE). */
  static async bind(opts: RtpEndpointOptions = {}): Promise<RtpEndpoint> {
    const address = opts.address ?? '127.0.0.1';
    const port = opts.port ?? 0;
    if (opts.rtcp && (port === 0 || port % 2 !== 0)) throw new RangeError('RTCP pairing needs an even RTP port');
    const rtp = await bindSocket(address, port);
    let rtcp: Socket | undefined;
    if (opts.rtcp) {
      try {
        rtcp = await bindSocket(address, port + 1);
      } catch (e) {
        rtp.close();
        throw e;
      }
    }
    return new RtpEndpoint(rtp, rtcp, opts.remote, opts.rtcpMux ?? false, opts.symmetric ?? false);
  }

  /**
   * Binds an RTP/RTCP pair on a port from `allocator`, skipping ports some
   * other process holds. Throws MediaError(PortsExhausted) when none is left.
   */
  static async bindFromAllocator(allocator: PortAllocator, address = '127.0.0.1'): Promise<RtpEndpoint> {
    for (let tries = 0; tries < allocator.capacity; tries++) {
      const port = allocator.allocate();
      try {
        const ep = await RtpEndpoint.bind({ address, port, rtcp: true });
        ep.onClose = () => allocator.release(port);
        return ep;
      } catch (e) {
        allocator.release(port);
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
    }
    throw new MediaError(MediaErrorCode.PortsExhausted, 'no bindable RTP port pair left');
  }


  /** Where `send` goes now (undefined until set or, with `symmetric`, learnt). */
  get remoteAddress(): UdpAddress | undefined {
    return this.remote ? { ...this.remote } : undefined;
  }

  /** Sets where `send` goes. */
  setRemote(remote: UdpAddress): void {
    this.remote = remote;
  }

  /** Handler for RTP datagrams (replaces any earlier one). */
  onPacket(handler: DatagramHandler): void {
    this.rtpHandler = handler;
  }

  /** Handler for RTCP datagrams. */
  onRtcp(handler: DatagramHandler): void {
    this.rtcpHandler = handler;
  }

  /**
   * Sends an RTP datagram to `to` or the remote. It leaves with the other datagrams of this turn
   * of the event loop, after its poll phase (lib/transport/datagram-batch.ts); resolves when
   * handed to the OS.
   */
  send(data: Uint8Array, to: UdpAddress | undefined = this.remote): Promise<void> {
    return this.sendOn(this.rtp, data, to, () => { this.stats.packetsSent++; this.stats.bytesSent += data.length; });
  }

  /** Sends an RTCP datagram to `to`, or the remote's port + 1 (the remote's port itself with rtcpMux). */
  sendRtcp(data: Uint8Array, to?: UdpAddress): Promise<void> {
    const dest = to ?? (this.remote ? { address: this.remote.address, port: this.remote.port + (this.mux ? 0 : 1) } : undefined);
    return this.sendOn(this.rtcpSock ?? this.rtp, data, dest, () => { this.stats.rtcpSent++; });
  }

  /** Closes the socket(s) and releases the port. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    sendQueuedNow(); // what was sent before close() still leaves
    this.closed = true;
    await Promise.all([this.rtp, this.rtcpSock].map((s) => s && new Promise<void>((r) => s.close(() => r()))));
    this.onClose?.();
  }

  private sendOn(sock: Socket, data: Uint8Array, to: UdpAddress | undefined, count: () => void): Promise<void> {
    if (this.closed) return Promise.reject(new MediaError(MediaErrorCode.Closed, 'RTP endpoint is closed'));
    if (!to) return Promise.reject(new RangeError('no remote address'));
    // with the other datagrams of this turn of the event loop, after its poll phase (datagram-batch.ts)
    return new Promise((resolve, reject) => {
      sendSoon(sock, data, to.port, to.address, (err) => {
        if (err) reject(err);
        else { count(); resolve(); }
      });
    });
  }
}
