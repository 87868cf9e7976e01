/**
 * The media side of one recording session: a StreamForwarder per recorded stream, the periodic
 * RTCP reports (or the call's RTCP relayed, one SSRC map for every stream of the recording, since
 * a report block of one stream names another), and pause/resume of the whole fork.
 */
import type { Clock } from '../../../include-types/settings.js';
import type { RtpPacket } from '../media/index.js';
import { defaultSiprecClock, RepeatingTimer } from '../common/timers.js';
import { RtcpSsrcMap } from '../media/rtcp-rewrite.js';
import type { EndpointPool } from './endpoint-pool.js';
import { StreamForwarder, type ForkTarget, type ForwarderRtcp, type ForwarderShared } from './stream-forwarder.js';

/** Options of {@link MediaFork}. */
export interface MediaForkOptions {
  /** Bound local endpoints (address and ports) for the streams. */
  pool: EndpointPool;
  /** RTCP CNAME (RFC 3550 §6.5.1), e.g. src@host. */
  cname: string;
  /** RTCP interval in ms; 0 = no periodic reports (default 5000). */
  rtcpIntervalMs?: number;
  /**
   * 'relay' (default): the call's RTCP fed through {@link MediaFork.relayRtcp} is relayed, and a
   * stream without fed RTCP for three intervals gets the SRC's own SRs; 'own': own SRs only.
   */
  rtcp?: ForwarderRtcp;
  /** Time source of the report interval (default: real time). */
  clock?: Clock;
}

/** The forwarders of one recording. */
export class MediaFork {
  private readonly streams = new Map<string, StreamForwarder>();
  private timer: RepeatingTimer | undefined;
  private closed = false;
  private readonly shared: ForwarderShared;

  /** @param opts - see {@link MediaForkOptions} */
  constructor(private readonly opts: MediaForkOptions) {
    const every = opts.rtcpIntervalMs ?? 5000;
    const streams = this.streams;
    this.shared = {
      ssrcs: new RtcpSsrcMap(),
      // a method, not a named arrow: under tsx a named closure costs an Object.defineProperty per recording
      counts(ssrc) {
        for (const s of streams.values()) if (s.ssrc === ssrc) return s.counters;
        return undefined;
      },
      rtcp: opts.rtcp ?? 'relay',
      relayFallbackMs: 3 * (every > 0 ? every : 5000),
    };
    if (every > 0) {
      this.timer = new RepeatingTimer(opts.clock ?? defaultSiprecClock(), every, () => { for (const s of this.streams.values()) s.sendReport(); });
    }
  }

  /** Opens a forwarder for `label` (idempotent); returns its local RTP port. */
  async add(label: string, clockRate = 8000): Promise<number> {
    const have = this.streams.get(label);
    if (have) return have.localPort;
    const f = await StreamForwarder.open(label, this.opts.pool, this.opts.cname, clockRate, this.shared);
    if (this.closed) {
      await f.close();
      throw new Error('media fork closed');
    }
    this.streams.set(label, f);
    return f.localPort;
  }

  /** The forwarder of a label. */
  get(label: string): StreamForwarder | undefined {
    return this.streams.get(label);
  }

  /** Labels in the order added. */
  get labels(): string[] {
    return [...this.streams.keys()];
  }

  /** Sets the destination of a stream (undefined: the SRS refused it). */
  setTarget(label: string, target: ForkTarget | undefined): void {
    this.streams.get(label)?.setTarget(target);
  }

  /** Stops (true) or restarts (false) sending on every stream. */
  setPaused(paused: boolean): void {
    for (const s of this.streams.values()) s.paused = paused;
  }

  /** Forwards one packet of a stream; false when not sent (unknown label, paused, refused). */
  forward(label: string, packet: RtpPacket | Uint8Array, arrivalMs?: number): boolean {
    const s = this.streams.get(label);
    return s ? s.forward(packet, arrivalMs) : false;
  }

  /**
   * Relays one RTCP datagram of the call for the stream `label` (see StreamForwarder.relayRtcp);
   * false when not sent (unknown label, paused, refused, 'own' mode, nothing mappable).
   */
  relayRtcp(label: string, data: Uint8Array, nowMs?: number): boolean {
    const s = this.streams.get(label);
    return s ? s.relayRtcp(data, nowMs) : false;
  }

  /** Packets sent per label. */
  packetsSent(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [l, s] of this.streams) out[l] = s.stats.sent;
    return out;
  }

  /** RTP packets and bytes sent, all labels together. */
  totals(): { packets: number; bytes: number } {
    let packets = 0;
    let bytes = 0;
    for (const s of this.streams.values()) {
      packets += s.stats.sent;
      bytes += s.stats.bytesSent;
    }
    return { packets, bytes };
  }

  /** Closes every forwarder (RTCP BYE) and releases the ports. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.stop();
    await Promise.all([...this.streams.values()].map((s) => s.close()));
  }
}
