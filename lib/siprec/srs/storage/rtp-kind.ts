/**
 * What an rtpdump's packets say of their media when nothing else does: an index rebuilt after a
 * crash (rebuild-index.ts) has lost the kind and codec its SDP gave, and the status page would
 * show a video stream as audio.
 *
 * - A static payload type names its encoding and so its kind (RFC 3551 §6, tables 4 and 5).
 * - A dynamic one (96-127, RFC 3551 §3) does not, but the RTP clock does: RTP timestamps advance
 *   at the clock rate while the dump's record offsets advance in milliseconds, so their ratio over
 *   a stretch of one source's packets is the clock rate. Video uses a 90 kHz clock (RFC 3551 §5:
 *   "for all video encodings"), T.140 text 1 kHz (RFC 4103 §4.1) and audio its sampling rate,
 *   8 to 48 kHz. Timestamps keep pace with the sampling clock through silence (RFC 3550 §5.1), so
 *   audio with DTX is still told right.
 */
import type { RtpdumpRecord } from './rtpdump.js';

/** A media kind an index stream can have. */
export type RtpMediaKind = 'audio' | 'video' | 'text';

/** RFC 3551 tables 4 and 5: the static payload types, their encoding names and kinds. */
const STATIC: ReadonlyMap<number, readonly [string, RtpMediaKind]> = new Map([
  [0, ['PCMU', 'audio']], [3, ['GSM', 'audio']], [4, ['G723', 'audio']], [5, ['DVI4', 'audio']], [6, ['DVI4', 'audio']],
  [7, ['LPC', 'audio']], [8, ['PCMA', 'audio']], [9, ['G722', 'audio']], [10, ['L16', 'audio']], [11, ['L16', 'audio']],
  [12, ['QCELP', 'audio']], [13, ['CN', 'audio']], [14, ['MPA', 'audio']], [15, ['G728', 'audio']], [16, ['DVI4', 'audio']],
  [17, ['DVI4', 'audio']], [18, ['G729', 'audio']], [25, ['CelB', 'video']], [26, ['JPEG', 'video']], [28, ['nv', 'video']],
  [31, ['H261', 'video']], [32, ['MPV', 'video']], [34, ['H263', 'video']],
]);

/** What the packets tell: the kind and, for a static payload type, the encoding name. */
export interface RtpMediaGuess {
  kind?: RtpMediaKind;
  codec?: string;
}

/** Shortest stretch of one source's packets whose clock is trusted (record offsets are whole ms). */
const MIN_SPAN_MS = 200;

/**
 * The kind (and a static payload type's encoding) of the RTP packets in `records`; empty when they
 * do not tell (no RTP packet, a dynamic type over too short a stretch, a clock of no known kind).
 */
export function guessRtpMedia(records: readonly RtpdumpRecord[]): RtpMediaGuess {
  const rtp = records.filter((r) => !r.rtcp && r.data.length >= 12 && r.data[0] >> 6 === 2);
  if (rtp.length === 0) return {};
  const pt = rtp[0].data[1] & 0x7f;
  const known = STATIC.get(pt);
  if (known) return { codec: known[0], kind: known[1] };
  const rate = clockRate(rtp.filter((r) => (r.data[1] & 0x7f) === pt));
  if (rate === undefined) return {};
  if (rate > 80_000 && rate < 100_000) return { kind: 'video' };
  if (rate > 800 && rate < 1_200) return { kind: 'text' };
  if (rate > 6_000 && rate < 56_000) return { kind: 'audio' };
  return {};
}

/**
 * RTP clock ticks per second of the first source's packets: timestamp advance over record-offset
 * advance between its first packet and its last at least {@link MIN_SPAN_MS} later.
 */
function clockRate(packets: readonly RtpdumpRecord[]): number | undefined {
  const ssrc = packets[0].data.readUInt32BE(8);
  const own = packets.filter((r) => r.data.readUInt32BE(8) === ssrc);
  const first = own[0];
  const last = own[own.length - 1];
  const ms = last.offsetMs - first.offsetMs;
  if (ms < MIN_SPAN_MS) return undefined;
  // 32-bit timestamps wrap (RFC 3550 §5.1): the advance is taken modulo 2^32
  const ticks = (last.data.readUInt32BE(4) - first.data.readUInt32BE(4) + 0x1_0000_0000) % 0x1_0000_0000;
  return (ticks * 1000) / ms;
}
