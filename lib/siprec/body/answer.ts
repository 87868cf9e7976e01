/**
 * Reading the SRS's SDP answer (RFC 3264 §6, RFC 7866 §7.2): per offered stream, whether it was
 * accepted and where its RTP and RTCP go. An answer with fewer m-lines than the offer, a port 0,
 * or an `a=inactive`/`a=sendonly` direction rejects (or idles) that stream; matching is by m-line
 * position as RFC 3264 requires, and the labels are checked when the SRS echoed them.
 */
import { mediaLabel, parseSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import { mediaCodecs } from './codecs.js';

/** The answer for one offered stream. */
export interface AnsweredStream {
  /** Label of the offered stream. */
  label: string;
  /** m-line index. */
  index: number;
  /** True when the SRS takes media for it. */
  accepted: boolean;
  /** RTP destination, when accepted. */
  rtp?: { address: string; port: number };
  /** RTCP destination (a=rtcp or port + 1), when accepted. */
  rtcp?: { address: string; port: number };
  /** Payload type to send (first format of the answer that was offered). */
  payloadType?: number;
  /** Why it is not accepted. */
  rejectReason?: 'missing' | 'port0' | 'direction' | 'labelMismatch';
}

/** Connection address of an m-line (its own c=, else the session's). */
export function connectionAddress(m: SdpMedia, s: SdpSession): string | undefined {
  return m.connection?.ip ?? s.connection?.ip;
}

/**
 * Matches the answer's m-lines to the offered labels.
 * @param offered - labels in offer order
 * @param offeredPts - payload types offered per stream (answer formats outside them are ignored)
 * @throws SipParseError (488) when the answer is not SDP
 */
export function parseSrsAnswer(offered: readonly string[], answerSdp: string, offeredPts?: readonly number[][]): AnsweredStream[] {
  const s = parseSdp(answerSdp);
  return offered.map((label, index): AnsweredStream => {
    const m = s.media[index];
    if (m === undefined) return { label, index, accepted: false, rejectReason: 'missing' };
    // RFC 3264 §6: port 0 in the answer rejects the stream.
    if (Number(m.port) === 0) return { label, index, accepted: false, rejectReason: 'port0' };
    const echoed = mediaLabel(m);
    if (echoed !== undefined && echoed !== label) return { label, index, accepted: false, rejectReason: 'labelMismatch' };
    const dir = m.direction ?? s.direction ?? 'sendrecv';
    // RFC 7866 §7.2: the SRS answers recvonly; sendonly/inactive means it takes no media now.
    if (dir === 'sendonly' || dir === 'inactive') return { label, index, accepted: false, rejectReason: 'direction' };
    const address = connectionAddress(m, s);
    if (address === undefined) return { label, index, accepted: false, rejectReason: 'missing' };
    const port = Number(m.port);
    const rtcpPort = m.rtcp?.port ?? port + 1;
    const rtcpAddr = m.rtcp?.address ?? address;
    const allowed = offeredPts?.[index];
    const pt = mediaCodecs(m).map((c) => c.payloadType).find((p) => allowed === undefined || allowed.includes(p));
    return {
      label, index, accepted: true, rtp: { address, port }, rtcp: { address: rtcpAddr, port: rtcpPort },
      ...(pt !== undefined ? { payloadType: pt } : {}),
    };
  });
}
