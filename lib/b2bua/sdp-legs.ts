/**
 * SDP for each leg of the B2BUA (RFC 4566/8866, RFC 3264): what a phone's SDP says about its
 * audio (where it receives RTP and RTCP, direction, codecs), and the same SDP rewritten so the
 * other phone sends to the relay. Only addresses and ports change; the codec list, fmtp,
 * telephone-event (RFC 4733) and every other attribute pass through unchanged, so the two phones
 * negotiate the codec end to end.
 */
import { mediaDirection, parseSdp, writeSdp, type SdpDirection, type SdpMedia, type SdpSession } from '../message/index.js';
import { mediaCodecs } from '../siprec/body/index.js';
import type { RecordedCodec } from '../../include-types/siprec.js';

/** What one phone's SDP says about its (first) audio stream. */
export interface AudioDescription {
  /** Where it wants RTP (c= of the m-line, else of the session). */
  address: string;
  /** Its RTP port (0: stream refused or removed). */
  rtpPort: number;
  /** Where it wants RTCP: `a=rtcp` (RFC 3605) or RTP port + 1 (RFC 3550 §11). */
  rtcpPort: number;
  /** `a=rtcp-mux` present (RFC 5761). */
  rtcpMux: boolean;
  /** Direction of the m-line (RFC 3264 §5.1). */
  direction: SdpDirection;
  /**
   * True for a hold: sendonly or inactive (RFC 3264 §8.4), or the old c=0.0.0.0 form (RFC 2543,
   * still sent by some phones).
   */
  hold: boolean;
  /** Payload formats in the m-line's order. */
  codecs: RecordedCodec[];
}

/** The relay's side of one leg: where the phone on that leg must send. */
export interface RelayAddress {
  /** IPv4 or IPv6 address of the relay. */
  address: string;
  /** Relay RTP port of that leg. */
  rtpPort: number;
  /** Relay RTCP port of that leg (RTP + 1). */
  rtcpPort: number;
}

/** Formats that carry no voice: never picked as the recorded codec. */
const NOT_VOICE = new Set(['TELEPHONE-EVENT', 'CN', 'RED', 'COMFORT-NOISE']);

function audioOf(session: SdpSession): SdpMedia | undefined {
  return session.media.find((m) => m.type === 'audio');
}

/** An SDP body and its first audio stream; undefined when it is not SDP or has no audio. */
function withAudio(sdp: string | Buffer): { session: SdpSession; m: SdpMedia } | undefined {
  let session: SdpSession;
  try {
    session = parseSdp(sdp);
  } catch {
    return undefined;
  }
  const m = audioOf(session);
  return m === undefined ? undefined : { session, m };
}

/** Reads the first audio stream of an SDP body; undefined when there is none (or it is not SDP). */
export function describeAudio(sdp: string | Buffer): AudioDescription | undefined {
  const parsed = withAudio(sdp);
  if (parsed === undefined) return undefined;
  const { session, m } = parsed;
  const address = m.connection?.ip ?? session.connection?.ip ?? '0.0.0.0';
  const rtpPort = m.port;
  const rtcpPort = m.rtcp?.port ?? rtpPort + 1;
  const direction = mediaDirection(m, session);
  const nullAddress = address === '0.0.0.0' || address === '::';
  return {
    address, rtpPort, rtcpPort, rtcpMux: m.rtcpMux !== undefined, direction,
    hold: direction === 'sendonly' || direction === 'inactive' || nullAddress,
    codecs: mediaCodecs(m),
  };
}

/**
 * The codec the call uses, from the SDP answer (RFC 3264 §6.1: the answerer's first format is the
 * one it sends): the first one that carries voice, so telephone-event or CN never becomes the
 * recorded codec.
 */
export function voiceCodec(answer: AudioDescription): RecordedCodec | undefined {
  return answer.codecs.find((c) => !NOT_VOICE.has(c.name.toUpperCase()));
}

/**
 * The phone's SDP as the other phone must see it: every c= address and the audio port replaced by
 * the relay's, `a=rtcp` moved to the relay's RTCP port, ICE candidates removed (they name the
 * phone's own addresses, which the other phone must not use: the relay is its only peer).
 * Media other than the first audio stream is refused (port 0), since only that stream is relayed.
 * A hold with c=0.0.0.0 keeps its null address, so the hold still reads as one.
 */
export function rewriteForRelay(sdp: string | Buffer, relay: RelayAddress): string {
  const session = parseSdp(sdp);
  const ipVer = relay.address.includes(':') ? 6 : 4;
  const keepNull = (ip: string | undefined): boolean => ip === '0.0.0.0' || ip === '::';
  if (session.origin) session.origin = { ...session.origin, address: relay.address, ipVer };
  if (session.connection && !keepNull(session.connection.ip)) session.connection = { version: ipVer, ip: relay.address };
  const audio = audioOf(session);
  for (const m of session.media) {
    delete m.candidates;
    delete m.iceUfrag;
    delete m.icePwd;
    delete m.iceOptions;
    delete m.endOfCandidates;
    delete m.remoteCandidates;
    if (m !== audio) {
      m.port = 0; // NOTE (deviation): the relay carries one audio stream; others are declined.
      continue;
    }
    if (m.port === 0) continue;
    m.port = relay.rtpPort;
    if (m.connection && !keepNull(m.connection.ip)) m.connection = { version: ipVer, ip: relay.address };
    if (m.rtcp !== undefined) m.rtcp = { port: relay.rtcpPort, netType: 'IN', ipVer, address: relay.address };
  }
  delete session.icelite;
  delete session.iceUfrag;
  delete session.icePwd;
  delete session.iceOptions;
  return writeSdp(session);
}

/**
 * An offer whose first audio stream keeps one voice format, its first (and the formats that
 * carry no voice: telephone-event, CN ...). For the callee's offer in its 2xx to an offer-less
 * INVITE (RFC 3261 §13.2.1, "delayed offer"): the caller answers it in its ACK, after the
 * B2BUA had to tell the SRS the codec it records; offering it one voice codec is what makes the
 * recorded codec the one the call uses. Undefined when the stream has no voice format.
 */
export function keepFirstVoiceCodec(sdp: string | Buffer): string | undefined {
  const parsed = withAudio(sdp);
  if (parsed === undefined) return undefined;
  const { session, m } = parsed;
  const codecs = mediaCodecs(m);
  const voice = codecs.find((c) => !NOT_VOICE.has(c.name.toUpperCase()));
  if (voice === undefined) return undefined;
  const keep = new Set(codecs.filter((c) => c === voice || NOT_VOICE.has(c.name.toUpperCase())).map((c) => c.payloadType));
  m.payloads = codecs.filter((c) => keep.has(c.payloadType)).map((c) => c.payloadType).join(' ');
  m.rtp = m.rtp.filter((r) => keep.has(r.payload));
  m.fmtp = m.fmtp.filter((f) => keep.has(f.payload));
  if (m.rtcpFb !== undefined) m.rtcpFb = m.rtcpFb.filter((f) => f.payload === '*' || keep.has(Number(f.payload)));
  return writeSdp(session);
}
