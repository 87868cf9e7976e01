/**
 * Forks one recorded stream to the SRS (RFC 7866 §8.2: the SRC as an RTP translator): packets the
 * app feeds from the CS are rewritten onto the stream's own SSRC with continuous sequence numbers
 * and timestamps (RtpStreamRewriter) and sent from the SRC's local endpoint to the RTP address of
 * the SRS answer. RTCP goes to the answer's RTCP address (RFC 7866 §8.1.1): the call's own RTCP
 * when the app feeds it (`relayRtcp`, rewritten onto the same SSRCs and timestamp offsets as the
 * RTP), else the SRC's own SR + SDES CNAME; an RTCP BYE on close. Nothing is sent while paused
 * (PCI: stop the fork before the a=inactive re-INVITE goes out) or when the SRS refused the
 * stream (port 0). With SRTP keys set (`setSrtp`, RFC 4568 SDES) every RTP and RTCP packet to the
 * SRS is protected (RFC 3711 §3.3, §3.4) with the SRC's offered key; never sent in the clear.
 */
import {
  buildRtcpBye, buildRtcpRr, buildRtcpSdesCname, buildRtcpSr, buildRtp, parseRtp, RtpStreamRewriter,
  type RtpEndpoint, type RtpPacket, type UdpAddress,
} from '../media/index.js';
import { rewriteRtcp, type RtcpSsrcMap } from '../media/rtcp-rewrite.js';
import { SrtpSender, type SrtpKeyMaterial } from '../media/srtp/index.js';
import type { EndpointPool } from './endpoint-pool.js';

/** How a forwarder's RTCP is made: relayed from the call when fed (own SRs meanwhile), or always its own. */
export type ForwarderRtcp = 'own' | 'relay';

/** What a forwarder shares with the other streams of its recording. */
export interface ForwarderShared {
  /** CS SSRC → outgoing mapping of every stream of the recording (report blocks name the others). */
  ssrcs: RtcpSsrcMap;
  /** Packet/octet counts sent under an outgoing SSRC of the recording. */
  counts: (ssrc: number) => { packets: number; octets: number } | undefined;
  /** RTCP mode. */
  rtcp: ForwarderRtcp;
  /** How long after the last relayed RTCP the own SRs take over again, ms. */
  relayFallbackMs: number;
}

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
  /** Bytes of the RTP datagrams sent to the SRS (after SRTP protection). */
  bytesSent: number;
  /** Packets fed while paused or without target (not sent). */
  dropped: number;
  /** Packets that could not be parsed. */
  malformed: number;
  /** RTCP packets sent. */
  rtcpSent: number;
  /** RTCP datagrams of the call relayed. */
  rtcpRelayed: number;
  /** RTCP datagrams of the call not relayed (paused, no target, 'own' mode, nothing mappable, malformed). */
  rtcpNotRelayed: number;
}

/** One recorded stream's sender. */
export class StreamForwarder {
  /** Counters. */
  readonly stats: ForwarderStats = { sent: 0, bytesSent: 0, dropped: 0, malformed: 0, rtcpSent: 0, rtcpRelayed: 0, rtcpNotRelayed: 0 };
  /** True while not sending. */
  paused = false;
  private target: ForkTarget | undefined;
  private readonly rewriter: RtpStreamRewriter;
  private closed = false;
  private lastRelayMs = -Infinity;
  private srtp: { sender: SrtpSender; key: string } | undefined;

  private constructor(readonly label: string, private readonly endpoint: RtpEndpoint, private readonly pool: EndpointPool,
    private readonly cname: string, clockRate: number, private readonly shared: ForwarderShared | undefined) {
    this.rewriter = new RtpStreamRewriter({ clockRate });
  }

  /** Takes a local RTP/RTCP pair from the pool; `shared` ties it to its recording's other streams (RTCP relay). */
  static async open(label: string, pool: EndpointPool, cname: string, clockRate = 8000, shared?: ForwarderShared): Promise<StreamForwarder> {
    const ep = await pool.acquire();
    return new StreamForwarder(label, ep, pool, cname, clockRate, shared);
  }

  /** Packets and payload octets sent under the outgoing SSRC. */
  get counters(): { packets: number; octets: number } {
    return this.rewriter.counters;
  }

  /** Local RTP port (offered in the SDP). */
  get localPort(): number {
    return this.endpoint.local.port;
  }

  /** The outgoing SSRC. */
  get ssrc(): number {
    return this.rewriter.ssrc;
  }

