/**
 * Minimal RTCP (RFC 3550 §6.4–§6.6): SR, RR, SDES (CNAME) and BYE, built and
 * parsed, compound packets included; NTP ↔ wall clock helpers so an SRC can
 * send SRs tying RTP timestamps to wall-clock time and an SRS can read them.
 */
import { MediaError, MediaErrorCode } from './errors.js';

/** RTCP packet types (RFC 3550 §12.1). */
export const RtcpType = { SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204 } as const;

/** A 64-bit NTP timestamp (seconds since 1900-01-01, 32-bit fraction). */
export interface NtpTime {
  /** Whole seconds since 1900. */
  seconds: number;
  /** Fraction of a second in units of 2^-32. */
  fraction: number;
}

/** A reception report block (RFC 3550 §6.4.1). */
export interface ReportBlock {
  /** Source this block reports on. */
  ssrc: number;
  /** Fraction lost since the last report, 0..255 (= lost/expected × 256). */
  fractionLost: number;
  /** Cumulative packets lost (24-bit signed). */
  cumulativeLost: number;
  /** Extended highest sequence number received. */
  highestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP time of the last SR received (LSR). */
  lastSr: number;
  /** Delay since the last SR, in 1/65536 s (DLSR). */
  delaySinceLastSr: number;
}

/** A sender report. */
export interface RtcpSenderReport {
  /** Discriminator. */
  type: 'sr';
  /** Sender SSRC. */
  ssrc: number;
  /** Wall-clock time of this report. */
  ntp: NtpTime;
  /** RTP timestamp corresponding to `ntp`. */
  rtpTimestamp: number;
  /** Packets sent so far. */
  packetCount: number;
  /** Payload octets sent so far. */
  octetCount: number;
  /** Reception reports. */
  reports: ReportBlock[];
}

/** A receiver report. */
export interface RtcpReceiverReport {
  /** Discriminator. */
  type: 'rr';
  /** Reporter SSRC. */
  ssrc: number;
  /** Reception reports. */
  reports: ReportBlock[];
}

/** SDES with CNAME items (other item types are skipped when parsing). */
export interface RtcpSdes {
  /** Discriminator. */
  type: 'sdes';
  /** One chunk per source. */
  chunks: { ssrc: number; cname?: string }[];
}

/** A BYE. */
export interface RtcpBye {
  /** Discriminator. */
  type: 'bye';
  /** Sources leaving. */
  ssrcs: number[];
  /** Optional reason text. */
  reason?: string;
}

/** Any other RTCP packet, kept raw. */
export interface RtcpOther {
  /** Discriminator. */
  type: 'other';
  /** Packet type number. */
  packetType: number;
  /** Whole packet bytes. */
  data: Buffer;
}

/** One packet of a (compound) RTCP datagram. */
export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpOther;

const NTP_UNIX_OFFSET = 2208988800;

/** NTP time of a Unix time in milliseconds. */
export function ntpFromUnixMs(ms: number): NtpTime {
  const secs = Math.floor(ms / 1000);
  const frac = Math.round(((ms - secs * 1000) / 1000) * 2 ** 32);
  return frac >= 2 ** 32 ? { seconds: secs + NTP_UNIX_OFFSET + 1, fraction: 0 } : { seconds: secs + NTP_UNIX_OFFSET, fraction: frac };
}

/** Unix time in milliseconds of an NTP time. */
export function unixMsFromNtp(ntp: NtpTime): number {
  return (ntp.seconds - NTP_UNIX_OFFSET) * 1000 + (ntp.fraction / 2 ** 32) * 1000;
}

/** The middle 32 bits of an NTP time, as used in LSR (RFC 3550 §6.4.1). */
export function ntpMiddle32(ntp: NtpTime): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

function header(buf: Buffer, count: number, type: number): void {
  buf[0] = 0x80 | count;
  buf[1] = type;
  buf.writeUInt16BE(buf.length / 4 - 1, 2);
}

function writeBlocks(buf: Buffer, at: number, reports: readonly ReportBlock[]): void {
  for (const r of reports) {
    buf.writeUInt32BE(r.ssrc >>> 0, at);
    buf[at + 4] = r.fractionLost & 0xff;
    const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost));
    buf.writeUIntBE(lost & 0xffffff, at + 5, 3);
    buf.writeUInt32BE(r.highestSeq >>> 0, at + 8);
    buf.writeUInt32BE(r.jitter >>> 0, at + 12);
    buf.writeUInt32BE(r.lastSr >>> 0, at + 16);
    buf.writeUInt32BE(r.delaySinceLastSr >>> 0, at + 20);
    at += 24;
  }
}

