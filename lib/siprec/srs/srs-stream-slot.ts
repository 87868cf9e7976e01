/**
 * One recorded stream's receiving side in an {@link SrsSession}: its port, endpoint (UDP RTP/RTCP
 * or MSRP), the datagrams that overtook the SRC's answer, its rate limit and SRTP receiver; and
 * the counters read from it.
 */
import type { SrsMediaCounters } from '../../../include-types/siprec.js';
import type { RtpEndpoint } from '../media/index.js';
import type { SrtpReceiver } from '../media/srtp/index.js';
import type { CryptoChoice } from '../body/index.js';
import type { MsrpReceiver } from './msrp.js';
import type { TokenBucket } from './limits.js';
import type { StreamAudioFeed } from './live-audio.js';

/** A recorded stream's receiving side. */
export interface StreamSlot {
  label: string;
  port: number;
  endpoint: RtpEndpoint | undefined;
  msrp: MsrpReceiver | undefined;
  /** MSRP: the a=path URI (the receiver's, or a placeholder in signalling-only mode). */
  msrpPath?: string;
  /** True once its files are open (an offered slot waits for the SRC's answer). */
  attached: boolean;
  /** Datagrams that came before the files were open (RTP may overtake the ACK), replayed on attach. */
  early?: { data: Buffer; ms: number; rtcp: boolean }[];
  /** Datagrams dropped before the files were open (rate limit, `early` full), counted on attach. */
  earlyDropped: number;
  /** The stream's datagram rate limit. */
  bucket: TokenBucket;
  /** SRTP (SDES): the SRC's key taken, our answer line, and the receiving context. */
  srtp?: { choice: CryptoChoice; receiver: SrtpReceiver };
  /** Live audio tap and/or stereo WAV channel of the stream (live-audio.ts), when any. */
  audio?: StreamAudioFeed;
}

/** Counters a stream's receiving side keeps (its endpoint and SRTP receiver). */
export type SlotCounters = Pick<SrsMediaCounters, 'rtpPackets' | 'rtpBytes' | 'rtcpPackets' | 'srtpAuthFailures'>;

/** Adds a stream's counters (its endpoint's and SRTP receiver's) to `c`. */
export function addSlot(c: SlotCounters, slot: StreamSlot): void {
  const st = slot.endpoint?.stats;
  if (st) {
    c.rtpPackets += st.packetsReceived;
    c.rtpBytes += st.bytesReceived;
    c.rtcpPackets += st.rtcpReceived;
  }
  c.srtpAuthFailures += slot.srtp?.receiver.stats.authFailures ?? 0;
}

/** Most datagrams kept per stream while the SRC's answer is awaited (about 4 s of 20 ms audio). */
export const EARLY_MAX = 200;
