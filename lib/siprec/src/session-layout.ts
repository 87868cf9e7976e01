/**
 * The m-line layout of SRS-initiated sessions whose INVITE carried the SRS's offer (RFC 7866 §6.2,
 * RFC 3264 §8): the SRC answered on the SRS's m-lines in its 2xx (src-answer.ts), so from then on
 * the session's m-lines are the SRS's, in the same number and order in every later offer. The
 * session keeps that {@link SrcAnswer}; these functions lay the SRC's stream-ordered offers out on
 * the SRS's m-lines and read the SRS's answers back into stream order.
 * @module
 */
import { parseSdp, writeSdp, type SdpMedia } from '../../message/index.js';
import type { SrcAnswer } from '../body/index.js';

const refusedStub = (): SdpMedia => ({ type: 'audio', port: 0, protocol: 'RTP/AVP', payloads: '0', rtp: [], fmtp: [] } as SdpMedia);

/** An offer built with one m-line per stream, laid out on the SRS's m-lines when the SRS offered first (`a`). */
export function layoutOffer(a: SrcAnswer | undefined, sdp: string): string {
  if (!a) return sdp;
  const s = parseSdp(sdp);
  const media = a.refused.map((stub, j) => {
    const i = a.layout.indexOf(j);
    return i >= 0 && s.media[i] ? s.media[i] : stub;
  });
  // Streams added since (RFC 3264 §8.2: new m-lines go at the end), in stream order.
  return writeSdp({ ...s, media: [...media, ...s.media.slice(a.layout.length)] });
}

/** The m-line of stream `i` in an SRS-laid-out session (undefined: it has none). */
function lineOf(a: SrcAnswer, i: number): number | undefined {
  return i < a.layout.length ? a.layout[i] : a.refused.length + i - a.layout.length;
}

/** An SRS answer for `streams` streams, back in stream order when the session is laid out on the SRS's m-lines (`a`; a stream without a line: port 0). */
export function inStreamOrder(a: SrcAnswer | undefined, streams: number, sdp: string): string {
  if (!a) return sdp;
  const s = parseSdp(sdp);
  const media = Array.from({ length: streams }, (_, i) => {
    const j = lineOf(a, i);
    return (j === undefined ? undefined : s.media[j]) ?? refusedStub();
  });
  return writeSdp({ ...s, media });
}