function checkReports(reports: readonly ReportBlock[]): void {
  if (reports.length > 31) throw new MediaError(MediaErrorCode.InvalidField, 'RTCP allows at most 31 report blocks');
}

/** Builds a sender report (RFC 3550 §6.4.1). */
export function buildRtcpSr(sr: Omit<RtcpSenderReport, 'type' | 'reports'> & { reports?: ReportBlock[] }): Buffer {
  const reports = sr.reports ?? [];
  checkReports(reports);
  const buf = Buffer.alloc(28 + 24 * reports.length);
  header(buf, reports.length, RtcpType.SR);
  buf.writeUInt32BE(sr.ssrc >>> 0, 4);
  buf.writeUInt32BE(sr.ntp.seconds >>> 0, 8);
  buf.writeUInt32BE(sr.ntp.fraction >>> 0, 12);
  buf.writeUInt32BE(sr.rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(sr.packetCount >>> 0, 20);
  buf.writeUInt32BE(sr.octetCount >>> 0, 24);
  writeBlocks(buf, 28, reports);
  return buf;
}

/** Builds a receiver report (RFC 3550 §6.4.2). */
export function buildRtcpRr(ssrc: number, reports: ReportBlock[] = []): Buffer {
  checkReports(reports);
  const buf = Buffer.alloc(8 + 24 * reports.length);
  header(buf, reports.length, RtcpType.RR);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  writeBlocks(buf, 8, reports);
  return buf;
}

/** Builds an SDES packet with one CNAME chunk (RFC 3550 §6.5.1). */
export function buildRtcpSdesCname(ssrc: number, cname: string): Buffer {
  const text = Buffer.from(cname, 'utf8');
  if (text.length > 255) throw new MediaError(MediaErrorCode.InvalidField, 'CNAME longer than 255 bytes');
  // ssrc + (type, len, text) + at least one null octet, padded to 32 bits.
  const chunk = Math.ceil((4 + 2 + text.length + 1) / 4) * 4;
  const buf = Buffer.alloc(4 + chunk);
  header(buf, 1, RtcpType.SDES);
  buf.writeUInt32BE(ssrc >>> 0, 4);
  buf[8] = 1;
  buf[9] = text.length;
  text.copy(buf, 10);
  return buf;
}

/** Builds a BYE (RFC 3550 §6.6). */
export function buildRtcpBye(ssrcs: number[], reason?: string): Buffer {
  if (ssrcs.length > 31) throw new MediaError(MediaErrorCode.InvalidField, 'BYE allows at most 31 sources');
  const text = reason === undefined ? undefined : Buffer.from(reason, 'utf8').subarray(0, 255);
  const len = 4 + ssrcs.length * 4 + (text ? Math.ceil((1 + text.length) / 4) * 4 : 0);
  const buf = Buffer.alloc(len);
  header(buf, ssrcs.length, RtcpType.BYE);
  ssrcs.forEach((s, i) => buf.writeUInt32BE(s >>> 0, 4 + i * 4));
  if (text) {
    const at = 4 + ssrcs.length * 4;
    buf[at] = text.length;
    text.copy(buf, at + 1);
  }
  return buf;
}

function readBlocks(buf: Buffer, at: number, count: number, end: number): ReportBlock[] {
  if (at + count * 24 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'RTCP report blocks run past the packet');
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += 24) {
    let lost = buf.readUIntBE(at + 5, 3);
    if (lost & 0x800000) lost -= 0x1000000;
    out.push({
      ssrc: buf.readUInt32BE(at), fractionLost: buf[at + 4], cumulativeLost: lost,
      highestSeq: buf.readUInt32BE(at + 8), jitter: buf.readUInt32BE(at + 12),
      lastSr: buf.readUInt32BE(at + 16), delaySinceLastSr: buf.readUInt32BE(at + 20),
    });
  }
  return out;
}

