/**
 * Reception statistics of one RTP source as RFC 3550 Appendix A defines
 * them: extended sequence numbers with wrap and restart detection (A.1),
 * expected/lost counts and the loss fraction of each interval (A.3),
 * interarrival jitter (A.8), and the LSR/DLSR of the last SR received, so
 * a receiver (the SRS) can send correct RTCP RR report blocks.
 */
import { ntpMiddle32, unixMsFromNtp, type ReportBlock, type RtcpSenderReport } from './rtcp.js';

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;

/** Fields of a packet the statistics need. */
export interface RtpSeqInfo {
  /** 16-bit sequence number. */
  sequenceNumber: number;
  /** 32-bit timestamp. */
  timestamp: number;
  /** 32-bit SSRC. */
  ssrc: number;
}

/** Per-source RFC 3550 reception statistics. */
export class RtpReceptionStats {
  private readonly rate: number;
  private ssrc: number | undefined;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = SEQ_MOD + 1;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit: number | undefined;
  private jitterValue = 0;
  private lastSr: { middle: number; arrivalMs: number } | undefined;

  /** @param clockRate - RTP clock rate of the stream (default 8000) */
  constructor(clockRate = 8000) {
    this.rate = clockRate;
  }

  /** The source being tracked. */
  get source(): number | undefined {
    return this.ssrc;
  }

  /** Packets counted (duplicates included, as RFC 3550 A.3 says). */
  get received(): number {
    return this.receivedCount;
  }

  /** Extended highest sequence number received (cycles << 16 | max). */
  get extendedHighestSeq(): number {
    return this.cycles + this.maxSeq;
  }

  /** Packets expected from the first to the highest sequence number. */
  get expected(): number {
    return this.ssrc === undefined ? 0 : this.extendedHighestSeq - this.baseSeq + 1;
  }

  /** Cumulative packets lost (can go negative with duplicates; RFC 3550 §6.4.1). */
  get cumulativeLost(): number {
    return this.expected - this.receivedCount;
  }

  /** Interarrival jitter estimate in timestamp units. */
  get jitter(): number {
    return Math.floor(this.jitterValue);
  }

  /**
   * Counts one packet arriving at `arrivalMs`. Returns false when the packet
   * was not counted (a big sequence jump seen once: RFC 3550 A.1 waits for a
   * second packet in the new sequence before restarting).
   */
  update(pkt: RtpSeqInfo, arrivalMs: number): boolean {
    const seq = pkt.sequenceNumber;
    if (this.ssrc !== pkt.ssrc) {
      this.ssrc = pkt.ssrc;
      this.restart(seq);
      this.transit = undefined;
      this.jitterValue = 0;
      this.lastSr = undefined;
    } else {
      const delta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
      if (delta > 0 && delta < MAX_DROPOUT) {
        if (seq < this.maxSeq) this.cycles += SEQ_MOD; // wrapped
        this.maxSeq = seq;
      } else if (delta === 0 || delta > SEQ_MOD - MAX_MISORDER) {
        // duplicate or reordered: counted, nothing to move
      } else if (seq === this.badSeq) {
        this.restart(seq); // the sender restarted its sequence
      } else {
        this.badSeq = (seq + 1) % SEQ_MOD;
        return false;
      }
    }
    this.receivedCount++;
    // RFC 3550 A.8: J += (|D| - J) / 16 with D the change of transit time.
    const arrivalTicks = (arrivalMs * this.rate) / 1000;
    const transit = arrivalTicks - pkt.timestamp;
    if (this.transit !== undefined) {
      let d = Math.abs(transit - this.transit);
      if (d > 2 ** 31) d = Math.abs(d - 2 ** 32); // timestamp wrapped between the two packets
      this.jitterValue += (d - this.jitterValue) / 16;
    }
    this.transit = transit;
    return true;
  }

  /** Remembers a sender report received at `arrivalMs` for LSR/DLSR. */
  onSenderReport(sr: RtcpSenderReport, arrivalMs: number): void {
    this.lastSr = { middle: ntpMiddle32(sr.ntp), arrivalMs };
  }

  /** A report block for an RR/SR sent at `nowMs`; starts a new loss interval (RFC 3550 A.3). */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc ?? 0,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: this.cumulativeLost,
      highestSeq: this.extendedHighestSeq >>> 0,
      jitter: this.jitter,
      lastSr: this.lastSr?.middle ?? 0,
      delaySinceLastSr: this.lastSr ? Math.round(((nowMs - this.lastSr.arrivalMs) * 65536) / 1000) : 0,
    };
  }

  private restart(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.cycles = 0;
    this.badSeq = SEQ_MOD + 1;
    this.receivedCount = 0;
    this.expectedPrior = 0;
    this.receivedPrior = 0;
  }
}

/**
 * Maps a source's RTP timestamps to wall-clock time from its latest sender
 * report (RFC 3550 §6.4.1): what an SRS uses to line up separately recorded
 * streams (RFC 7866 §8.1.1).
 */
export class RtpWallClock {
  private readonly rate: number;
  private anchor: { rtp: number; unixMs: number } | undefined;

  /** @param clockRate - RTP clock rate (default 8000) */
  constructor(clockRate = 8000) {
    this.rate = clockRate;
  }

  /** True once an SR was seen. */
  get synced(): boolean {
    return this.anchor !== undefined;
  }

  /** Takes the NTP ↔ RTP pair of a sender report. */
  update(sr: RtcpSenderReport): void {
    this.anchor = { rtp: sr.rtpTimestamp, unixMs: unixMsFromNtp(sr.ntp) };
  }

  /** Wall-clock time (Unix ms) of an RTP timestamp near the last SR; undefined before any SR. */
  toUnixMs(rtpTimestamp: number): number | undefined {
    if (!this.anchor) return undefined;
    let d = (rtpTimestamp - this.anchor.rtp) % 2 ** 32;
    if (d >= 2 ** 31) d -= 2 ** 32;
    if (d < -(2 ** 31)) d += 2 ** 32;
    return this.anchor.unixMs + (d * 1000) / this.rate;
  }
}
