/**
 * Relaying a call's RTCP to an SRS through the SRC's RTP translation (RFC 3550 §7.2, RTCP
 * processing in translators; RFC 7866 §8.1.1 for RTCP on a recording session).
 *
 * The SRC sends each recorded stream under its own SSRC with its own sequence and timestamp
 * space (`RtpStreamRewriter`). RTCP from the call names the call's SSRCs and timestamps, so before
 * it goes to the SRS every field that names a source or a position in a stream is moved into the
 * SRC's space with the same mapping the RTP got:
 *
 * - SR: sender SSRC, and the RTP timestamp + the source's timestamp offset (the NTP time is kept,
 *   so the SRS ties the stream to the CS sender's clock); packet and octet counts are replaced by
 *   what the SRC sent under the outgoing SSRC when `senderCounts` says so.
 * - SR/RR report blocks: the reported SSRC, and the extended highest sequence number + the
 *   source's sequence offset; jitter, loss, LSR and DLSR are kept.
 * - SDES: each chunk's SSRC (its items are copied as they are).
 * - BYE: each source (or the whole packet dropped with `dropBye`).
 *
 * A source without a mapping (never seen in the RTP the SRC forwarded) is left out: its SR/RR
 * packet, its report block, its SDES chunk, its BYE entry. APP and feedback/XR packets (PT 204 and
 * above) are dropped: they address the CS endpoints, not the recorder. A compound that no longer
 * starts with SR or RR (RFC 3550 §6.1) is dropped whole. Padding is removed.
 */
import { MediaError, MediaErrorCode } from './errors.js';
import { RtcpType, rtcpPackets } from './rtcp.js';

/** How one CS source maps onto the stream sent to the SRS. */
export interface SsrcMapping {
  /** Outgoing SSRC. */
  ssrc: number;
  /** Added to a CS sequence number (mod 2^16). */
  seqOffset: number;
  /** Added to a CS RTP timestamp (mod 2^32). */
  tsOffset: number;
}

/** The header fields a mapping is learnt from. */
export interface RtpHeaderFields {
  /** SSRC. */
  ssrc: number;
  /** Sequence number. */
  sequenceNumber: number;
  /** RTP timestamp. */
  timestamp: number;
}

/**
 * CS SSRC → outgoing mapping, learnt from each packet as it went in and out of the RTP
 * rewriting, so RTCP uses exactly the offsets the RTP got. Bounded (oldest source forgotten).
 */
export class RtcpSsrcMap {
  private readonly map = new Map<number, SsrcMapping>();

  /** @param max - most CS sources remembered (default 64) */
  constructor(private readonly max = 64) {}

  /** Records the mapping one packet shows: `cs` as fed, `out` as sent. */
  learn(cs: RtpHeaderFields, out: RtpHeaderFields): void {
    const seqOffset = (out.sequenceNumber - cs.sequenceNumber) & 0xffff;
    const tsOffset = (out.timestamp - cs.timestamp) >>> 0;
    const have = this.map.get(cs.ssrc);
    if (have !== undefined && have.ssrc === out.ssrc && have.seqOffset === seqOffset && have.tsOffset === tsOffset) return;
    this.map.delete(cs.ssrc);
    this.map.set(cs.ssrc, { ssrc: out.ssrc >>> 0, seqOffset, tsOffset });
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as number);
  }

  /** The mapping of a CS source, if it was seen. */
  get(csSsrc: number): SsrcMapping | undefined {
    return this.map.get(csSsrc >>> 0);
  }

  /** Sources known. */
  get size(): number {
    return this.map.size;
  }
}

/** Options of {@link rewriteRtcp}. */
export interface RtcpRewriteOptions {
  /** The mapping of a CS source (undefined: not relayed). */
  map: (csSsrc: number) => SsrcMapping | undefined;
  /**
   * Packet and octet counts of an outgoing SSRC (what the SRC sent under it), put into relayed
   * SRs; undefined (or no callback) keeps the CS sender's counts.
   */
  senderCounts?: (ssrc: number) => { packets: number; octets: number } | undefined;
  /** Leave BYE packets out (default false: their sources are rewritten). */
  dropBye?: boolean;
}

/** What {@link rewriteRtcp} produced. */
export interface RtcpRewriteResult {
  /** The compound to send, or undefined when nothing relayable is left. */
  data: Buffer | undefined;
  /** Packet types relayed, in order. */
  types: number[];
  /** Sources, report blocks, SDES chunks and packets left out. */
  dropped: number;
}

const U32 = 2 ** 32;

function header(count: number, type: number, words: number): Buffer {
  const b = Buffer.alloc(words * 4);
  b[0] = 0x80 | count;
  b[1] = type;
  b.writeUInt16BE(words - 1, 2);
  return b;
}

/** Rewrites report blocks at `at` (count of them); returns the kept ones and how many went. */
function blocks(buf: Buffer, at: number, count: number, map: RtcpRewriteOptions['map']): { kept: Buffer[]; dropped: number } {
  const kept: Buffer[] = [];
  let dropped = 0;
  for (let i = 0; i < count; i++, at += 24) {
    const m = map(buf.readUInt32BE(at));
    if (m === undefined) {
      dropped++;
      continue;
    }
    const b = Buffer.from(buf.subarray(at, at + 24));
    b.writeUInt32BE(m.ssrc >>> 0, 0);
    // The extended highest sequence number moves with the sequence numbers (carry included).
    b.writeUInt32BE((b.readUInt32BE(8) + m.seqOffset) % U32, 8);
    kept.push(b);
  }
  return { kept, dropped };
}