function parseSdes(buf: Buffer, count: number, end: number): RtcpSdes {
  const chunks: RtcpSdes['chunks'] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'SDES chunk truncated');
    const chunk: RtcpSdes['chunks'][number] = { ssrc: buf.readUInt32BE(at) };
    at += 4;
    while (at < end && buf[at] !== 0) {
      if (at + 2 > end || at + 2 + buf[at + 1] > end) throw new MediaError(MediaErrorCode.BadRtcp, 'SDES item truncated');
      if (buf[at] === 1) chunk.cname = buf.toString('utf8', at + 2, at + 2 + buf[at + 1]);
      at += 2 + buf[at + 1];
    }
    at = (Math.floor(at / 4) + 1) * 4; // the null item, then padding to 32 bits
    chunks.push(chunk);
  }
  return { type: 'sdes', chunks };
}

/** One packet of a compound RTCP datagram, as {@link rtcpPackets} cuts it out. */
export interface RtcpPart {
  /** The packet's bytes (a view into the datagram), padding included. */
  buf: Buffer;
  /** Where its content ends (its length less any padding). */
  end: number;
  /** The 5-bit count field (reception reports, SDES chunks or BYE sources). */
  count: number;
  /** The packet type (RFC 3550 §12.1). */
  type: number;
}

/**
 * Cuts a compound RTCP datagram into its packets (RFC 3550 §6.1: version 2, length in 32-bit
 * words minus one, padding counted in the last octet). Throws {@link MediaError} for malformed input.
 */
export function* rtcpPackets(input: Uint8Array): Generator<RtcpPart> {
  const all = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (all.length < 4) throw new MediaError(MediaErrorCode.PacketTooShort, `RTCP of ${all.length} bytes`);
  for (let at = 0; at < all.length;) {
    if (all.length - at < 4) throw new MediaError(MediaErrorCode.BadRtcp, 'trailing bytes after RTCP packet');
    if (all[at] >> 6 !== 2) throw new MediaError(MediaErrorCode.BadVersion, `RTCP version ${all[at] >> 6}`);
    const len = (all.readUInt16BE(at + 2) + 1) * 4;
    if (at + len > all.length) throw new MediaError(MediaErrorCode.BadRtcp, 'RTCP length field past the datagram');
    const buf = all.subarray(at, at + len);
    let end = len;
    if (buf[0] & 0x20) {
      const pad = buf[len - 1];
      if (pad === 0 || pad > len - 4) throw new MediaError(MediaErrorCode.BadPadding, `RTCP padding ${pad} invalid`);
      end -= pad;
    }
    yield { buf, end, count: buf[0] & 0x1f, type: buf[1] };
    at += len;
  }
}

/** Parses a (compound) RTCP datagram. Throws {@link MediaError} for malformed input. */
export function parseRtcp(input: Uint8Array): RtcpPacket[] {
  const out: RtcpPacket[] = [];
  for (const { buf, end, count, type } of rtcpPackets(input)) {
    if (type === RtcpType.SR) {
      if (end < 28) throw new MediaError(MediaErrorCode.PacketTooShort, 'RTCP SR too short');
      out.push({
        type: 'sr', ssrc: buf.readUInt32BE(4),
        ntp: { seconds: buf.readUInt32BE(8), fraction: buf.readUInt32BE(12) },
        rtpTimestamp: buf.readUInt32BE(16), packetCount: buf.readUInt32BE(20), octetCount: buf.readUInt32BE(24),
        reports: readBlocks(buf, 28, count, end),
      });
    } else if (type === RtcpType.RR) {
      if (end < 8) throw new MediaError(MediaErrorCode.PacketTooShort, 'RTCP RR too short');
      out.push({ type: 'rr', ssrc: buf.readUInt32BE(4), reports: readBlocks(buf, 8, count, end) });
    } else if (type === RtcpType.SDES) {
      out.push(parseSdes(buf, count, end));
    } else if (type === RtcpType.BYE) {
      if (4 + count * 4 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'BYE sources past the packet');
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(buf.readUInt32BE(4 + i * 4));
      const r = 4 + count * 4;
      const bye: RtcpBye = { type: 'bye', ssrcs };
      if (r < end && r + 1 + buf[r] <= end) bye.reason = buf.toString('utf8', r + 1, r + 1 + buf[r]);
      out.push(bye);
    } else {
      out.push({ type: 'other', packetType: type, data: Buffer.from(buf) });
    }
  }
  return out;
}
