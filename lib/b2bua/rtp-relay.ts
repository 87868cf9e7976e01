/**
 * The B2BUA's media relay: two legs, each a local RTP/RTCP port pair (even RTP port, RTCP on
 * port + 1, RFC 3550 §11) that one phone sends to. What arrives on one leg goes out of the other
 * leg to the other phone, unchanged (the relay is a plain forwarder, RFC 3550 §2.3 "translator"
 * without transcoding: SSRC, sequence numbers, payload type and DTMF events (RFC 4733) pass as
 * they are).
 *
 * Latching (symmetric RTP, RFC 4961; the common "NAT latching"): a leg first sends to the address
 * the phone's SDP gave; once the phone's own packets arrive, it sends to where they come from, and
 * follows the source when it changes (a NAT rebinding). RTCP latches the same way, separately.
 * RTCP multiplexed on the RTP port (RFC 5761 §4: packet types 192–223 are RTCP) is recognised on
 * either socket; with `rtcpMux` set on a leg, its RTCP goes to the phone's RTP address.
 *
 * Every datagram relayed is shown to the `tap` (the recording fork) after it is sent on.
 */
import type { RemoteInfo } from 'node:dgram';
import { isRtcpPacket, PortAllocator, RtpEndpoint, type UdpAddress } from '../siprec/media/index.js';
import type { AudioDescription, RelayAddress } from './sdp-legs.js';

/** Which leg: `a` faces the caller, `b` the callee. */
export type LegName = 'a' | 'b';

/** What the tap is shown: the leg the datagram came in on, its kind and bytes. */
export type RelayTap = (from: LegName, kind: 'rtp' | 'rtcp', data: Buffer) => void;

/** Counters of one leg. */
export interface RelayLegStats {
  /** RTP datagrams received from the phone on this leg. */
  rtpIn: number;
  /** RTCP datagrams received from it. */
  rtcpIn: number;
  /** RTP datagrams sent to it. */
  rtpOut: number;
  /** RTCP datagrams sent to it. */
  rtcpOut: number;
  /** Datagrams from the phone that could not be sent on (no address for the other phone yet). */
  dropped: number;
}

/** One side of the relay: the ports one phone sends to, and where that phone is. */
export class RelayLeg {
  /** Counters. */
  readonly stats: RelayLegStats = { rtpIn: 0, rtcpIn: 0, rtpOut: 0, rtcpOut: 0, dropped: 0 };
  /** RTCP multiplexed on RTP towards this phone (RFC 5761: both sides' SDP had a=rtcp-mux). */
  rtcpMux = false;
  private signalled: { rtp: UdpAddress; rtcp: UdpAddress } | undefined;
  private latchedRtp: UdpAddress | undefined;
  private latchedRtcp: UdpAddress | undefined;

  /** @internal Use {@link RtpRelay.open}. */
  constructor(readonly name: LegName, private readonly endpoint: RtpEndpoint) {}

  /** Where the phone on this leg must send (put in the SDP it is given). */
  get local(): RelayAddress {
    const l = this.endpoint.local;
    return { address: l.address, rtpPort: l.port, rtcpPort: this.endpoint.localRtcp?.port ?? l.port + 1 };
  }

  /** Where RTP to this phone goes now: the latched source, else the SDP address. */
  get rtpTarget(): UdpAddress | undefined {
    return this.latchedRtp ?? this.signalled?.rtp;
  }

  /** Where RTCP to this phone goes now. */
  get rtcpTarget(): UdpAddress | undefined {
    if (this.rtcpMux) return this.rtpTarget;
    return this.latchedRtcp ?? this.signalled?.rtcp;
  }

  /** True once the phone's own RTP was seen (sending follows it). */
  get latched(): boolean {
    return this.latchedRtp !== undefined;
  }

  /**
   * The phone's SDP said where it receives. A hold with a null address (c=0.0.0.0) or port 0
   * keeps the old address: nothing should go there, and the latched one still is right.
   */
  setSignalled(d: AudioDescription): void {
    if (d.rtpPort === 0 || d.address === '0.0.0.0' || d.address === '::') return;
    this.signalled = { rtp: { address: d.address, port: d.rtpPort }, rtcp: { address: d.address, port: d.rtcpPort } };
  }

