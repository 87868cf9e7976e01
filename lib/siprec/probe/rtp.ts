/**
 * The probe's media side: UDP sockets for the offered or answered m-lines, RTP sent to what the
 * peer answered, and RTP counted as it arrives.
 *
 * What can be known black-box about a port the SRS answered: RTP sent there from a *connected*
 * UDP socket makes the kernel report an ICMP port unreachable back to us (ECONNREFUSED on the
 * socket) when nothing listens there. No such error means the port is open or the ICMP was
 * filtered on the way; it cannot show that the packets were stored. (Against tsip's Srs the tests
 * read the recording's packet counts instead.)
 */
import type { Clock } from '../../../include-types/settings.js';
import { wait } from '../common/timers.js';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { buildRtp } from '../media/index.js';

/** One local media socket: what it got, and what sending from it saw. */
export class ProbeMediaPort {
  /** RTP packets received (version 2). */
  rtp = 0;
  /** Datagrams received that are not RTP version 2 (RFC 3550 §5.1). */
  notRtp = 0;
  /** Where the first datagram came from. */
  firstFrom: string | undefined;
  /** ECONNREFUSED seen while sending (an ICMP port unreachable came back). */
  refused = false;
  /** Other send errors. */
  sendErrors: string[] = [];

  private constructor(readonly socket: Socket, readonly port: number) {}

  /** Binds a UDP socket on `host`, any port. */
  static async open(host: string): Promise<ProbeMediaPort> {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => { socket.off('error', reject); resolve(); });
    });
    const p = new ProbeMediaPort(socket, socket.address().port);
    socket.on('message', (msg, rinfo) => {
      p.firstFrom ??= `${rinfo.address}:${rinfo.port}`;
      // RFC 3550 §5.1: V=2; RTCP on the same port (RFC 5761) counts as media too.
      if (msg.length >= 12 && msg[0] >> 6 === 2) p.rtp++;
      else p.notRtp++;
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') p.refused = true;
      else p.sendErrors.push(e.code ?? e.message);
    });
    return p;
  }

  /**
   * Sends `count` PCMU packets (one per 20 ms) to `address:port` from this socket, connected
   * so that an ICMP port unreachable is reported, then waits `settleMs` for it.
   */
  async sendRtp(clock: Clock, address: string, port: number, count: number, payloadType = 0, settleMs = 150): Promise<void> {
    await new Promise<void>((resolve) => {
      this.socket.connect(port, address, () => resolve());
    });
    const ssrc = Math.floor(Math.random() * 2 ** 32);
    for (let i = 0; i < count; i++) {
      const pkt = buildRtp({ marker: i === 0, payloadType, sequenceNumber: i, timestamp: i * 160, ssrc, csrcs: [], payload: Buffer.alloc(160, 0xff) });
      await new Promise<void>((resolve) => this.socket.send(pkt, (e) => {
        if (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED') this.refused = true;
          else this.sendErrors.push(code ?? e.message);
        }
        resolve();
      }));
      await wait(clock, 20).done;
    }
    await wait(clock, settleMs).done;
    try { this.socket.disconnect(); } catch { /* not connected */ }
  }

  /** Closes the socket. */
  close(): void {
    try { this.socket.close(); } catch { /* closed */ }
  }
}
