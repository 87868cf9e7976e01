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
import { parseSdp, type SdpSession } from '../../message/index.js';
import { MessageElements, ResponseElements, type ServerTransaction } from '../common/api.js';
import type { MediaFork } from './media-fork.js';
import { offeredCrypto, type SessionStream, type SrtpSetting } from './session-offer.js';
import { inStreamOrder } from './session-layout.js';

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

/**
 * Sets each stream's fork target from the answer in `me` (or `srsAnswer`: the SRS's side of an
 * SRS offer we answered in our 2xx, already in stream order); returns what the SRS accepted.
 * `layout`: the session sits on the SRS's m-lines (session-layout.ts).
 */
export function applyAnswer(fork: MediaFork, streams: readonly SessionStream[], me: MessageElementsView | undefined, entryCodecs?: readonly RecordedCodec[], srtp?: SrtpSetting, layout?: SrcAnswer, srsAnswer?: string): RecordedStreamInfo[] {
  let sdp: string | undefined;
  if (srsAnswer !== undefined) {
    sdp = srsAnswer;
  } else {
    try {
      sdp = splitRecordingBody(me?.contentType, me?.content).sdp;
      if (sdp !== undefined) sdp = inStreamOrder(layout, streams.length, sdp);
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

/** Answers a request (optionally with SDP and header fields) and disposes it; returns the response sent, if any. */
export function replyTo(tx: ServerTransaction, status: number, sdp?: string, headers: ReadonlyArray<readonly [string, string]> = []): ResponseElements | undefined {
  let sent: ResponseElements | undefined;
  try {
    const me = new MessageElements();
    for (const [name, value] of headers) me.addHeader(name, value);
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
