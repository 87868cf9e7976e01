/**
 * Outgoing RTP rewriter for forking recorded media to an SRS.
 *
 * RFC 7866 §8.1.3 / RFC 3550 §7: the SRC, acting as an RTP translator or
 * endpoint towards the SRS, sends each recorded stream under its own SSRC
 * with continuous sequence numbers and timestamps, whatever happens on the
 * CS side (SSRC change on re-INVITE or transfer, new source after hold).
 * Within one input source, gaps and reordering are passed through unchanged
 * (loss stays visible to the SRS); on a source change the output continues
 * from the last packet sent, advanced by the wall-clock time elapsed, with
 * the marker bit set to flag the discontinuity (RFC 3550 §5.1). Late packets
 * of a source already switched away from keep that source's old mapping.
 */
import { randomInt } from 'node:crypto';
import { ntpFromUnixMs, type RtcpSenderReport } from './rtcp.js';
import type { RtpPacket } from './rtp.js';

/** Options of {@link RtpStreamRewriter}. */
export interface RtpStreamRewriterOptions {
  /** Outgoing SSRC (default random). */
  ssrc?: number;
  /** First outgoing sequence number (default random, RFC 3550 §5.1). */
  initialSequence?: number;
  /** First outgoing timestamp (default random). */
  initialTimestamp?: number;
  /** RTP clock rate of the stream (default 8000). */
  clockRate?: number;
}

interface SourceMap {
  ssrc: number;
  seqOffset: number;
  tsOffset: number;
  highestSeq: number;
}

/** How far behind its highest sequence number a straggler may be (RFC 3550 A.1 MAX_MISORDER). */
const MAX_MISORDER = 100;

const U32 = 2 ** 32;

/** Maps packets from any incoming source onto one continuous outgoing stream. */
export class RtpStreamRewriter {
  /** The outgoing SSRC. */
  readonly ssrc: number;
  private readonly clockRate: number;
  private source: SourceMap | undefined;
  private readonly previous = new Map<number, SourceMap>();
  private lastSeq: number;
  private lastTs: number;
  private lastArrivalMs = 0;
  private lastDuration = 0;
  private sentAny = false;
  /** Packets and payload octets sent, for RTCP SRs. */
  readonly counters = { packets: 0, octets: 0, sourceChanges: 0 };

  /** @param opts - see {@link RtpStreamRewriterOptions} */
  constructor(opts: RtpStreamRewriterOptions = {}) {
    this.ssrc = opts.ssrc ?? randomInt(1, 2 ** 32 - 1);
    this.clockRate = opts.clockRate ?? 8000;
    this.lastSeq = ((opts.initialSequence ?? randomInt(0, 0x10000)) - 1) & 0xffff;
    this.lastTs = opts.initialTimestamp ?? randomInt(0, 2 ** 32 - 1);
  }

  /** The last outgoing sequence number and timestamp (for RTCP SR construction). */
  get last(): { sequenceNumber: number; timestamp: number } {
    return { sequenceNumber: this.lastSeq, timestamp: this.lastTs };
  }

  /**
   * Sender information for an RTCP SR sent at `nowMs` (RFC 3550 §6.4.1): the
   * RTP timestamp is extrapolated from the last packet sent, so the SRS can
   * tie this stream's timeline to the wall clock. Pass to `buildRtcpSr`.
   */
  senderInfo(nowMs: number = Date.now()): Omit<RtcpSenderReport, 'type' | 'reports'> {
    const ticks = this.sentAny ? Math.round(((nowMs - this.lastArrivalMs) * this.clockRate) / 1000) : 0;
    return {
      ssrc: this.ssrc,
      ntp: ntpFromUnixMs(nowMs),
      rtpTimestamp: (((this.lastTs + ticks) % U32) + U32) % U32,
      packetCount: this.counters.packets % U32,
      octetCount: this.counters.octets % U32,
    };
  }

  /**
   * Returns the packet as it must be sent to the SRS. `arrivalMs` is the
   * wall-clock time the packet arrived (used only on a source change).
   * `durationTicks` is the media duration of the packet in clock ticks
   * (default: the payload length, right for G.711); once two consecutive
   * packets were seen, their timestamp step is used instead.
   */
  rewrite(pkt: RtpPacket, arrivalMs: number = Date.now(), durationTicks: number = pkt.payload.length): RtpPacket {
    let marker = pkt.marker;
    let map = this.source;
    if (!map || map.ssrc !== pkt.ssrc) {
      const old = this.previous.get(pkt.ssrc);
      const behind = old !== undefined && ((old.highestSeq - pkt.sequenceNumber) & 0xffff) < MAX_MISORDER;
      if (old && behind) {
        // A straggler of a source we already switched away from: map it as
        // it would have been, so it lands in the past (the SRS sees a late packet).
        return this.emit(pkt, old, pkt.marker, arrivalMs, durationTicks);
      }
      // New or changed source: continue right after what was sent last.
      let nextTs = this.lastTs;
      if (this.sentAny) {
        const elapsed = Math.round(((arrivalMs - this.lastArrivalMs) * this.clockRate) / 1000);
        nextTs = this.lastTs + Math.max(this.lastDuration, elapsed);
        this.counters.sourceChanges++;
      }
      if (map) this.remember(map);
      map = {
        ssrc: pkt.ssrc,
        seqOffset: (this.lastSeq + 1 - pkt.sequenceNumber) & 0xffff,
        tsOffset: (nextTs - pkt.timestamp) % U32,
        highestSeq: pkt.sequenceNumber,
      };
      this.source = map;
      this.previous.delete(pkt.ssrc);
      marker = true;
    }
    const ahead = ((pkt.sequenceNumber - map.highestSeq) & 0xffff) < 0x8000;
    if (ahead) map.highestSeq = pkt.sequenceNumber;
    return this.emit(pkt, map, marker, arrivalMs, durationTicks);
  }

  private remember(map: SourceMap): void {
    this.previous.set(map.ssrc, map);
    if (this.previous.size > 4) this.previous.delete(this.previous.keys().next().value as number);
  }

  private emit(pkt: RtpPacket, map: SourceMap, marker: boolean, arrivalMs: number, durationTicks: number): RtpPacket {
    const seq = (pkt.sequenceNumber + map.seqOffset) & 0xffff;
    const ts = (((pkt.timestamp + map.tsOffset) % U32) + U32) % U32;
    // Only move "last" forward (a reordered packet does not rewind it).
    const seqAhead = ((seq - this.lastSeq) & 0xffff) < 0x8000;
    if (!this.sentAny || seqAhead) {
      // Consecutive packets of one source tell the real packet duration (any codec).
      const consecutive = this.sentAny && seq === ((this.lastSeq + 1) & 0xffff) && !marker;
      const tsStep = (ts - this.lastTs + U32) % U32;
      this.lastDuration = consecutive && tsStep > 0 && tsStep < this.clockRate ? tsStep : durationTicks;
      this.lastSeq = seq;
      this.lastTs = ts;
      this.lastArrivalMs = arrivalMs;
    }
    this.sentAny = true;
    this.counters.packets++;
    this.counters.octets += pkt.payload.length;
    return { ...pkt, marker, sequenceNumber: seq, timestamp: ts, ssrc: this.ssrc, csrcs: [...pkt.csrcs] };
  }
}
