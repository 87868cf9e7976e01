/**
 * The SRS side of the offer/answer (RFC 7866 §7.2): pick a payload format the SRS can decode for
 * each offered stream, and answer with one m-line per offered m-line, in order, `a=recvonly` with
 * the same label for each recorded stream and port 0 for each refused one (RFC 3264 §6).
 */
import { mediaLabel, parseSdp, writeSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import { mediaCodecs } from './codecs.js';

/** An offered stream as the SRS sees it. */
export interface OfferedStream {
  /** m-line index. */
  index: number;
  /** a=label, or `m<index>` when the SRC gave none. */
  label: string;
  /** True when the SRC put a label on it. */
  labelled: boolean;
  /** Media type (audio, video ...). */
  media: string;
  /** Offered port (0 = removed). */
  port: number;
  /** SRC direction: sendonly, or inactive while paused. */
  direction: string;
  /** Payload type the SRS will decode, when one of the offered is supported. */
  payloadType?: number;
  /** Its encoding name. */
  codec?: string;
}

/** The offer broken down per stream. */
export interface AnalysedOffer {
  /** The parsed SDP. */
  session: SdpSession;
  /** Per m-line. */
  streams: OfferedStream[];
}

/**
 * Parses an offer and picks codecs. `supported` are encoding names (case-insensitive).
 * @throws SipParseError (488) for SDP that does not parse
 */
export function analyseOffer(sdp: string, supported: readonly string[]): AnalysedOffer {
  const session = parseSdp(sdp);
  const names = supported.map((n) => n.toUpperCase());
  const streams = session.media.map((m, index): OfferedStream => {
    const label = mediaLabel(m);
    const s: OfferedStream = {
      index, label: label ?? `m${index}`, labelled: label !== undefined, media: m.type, port: Number(m.port),
      direction: m.direction ?? session.direction ?? 'sendrecv',
    };
    if (m.type === 'audio') {
      const c = mediaCodecs(m).find((x) => names.includes(x.name.toUpperCase()) && x.clockRate === 8000);
      if (c) {
        s.payloadType = c.payloadType;
        s.codec = c.name.toUpperCase();
      }
    }
    return s;
  });
  return { session, streams };
}

/** Streams the SRS can record: audio with a supported codec and a non-zero port. */
export function recordableStreams(offer: AnalysedOffer): OfferedStream[] {
  return offer.streams.filter((s) => s.port !== 0 && s.payloadType !== undefined);
}

/** Options of {@link buildRecvonlyAnswer}. */
export interface AnswerOptions {
  /** Local media address. */
  address: string;
  /** o= session id. */
  sessionId: number;
  /** o= version (incremented per answer in the dialog). */
  version: number;
  /** RTP port per m-line index for each recorded stream; a missing index is answered with port 0. */
  ports: ReadonlyMap<number, number>;
}

/** Builds the recvonly answer for `offer`. */
export function buildRecvonlyAnswer(offer: AnalysedOffer, opts: AnswerOptions): string {
  const v = opts.address.includes(':') ? 6 : 4;
  const media = offer.streams.map((s, i): SdpMedia => {
    const om = offer.session.media[i];
    const port = opts.ports.get(i);
    if (port === undefined || s.payloadType === undefined) {
      // RFC 3264 §6: a refused stream keeps its m-line with port 0 and the offered formats.
      return { type: om.type, port: 0, protocol: om.protocol, payloads: String(om.payloads ?? '0'), rtp: [], fmtp: [] };
    }
    const m: SdpMedia = {
      type: om.type, port, protocol: om.protocol, payloads: String(s.payloadType),
      rtp: [{ payload: s.payloadType, codec: s.codec ?? 'PCMU', rate: 8000 }], fmtp: [],
      rtcp: { port: port + 1 },
    };
    if (s.labelled) m.label = s.label;
    // RFC 7866 §7.2: the SRS only receives; while the SRC pauses (inactive) it answers inactive.
    m.direction = s.direction === 'inactive' ? 'inactive' : 'recvonly';
    return m;
  });
  return writeSdp({
    version: 0,
    origin: { username: 'tsip-srs', sessionId: opts.sessionId, sessionVersion: opts.version, netType: 'IN', ipVer: v, address: opts.address },
    name: 'SIP Recording',
    connection: { version: v, ip: opts.address },
    timing: { start: 0, stop: 0 },
    media,
  });
}
