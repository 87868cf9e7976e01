/**
 * The m-line layout of SRS-initiated sessions whose INVITE carried the SRS's offer (RFC 7866 §6.2,
 * RFC 3264 §8): which of the SRS's m-lines each recorded stream sits on, kept per session's stream
 * list, so the SRC's later offers are laid out on them and the SRS's answers read back.
 * @module
 */
import { parseSdp, writeSdp, type SdpMedia } from '../../message/index.js';
import type { SrcAnswer } from '../body/index.js';
import type { SessionStream } from './session-offer.js';

/**
 * SRS-initiated sessions whose INVITE carried the SRS's offer (RFC 7866 §6.2): the SRC answered
 * in its 2xx (src-answer.ts), so the ACK carries no SDP; the SRS's side, written in the SRC's
 * stream order, is read at the ACK as the session's answer. From then on the session's m-lines
 * are the SRS's (RFC 3264 §8: same number and order in every later offer): the SRC's offers are
 * laid out on them and the SRS's answers read back into the stream order.
 */
const byDialog = new WeakMap<object, SrcAnswer>();
const byAck = new WeakMap<object, SrcAnswer>();
const layouts = new WeakMap<readonly SessionStream[], SrcAnswer>();

/** The SRC answered the SRS's offer in the 2xx of `dialog`. */
export function answeredSrsOffer(dialog: object, answer: SrcAnswer): void {
  byDialog.set(dialog, answer);
}

/** The ACK of `dialog` (its message elements `me`) completes an answered SRS offer, if any. */
export function ackedSrsOffer(dialog: object, me: object): void {
  const a = byDialog.get(dialog);
  if (!a) return;
  byDialog.delete(dialog);
  byAck.set(me, a);
}

const refusedStub = (): SdpMedia => ({ type: 'audio', port: 0, protocol: 'RTP/AVP', payloads: '0', rtp: [], fmtp: [] } as SdpMedia);

/** An offer built on `streams` (one m-line each), laid out on the SRS's m-lines when the SRS offered first. */
export function layoutOffer(streams: readonly SessionStream[], sdp: string): string {
  const a = layouts.get(streams);
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

/**
 * The SRS answer the ACK of an answered SRS offer stands for (its message elements `me`), taken
 * once; from then on `streams` are laid out on the SRS's m-lines.
 */
export function takeAckedAnswer(me: object, streams: readonly SessionStream[]): SrcAnswer | undefined {
  const a = byAck.get(me);
  if (!a) return undefined;
  byAck.delete(me);
  layouts.set(streams, a);
  return a;
}

/** An SRS answer to `streams`, back in the stream order when the session is laid out on the SRS's m-lines. */
export function inStreamOrder(streams: readonly SessionStream[], sdp: string): string {
  const a = layouts.get(streams);
  return a ? streamOrder(a, streams.length, sdp) : sdp;
}

/** An SRS answer on the SRS's m-lines, back in the stream order (a stream without a line: port 0). */
function streamOrder(a: SrcAnswer, streams: number, sdp: string): string {
  const s = parseSdp(sdp);
  const media = Array.from({ length: streams }, (_, i) => {
    const j = lineOf(a, i);
    return (j === undefined ? undefined : s.media[j]) ?? refusedStub();
  });
  return writeSdp({ ...s, media });
}