function report(buf: Buffer, end: number, type: number, count: number, opts: RtcpRewriteOptions): { out?: Buffer; dropped: number } {
  const fixed = type === RtcpType.SR ? 28 : 8;
  if (end < fixed) throw new MediaError(MediaErrorCode.PacketTooShort, `RTCP ${type === RtcpType.SR ? 'SR' : 'RR'} too short`);
  if (fixed + count * 24 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'RTCP report blocks run past the packet');
  const m = opts.map(buf.readUInt32BE(4));
  if (m === undefined) return { dropped: 1 };
  const rb = blocks(buf, fixed, count, opts.map);
  const out = header(rb.kept.length, type, fixed / 4 + rb.kept.length * 6);
  buf.copy(out, 4, 4, fixed);
  out.writeUInt32BE(m.ssrc >>> 0, 4);
  if (type === RtcpType.SR) {
    out.writeUInt32BE((buf.readUInt32BE(16) + m.tsOffset) % U32, 16);
    const c = opts.senderCounts?.(m.ssrc);
    if (c !== undefined) {
      out.writeUInt32BE(c.packets % U32, 20);
      out.writeUInt32BE(c.octets % U32, 24);
    }
  }
  rb.kept.forEach((b, i) => b.copy(out, fixed + i * 24));
  // Profile-specific extensions after the blocks are left out: nothing here can map them.
  return { out, dropped: rb.dropped };
}

function sdes(buf: Buffer, end: number, count: number, map: RtcpRewriteOptions['map']): { out?: Buffer; dropped: number } {
  const kept: Buffer[] = [];
  let dropped = 0;
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 4 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'SDES chunk truncated');
    const start = at;
    at += 4;
    while (at < end && buf[at] !== 0) {
      if (at + 2 > end || at + 2 + buf[at + 1] > end) throw new MediaError(MediaErrorCode.BadRtcp, 'SDES item truncated');
      at += 2 + buf[at + 1];
    }
    at = (Math.floor(at / 4) + 1) * 4; // the null item, then padding to 32 bits
    if (at > end) throw new MediaError(MediaErrorCode.BadRtcp, 'SDES chunk not terminated');
    const m = map(buf.readUInt32BE(start));
    if (m === undefined) {
      dropped++;
      continue;
    }
    const c = Buffer.from(buf.subarray(start, at));
    c.writeUInt32BE(m.ssrc >>> 0, 0);
    kept.push(c);
  }
  if (kept.length === 0) return { dropped };
  const len = kept.reduce((n, c) => n + c.length, 0);
  const out = header(kept.length, RtcpType.SDES, 1 + len / 4);
  let w = 4;
  for (const c of kept) { c.copy(out, w); w += c.length; }
  return { out, dropped };
}

function bye(buf: Buffer, end: number, count: number, map: RtcpRewriteOptions['map']): { out?: Buffer; dropped: number } {
  if (4 + count * 4 > end) throw new MediaError(MediaErrorCode.BadRtcp, 'BYE sources past the packet');
  const sources: number[] = [];
  let dropped = 0;
  for (let i = 0; i < count; i++) {
    const m = map(buf.readUInt32BE(4 + i * 4));
    if (m === undefined) dropped++;
    else sources.push(m.ssrc >>> 0);
  }
  if (sources.length === 0) return { dropped };
  const r = 4 + count * 4;
  const reason = r < end && r + 1 + buf[r] <= end ? buf.subarray(r, r + 1 + buf[r]) : undefined;
  const out = header(sources.length, RtcpType.BYE, 1 + sources.length + (reason ? Math.ceil(reason.length / 4) : 0));
  sources.forEach((s, i) => out.writeUInt32BE(s, 4 + i * 4));
  reason?.copy(out, 4 + sources.length * 4);
  return { out, dropped };
}

/**
 * Rewrites one (compound) RTCP datagram from the call for the SRS. Throws {@link MediaError}
 * for a malformed datagram.
 */
export function rewriteRtcp(input: Uint8Array, opts: RtcpRewriteOptions): RtcpRewriteResult {
  const parts: Buffer[] = [];
  const types: number[] = [];
  let dropped = 0;
  for (const { buf, end, count, type } of rtcpPackets(input)) {
    let r: { out?: Buffer; dropped: number };
    if (type === RtcpType.SR || type === RtcpType.RR) r = report(buf, end, type, count, opts);
    else if (type === RtcpType.SDES) r = sdes(buf, end, count, opts.map);
    else if (type === RtcpType.BYE) r = opts.dropBye ? { dropped: 1 } : bye(buf, end, count, opts.map);
    else r = { dropped: 1 }; // APP, RTPFB/PSFB, XR: for the CS endpoints
    dropped += r.dropped;
    if (r.out) {
      parts.push(r.out);
      types.push(type);
    }
  }
  // RFC 3550 §6.1: a compound starts with SR or RR.
  if (types.length === 0 || (types[0] !== RtcpType.SR && types[0] !== RtcpType.RR)) {
    return { data: undefined, types: [], dropped: dropped + parts.length };
  }
  return { data: Buffer.concat(parts), types, dropped };
}