  /**
   * Protects what is sent from now on with SRTP/SRTCP under `km` (undefined: plain RTP). The same
   * key again keeps the running context (ROC, SRTCP index); a new key starts a new one.
   */
  setSrtp(km: SrtpKeyMaterial | undefined): void {
    if (!km) {
      this.srtp = undefined;
      return;
    }
    const key = `${km.suite}:${Buffer.from(km.masterKey).toString('hex')}:${Buffer.from(km.masterSalt).toString('hex')}`;
    if (this.srtp?.key !== key) this.srtp = { sender: new SrtpSender(km), key };
  }

  /** True when packets go out as SRTP. */
  get secure(): boolean {
    return this.srtp !== undefined;
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
    const rewritten = this.rewriter.rewrite(pkt, arrivalMs);
    this.shared?.ssrcs.learn(pkt, rewritten);
    let out: Buffer | undefined = buildRtp(rewritten);
    if (this.srtp) out = this.srtp.sender.protectRtp(out);
    if (!out) {
      this.stats.malformed++;
      return false;
    }
    this.stats.sent++;
    this.stats.bytesSent += out.length;
    this.endpoint.send(out, this.target!.rtp).catch(() => { /* UDP: an ICMP error is not fatal */ });
    return true;
  }

  /**
   * Relays one RTCP datagram of the call for this stream (RFC 3550 §7.2): SSRCs, the SR timestamp
   * and report-block sequence numbers moved as the RTP was (`rewriteRtcp`), SR counts replaced by
   * what this SRC sent. True when something was sent.
   */
  relayRtcp(data: Uint8Array, nowMs: number = Date.now()): boolean {
    const sh = this.shared;
    if (!this.active || sh?.rtcp !== 'relay') {
      this.stats.rtcpNotRelayed++;
      return false;
    }
    let out: Buffer | undefined;
    try {
      // NOTE (deviation): a CS BYE is not relayed. The outgoing SSRC outlives every CS source (the
      // rewriter continues it across SSRC changes), so only the SRC's own BYE at the end ends it.
      out = rewriteRtcp(data, { map: (s) => sh.ssrcs.get(s), senderCounts: sh.counts, dropBye: true }).data;
    } catch {
      out = undefined;
    }
    if (!out) {
      this.stats.rtcpNotRelayed++;
      return false;
    }
    this.lastRelayMs = nowMs;
    this.stats.rtcpRelayed++;
    void this.sendRtcp(out);
    return true;
  }

  /** True while the call's RTCP is being relayed (the own SRs stand down). */
  relaying(nowMs: number = Date.now()): boolean {
    return this.shared?.rtcp === 'relay' && nowMs - this.lastRelayMs < this.shared.relayFallbackMs;
  }

  /** Sends an RTCP SR + SDES CNAME (RFC 3550 §6.4.1, §6.5.1) if anything was sent and no call RTCP is relayed. */
  sendReport(nowMs: number = Date.now()): void {
    if (!this.active || this.rewriter.counters.packets === 0 || this.relaying(nowMs)) return;
    const sr = buildRtcpSr(this.rewriter.senderInfo(nowMs));
    const sdes = buildRtcpSdesCname(this.rewriter.ssrc, this.cname);
    void this.sendRtcp(Buffer.concat([sr, sdes]));
  }

  /** Sends RTCP BYE (if anything was sent) and gives the ports back to the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.target && this.rewriter.counters.packets > 0) {
      // RFC 3550 §6.6: say goodbye before the ports go away. While the call's SRs were relayed an
      // SR of ours would bring a second NTP↔RTP mapping, so an empty RR leads the BYE instead.
      const lead = this.relaying() ? buildRtcpRr(this.rewriter.ssrc) : buildRtcpSr(this.rewriter.senderInfo());
      await this.sendRtcp(Buffer.concat([lead, buildRtcpBye([this.rewriter.ssrc], 'recording ended')]));
    }
    this.closed = true;
    await this.pool.release(this.endpoint);
  }

  private sendRtcp(buf: Buffer): Promise<void> {
    const t = this.target;
    if (!t) return Promise.resolve();
    const to = t.rtcp ?? { address: t.rtp.address, port: t.rtp.port + 1 };
    const out = this.srtp ? this.srtp.sender.protectRtcp(buf) : buf;
    if (!out) return Promise.resolve();
    this.stats.rtcpSent++;
    return this.endpoint.sendRtcp(out, to).catch(() => {});
  }
}
