/**
 * Small pieces of a recording session's signalling: reading the SRS's SDP answer into the fork
 * targets (RFC 3264 §6 per m-line; a refused or missing stream is not forked), answering a
 * request from the SRS, and the RTP clock rate of a stream.
 */
import type { RecordedCodec, RecordedStreamInfo } from '../../../include-types/siprec.js';
import type { MessageElementsView } from '../../../include-types/api.js';
import {
  cryptoAttrsOf, DEFAULT_AUDIO_CODECS, keyMaterialOf, matchCryptoAnswer, parseSrsAnswer, splitRecordingBody, type AnsweredStream, type SrcAnswer,
} from '../body/index.js';
import { parseSdp, writeSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import type { MediaFork } from './media-fork.js';
import { offeredCrypto, type SessionStream, type SrtpSetting } from './session-offer.js';

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

/** An SRS answer on the SRS's m-lines, back in the stream order (a stream without a line: port 0). */
function streamOrder(a: SrcAnswer, streams: number, sdp: string): string {
  const s = parseSdp(sdp);
  const media = Array.from({ length: streams }, (_, i) => {
    const j = lineOf(a, i);
    return (j === undefined ? undefined : s.media[j]) ?? refusedStub();
  });
  return writeSdp({ ...s, media });
}

/**
 * RFC 4568 §5.1.3: a stream offered as SRTP is taken only when the answer keeps RTP/SAVP(F) and
 * one a=crypto with the tag and suite offered; the SRC then sends with its offered key (§6.1).
 * Returns false when the SRS refused SRTP for it (the SRC requires it: the stream is not forked).
 */
function applySrtp(fork: MediaFork, stream: SessionStream, index: number, answer: SdpSession | undefined, srtp: SrtpSetting): boolean {
  const offered = offeredCrypto(stream, srtp);
  const fwd = fork.get(stream.params.label);
  if (!offered) {
    fwd?.setSrtp(undefined);
    return true;
  }
  const m = answer?.media[index];
  if (!m || !/^RTP\/SAVPF?$/i.test(String(m.protocol))) return false;
  const match = matchCryptoAnswer([offered], cryptoAttrsOf(m));
  if (!match) return false;
  fwd?.setSrtp(keyMaterialOf(match.offered));
  return true;
}

/** Sets each stream's fork target from the answer in `me`; returns what the SRS accepted. */
export function applyAnswer(fork: MediaFork, streams: readonly SessionStream[], me: MessageElementsView | undefined, entryCodecs?: readonly RecordedCodec[], srtp?: SrtpSetting): RecordedStreamInfo[] {
  let sdp: string | undefined;
  const acked = me ? byAck.get(me) : undefined;
  if (acked) {
    byAck.delete(me!);
    layouts.set(streams, acked);
    sdp = acked.remote;
  } else {
    try {
      sdp = splitRecordingBody(me?.contentType, me?.content).sdp;
      const a = layouts.get(streams);
      if (a && sdp !== undefined) sdp = streamOrder(a, streams.length, sdp);
    } catch {
      sdp = undefined;
    }
  }
  const labels = streams.map((s) => s.params.label);
  let answered: AnsweredStream[];
  try {
    const pts = streams.map((s) => (s.params.codecs ?? entryCodecs ?? DEFAULT_AUDIO_CODECS).map((c) => c.payloadType));
    answered = sdp === undefined ? [] : parseSrsAnswer(labels, sdp, pts);
  } catch {
    answered = [];
  }
  let session: SdpSession | undefined;
  try {
    session = srtp && sdp !== undefined ? parseSdp(sdp) : undefined;
  } catch {
    session = undefined;
  }
  return labels.map((label, i) => {
    const a = answered[i];
    if (!a || !a.accepted || !a.rtp || !applySrtp(fork, streams[i], i, session, srtp)) {
      fork.setTarget(label, undefined);
      return { label, accepted: false };
    }
    fork.setTarget(label, { rtp: a.rtp, ...(a.rtcp ? { rtcp: a.rtcp } : {}) });
    return { label, accepted: true, remote: a.rtp };
  });
}

/** Answers a request (optionally with SDP) and disposes it; returns the response sent, if any. */
export function replyTo(tx: ServerTransaction, status: number, sdp?: string): ResponseElements | undefined {
  let sent: ResponseElements | undefined;
  try {
    const me = new MessageElements();
    if (sdp !== undefined) me.setContent(sdp, 'application/sdp');
    sent = new ResponseElements({ statusCode: status, messageElements: me });
    tx.sendResponse(sent);
  } catch {
    sent = undefined; // the transaction ended meanwhile
  }
  tx.dispose();
  return sent;
}

/** RTP clock rate of a stream: its first codec's, else 90 kHz for video and 8 kHz otherwise. */
export function clockRate(s: { codecs?: readonly { clockRate: number }[]; media?: string }): number {
  return s.codecs?.[0]?.clockRate ?? (s.media === 'video' ? 90000 : 8000);
}