  /** @internal A datagram from the phone: latch, count, and say what it is. */
  received(data: Buffer, from: RemoteInfo, socket: 'rtp' | 'rtcp'): 'rtp' | 'rtcp' {
    const src = { address: from.address, port: from.port };
    // RFC 5761 §4: on a muxed port, RTCP is told from RTP by its packet type.
    const kind = socket === 'rtcp' || isRtcpPacket(data) ? 'rtcp' : 'rtp';
    if (kind === 'rtp') {
      this.stats.rtpIn++;
      if (!same(this.latchedRtp, src)) this.latchedRtp = src;
    } else {
      this.stats.rtcpIn++;
      if (socket === 'rtcp' && !same(this.latchedRtcp, src)) this.latchedRtcp = src;
    }
    return kind;
  }

  /** @internal Sends a datagram of `kind` to the phone on this leg; false when it has no address yet. */
  send(kind: 'rtp' | 'rtcp', data: Buffer): boolean {
    const to = kind === 'rtp' ? this.rtpTarget : this.rtcpTarget;
    if (to === undefined) return false;
    const sent = kind === 'rtp' || this.rtcpMux ? this.endpoint.send(data, to) : this.endpoint.sendRtcp(data, to);
    sent.catch(() => { /* UDP: an ICMP error or a closed socket is not fatal */ });
    if (kind === 'rtp') this.stats.rtpOut++;
    else this.stats.rtcpOut++;
    return true;
  }

  /** @internal */
  close(): Promise<void> {
    return this.endpoint.close();
  }
}

function same(a: UdpAddress | undefined, b: UdpAddress): boolean {
  return a !== undefined && a.address === b.address && a.port === b.port;
}

/** Options of {@link RtpRelay.open}. */
export interface RtpRelayOptions {
  /** Local address both legs bind (and put in the SDP). */
  address: string;
  /** Port range shared by every call of the B2BUA. */
  allocator: PortAllocator;
}

/** The two legs of one call's media. */
export class RtpRelay {
  /** Shown every datagram relayed (set by the call to feed the recording). */
  tap: RelayTap | undefined;
  private closed = false;

  private constructor(readonly a: RelayLeg, readonly b: RelayLeg) {}

  /** Binds both legs' port pairs. Rejects with MediaError(PortsExhausted) when the range is full. */
  static async open(opts: RtpRelayOptions): Promise<RtpRelay> {
    const ea = await RtpEndpoint.bindFromAllocator(opts.allocator, opts.address);
    let eb: RtpEndpoint;
    try {
      eb = await RtpEndpoint.bindFromAllocator(opts.allocator, opts.address);
    } catch (e) {
      await ea.close();
      throw e;
    }
    const relay = new RtpRelay(new RelayLeg('a', ea), new RelayLeg('b', eb));
    relay.wire(ea, relay.a, relay.b);
    relay.wire(eb, relay.b, relay.a);
    return relay;
  }

  /**
   * RTCP on the RTP ports of both legs when the offer and the answer both asked for it (RFC 5761
   * §5.1.1: an answer may accept rtcp-mux only when offered), on their own ports otherwise.
   */
  muxRtcp(offered: boolean, answered: boolean): void {
    const mux = offered && answered;
    this.a.rtcpMux = mux;
    this.b.rtcpMux = mux;
  }

  /** The leg by name. */
  leg(name: LegName): RelayLeg {
    return name === 'a' ? this.a : this.b;
  }

  private wire(ep: RtpEndpoint, from: RelayLeg, to: RelayLeg): void {
    const on = (socket: 'rtp' | 'rtcp') => (data: Buffer, rinfo: RemoteInfo): void => {
      if (this.closed) return;
      const kind = from.received(data, rinfo, socket);
      if (!to.send(kind, data)) from.stats.dropped++;
      this.tap?.(from.name, kind, data);
    };
    ep.onPacket(on('rtp'));
    ep.onRtcp(on('rtcp'));
  }

  /** Closes both legs' sockets (ports back to the allocator). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tap = undefined;
    await Promise.all([this.a.close(), this.b.close()]);
  }
}
