/**
 * Forks one recorded stream to the SRS (RFC 7866 §8.2: the SRC as an RTP translator): packets the
 * app feeds from the CS are rewritten onto the stream's own SSRC with continuous sequence numbers
 * and timestamps (RtpStreamRewriter) and sent from the SRC's local endpoint to the RTP address of
 * the SRS answer; RTCP SR + SDES CNAME go to the answer's RTCP address (RFC 7866 §8.1.1), and an
 * RTCP BYE on close. Nothing is sent while paused (PCI: stop the fork before the a=inactive
 * re-INVITE goes out) or when the SRS refused the stream (port 0).
 */
import {
  buildRtcpBye, buildRtcpSdesCname, buildRtcpSr, buildRtp, parseRtp, RtpStreamRewriter,
  type RtpEndpoint, type RtpPacket, type UdpAddress,
} from '../media/index.js';
import type { EndpointPool } from './endpoint-pool.js';

/** Where a stream goes, from the SRS answer. */
export interface ForkTarget {
  /** RTP destination. */
  rtp: UdpAddress;
  /** RTCP destination (default RTP port + 1). */
  rtcp?: UdpAddress;
}

/** Counters of a forwarder. */
export interface ForwarderStats {
  /** Packets sent to the SRS. */
  sent: number;
  /** Packets fed while paused or without target (not sent). */
  dropped: number;
  /** Packets that could not be parsed. */
  malformed: number;
  /** RTCP packets sent. */
  rtcpSent: number;
}

/** One recorded stream's sender. */
export class StreamForwarder {
  /** Counters. */
  readonly stats: ForwarderStats = { sent: 0, dropped: 0, malformed: 0, rtcpSent: 0 };
  /** True while not sending. */
  paused = false;
  private target: ForkTarget | undefined;
  private readonly rewriter: RtpStreamRewriter;
  private closed = false;

  private constructor(readonly label: string, private readonly endpoint: RtpEndpoint, private readonly pool: EndpointPool,
    private readonly cname: string, clockRate: number) {
    this.rewriter = new RtpStreamRewriter({ clockRate });
  }

  /** Takes a local RTP/RTCP pair from the pool. */
  static async open(label: string, pool: EndpointPool, cname: string, clockRate = 8000): Promise<StreamForwarder> {
    const ep = await pool.acquire();
    return new StreamForwarder(label, ep, pool, cname, clockRate);
  }

  /** Local RTP port (offered in the SDP). */
  get localPort(): number {
    return this.endpoint.local.port;
  }

  /** The outgoing SSRC. */
  get ssrc(): number {
    return this.rewriter.ssrc;
  }

  /** Sets (or clears, for a refused stream) the SRS destination. */
  setTarget(target: ForkTarget | undefined): void {
    this.target = target;
  }

  /** True when packets currently go out. */
  get active(): boolean {
    return !this.closed && !this.paused && this.target !== undefined;
  }

  /**
   * Forwards one CS packet (parsed or wire form). Returns true when it was sent on its way.
   * `arrivalMs` is when it arrived from the CS (default now).
   */
  forward(packet: RtpPacket | Uint8Array, arrivalMs: number = Date.now()): boolean {
    if (!this.active) {
      this.stats.dropped++;
      return false;
    }
    let pkt: RtpPacket;
    try {
      pkt = packet instanceof Uint8Array ? parseRtp(packet) : packet;
    } catch {
      this.stats.malformed++;
      return false;
    }
    const out = buildRtp(this.rewriter.rewrite(pkt, arrivalMs));
    this.stats.sent++;
    this.endpoint.send(out, this.target!.rtp).catch(() => { /* UDP: an ICMP error is not fatal */ });
    return true;
  }

  /** Sends an RTCP SR + SDES CNAME (RFC 3550 §6.4.1, §6.5.1) if anything was sent. */
  sendReport(nowMs: number = Date.now()): void {
    if (!this.active || this.rewriter.counters.packets === 0) return;
    const sr = buildRtcpSr(this.rewriter.senderInfo(nowMs));
    const sdes = buildRtcpSdesCname(this.rewriter.ssrc, this.cname);
    void this.sendRtcp(Buffer.concat([sr, sdes]));
  }

  /** Sends RTCP BYE (if anything was sent) and gives the ports back to the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.target && this.rewriter.counters.packets > 0) {
      // RFC 3550 §6.6: say goodbye before the ports go away.
      await this.sendRtcp(Buffer.concat([buildRtcpSr(this.rewriter.senderInfo()), buildRtcpBye([this.rewriter.ssrc], 'recording ended')]));
    }
    this.closed = true;
    await this.pool.release(this.endpoint);
  }

  private sendRtcp(buf: Buffer): Promise<void> {
    const t = this.target;
    if (!t) return Promise.resolve();
    const to = t.rtcp ?? { address: t.rtp.address, port: t.rtp.port + 1 };
    this.stats.rtcpSent++;
    return this.endpoint.sendRtcp(buf, to).catch(() => {});
  }
}
