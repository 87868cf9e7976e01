/**
 * What the SRS does with each offered stream (RFC 7866 §7.2, RFC 3264 §6), by media kind:
 *
 * | offered | stored as |
 * |---|---|
 * | audio in a G.711 codec of `codecs` | `wav`: decoded to 16-bit PCM, one codec answered |
 * | m=text with t140 (RFC 4103), red allowed | `t140`: rtpdump + UTF-8 transcript |
 * | any other RTP/AVP(F) stream (audio, video, text) | `rtpdump`: every packet as received |
 * | m=message TCP/MSRP (RFC 4975) | `msrp`: message bodies, when the MSRP endpoint is on |
 *
 * RTP/SAVP(F) with an SDES a=crypto (RFC 4568) is recorded like RTP/AVP(F): the SRS answers with
 * RTP/SAVP and a key of its own and decrypts before storing (RFC 7866 §12: the recording as well
 * protected as the call). Everything else (SRTP without keys, e.g. DTLS-SRTP, kinds or codecs
 * switched off, plain RTP under `srtp: 'require'`) is refused with port 0. The module also builds the SRS's own offer for an offer-less INVITE (RFC 7866 §7.1.2:
 * the SRS offers in the 2xx, one recvonly audio m-line per metadata stream).
 */
import { mediaLabel, parseSdp, writeSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import { writePlainAnswer } from './answer-writer.js';
import type { RecordedCodec, RecordedMediaKind } from '../../../include-types/siprec.js';
import { answerCrypto, cryptoAttrsOf, mediaCodecs, setCryptoAttrs, type CryptoChoice } from '../body/index.js';

/** How a stream is stored. */
export type StreamStore = 'wav' | 'rtpdump' | 't140' | 'msrp';

/** The SRS's media choices (from SrsSettings). */
export interface MediaPolicy {
  /** Encoding names decoded to WAV (G.711: PCMU, PCMA). */
  wavCodecs: readonly string[];
  /** Media kinds accepted. */
  kinds: readonly RecordedMediaKind[];
  /** Encoding names stored raw (rtpdump); undefined = any. */
  rawCodecs?: readonly string[];
  /**
   * Audio encoding names accepted at all (G.711 among them → WAV, the others → rtpdump, whatever
   * `rawCodecs` says); undefined = G.711 of `wavCodecs` and any audio codec `rawCodecs` allows.
   */
  audioCodecs?: readonly string[];
  /** True when MSRP streams are received. */
  msrp: boolean;
  /** SRTP (SDES) streams: 'refuse', 'accept' (default) or 'require' (plain RTP refused). */
  srtp?: 'refuse' | 'accept' | 'require';
}

/** An offered stream with the SRS's decision. */
export interface PlannedStream {
  /** m-line index. */
  index: number;
  /** a=label, or `m<index>` when the SRC gave none. */
  label: string;
  /** True when the SRC put a label on it. */
  labelled: boolean;
  /** SDP media type as offered (audio, video, text, message ...). */
  media: string;
  /** The recorded kind, when it is one of the four. */
  kind?: RecordedMediaKind;
  /** Transport protocol as offered. */
  protocol: string;
  /** Offered port (0 = removed). */
  port: number;
  /** SRC direction: sendonly, or inactive while paused. */
  direction: string;
  /** How it is stored; undefined = refused (port 0). */
  store?: StreamStore;
  /** The main payload type (the WAV codec, t140, the first raw format). */
  payloadType?: number;
  /** Its encoding name (upper case for G.711, as offered otherwise). */
  codec?: string;
  /** Formats answered (in offer order). */
  formats: RecordedCodec[];
  /** fmtp lines answered (copied from the offer). */
  fmtp: { payload: number; config: string }[];
  /** t140 and red payload types of a text stream. */
  t140?: { t140: number; red?: number };
  /** MSRP: the SRC's a=path and a=accept-types. */
  msrp?: { path?: string; acceptTypes: string[] };
  /** RTP/SAVP(F): the offered a=crypto taken (the SRC's key) and the SRS's own line for the answer. */
  srtp?: CryptoChoice;
}

/** An offer (or the SRC's answer to our offer) broken down per stream. */
export interface MediaPlan {
  /** The parsed SDP. */
  session: SdpSession;
  /** Per m-line. */
  streams: PlannedStream[];
  /** The SDP text it was parsed from (a session keeps this, not the parsed object graph). */
  sdp?: string;
}

const KINDS: readonly string[] = ['audio', 'video', 'text', 'message'];
const RTP_PROFILES = ['RTP/AVP', 'RTP/AVPF'];
const SRTP_PROFILES = ['RTP/SAVP', 'RTP/SAVPF'];

function invalidAttr(m: SdpMedia, name: string): string | undefined {
  const inv = (m as { invalid?: { value: string }[] }).invalid ?? [];
  const hit = inv.find((x) => x.value.toLowerCase().startsWith(`${name}:`));
  return hit?.value.slice(name.length + 1).trim();
}

function nameAllowed(list: readonly string[] | undefined, name: string): boolean {
  return list === undefined || list.some((n) => n === '*' || n.toUpperCase() === name.toUpperCase());
}

/** The a=fmtp lines of payload type `pt` (a function of the module: no closure per stream planned). */
function fmtpOf(m: SdpMedia, pt: number): { payload: number; config: string }[] {
  return m.fmtp.filter((f) => f.payload === pt);
}

/** Decides one m-line. */
function planStream(m: SdpMedia, index: number, session: SdpSession, p: MediaPolicy): PlannedStream {
  const label = mediaLabel(m);
  const kind = KINDS.includes(m.type) ? (m.type as RecordedMediaKind) : undefined;
  const s: PlannedStream = {
    index, label: label ?? `m${index}`, labelled: label !== undefined, media: m.type, protocol: String(m.protocol ?? ''),
    port: Number(m.port), direction: m.direction ?? session.direction ?? 'sendrecv', formats: [], fmtp: [],
    ...(kind ? { kind } : {}),
  };
  if (!kind || !p.kinds.includes(kind) || s.port === 0) return s;
  if (kind === 'message') {
    // RFC 4975 §8: m=message <port> TCP/MSRP *; TLS/MSRP needs certificates we do not have.
    if (p.msrp && s.protocol.toUpperCase() === 'TCP/MSRP') {
      const types = (invalidAttr(m, 'accept-types') ?? '*').split(/\s+/).filter(Boolean);
      const path = invalidAttr(m, 'path');
      s.store = 'msrp';
      s.codec = 'MSRP';
      s.msrp = { acceptTypes: types, ...(path !== undefined ? { path } : {}) };
    }
    return s;
  }
  const profile = s.protocol.toUpperCase();
  const srtpMode = p.srtp ?? 'accept';
  if (SRTP_PROFILES.includes(profile)) {
    // RFC 4568 §5.1.2: an acceptable a=crypto (first in offer order) or the stream is refused; an
    // SRTP stream keyed otherwise (DTLS-SRTP a=fingerprint) would be stored as ciphertext.
    const choice = srtpMode === 'refuse' ? undefined : answerCrypto(cryptoAttrsOf(m));
    if (!choice) return s;
    s.srtp = choice;
  } else if (!RTP_PROFILES.includes(profile) || srtpMode === 'require') return s;
  const codecs = kind === 'audio' && p.audioCodecs !== undefined
    ? mediaCodecs(m).filter((c) => nameAllowed(p.audioCodecs, c.name))
    : mediaCodecs(m);
  if (kind === 'audio') {
    const g711 = codecs.find((c) => p.wavCodecs.some((n) => n.toUpperCase() === c.name.toUpperCase()) && c.clockRate === 8000 && /^PCM[UA]$/i.test(c.name));
    if (g711) {
      Object.assign(s, { store: 'wav', payloadType: g711.payloadType, codec: g711.name.toUpperCase(), formats: [{ ...g711, name: g711.name.toUpperCase() }] });
      return s;
    }
  }
  if (kind === 'text') {
    const t140 = codecs.find((c) => c.name.toLowerCase() === 't140');
    if (t140) {
      const red = codecs.find((c) => c.name.toLowerCase() === 'red');
      const keep = codecs.filter((c) => c === t140 || c === red);
      Object.assign(s, {
        store: 't140', payloadType: t140.payloadType, codec: t140.name, formats: keep,
        fmtp: keep.flatMap((c) => fmtpOf(m, c.payloadType)),
        t140: { t140: t140.payloadType, ...(red ? { red: red.payloadType } : {}) },
      });
      return s;
    }
  }
  const rawList = kind === 'audio' && p.audioCodecs !== undefined ? p.audioCodecs : p.rawCodecs;
  const raw = codecs.filter((c) => c.name !== '?' && nameAllowed(rawList, c.name));
  if (raw.length > 0) {
    Object.assign(s, {
      store: 'rtpdump', payloadType: raw[0].payloadType, codec: raw[0].name, formats: raw,
      fmtp: raw.flatMap((c) => fmtpOf(m, c.payloadType)),
    });
  }
  return s;
}

/**
 * Parses an offer and decides each stream.
 * @throws SipParseError (488) for SDP that does not parse
 */
export function planOffer(sdp: string, policy: MediaPolicy): MediaPlan {
  const session = parseSdp(sdp);
  return { session, streams: session.media.map((m, i) => planStream(m, i, session, policy)), sdp };
}

/** Streams the SRS will record: a storage decision and a non-zero port. */
export function recordable(plan: MediaPlan): PlannedStream[] {
  return plan.streams.filter((s) => s.port !== 0 && s.store !== undefined);
}

/** Where an answered or offered stream is received. */
export interface LocalMedia {
  /** Port (RTP; the TCP port for MSRP). */
  port: number;
  /** MSRP: our a=path URI. */
  msrpPath?: string;
}

/** Options of {@link buildAnswer} and {@link buildSrsOffer}. */
export interface SdpOptions {
  /** Local media address. */
  address: string;
  /** o= session id. */
  sessionId: number;
  /** o= version (incremented per SDP in the dialog). */
  version: number;
}

function sessionModel(media: SdpMedia[], o: SdpOptions): SdpSession {
  const v = o.address.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: { username: 'tsip-srs', sessionId: o.sessionId, sessionVersion: o.version, netType: 'IN', ipVer: v, address: o.address },
    name: 'SIP Recording',
    connection: { version: v, ip: o.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}

/**
 * The recvonly answer: one m-line per offered m-line, in order (RFC 3264 §6); each recorded stream
 * with its label, the formats kept and its port from `local`; the others port 0.
 */
export function buildAnswer(plan: MediaPlan, local: ReadonlyMap<number, LocalMedia>, o: SdpOptions): string {
  return writePlainAnswer(plan, local, o) ?? writeSdp(answerSession(plan, local, o));
}

/** The answer as an SDP model (the general path of {@link buildAnswer}: MSRP, SRTP, fmtp). */
export function answerSession(plan: MediaPlan, local: ReadonlyMap<number, LocalMedia>, o: SdpOptions): SdpSession {
  const media = plan.streams.map((s, i): SdpMedia => {
    const om = plan.session.media[i];
    const at = local.get(i);
    if (at === undefined || s.store === undefined) {
      // RFC 3264 §6: a refused stream keeps its m-line with port 0 and the offered formats.
      return { type: om.type, port: 0, protocol: om.protocol, payloads: String(om.payloads ?? '0'), rtp: [], fmtp: [] };
    }
    let m: SdpMedia;
    if (s.store === 'msrp') {
      m = { type: om.type, port: at.port, protocol: om.protocol, payloads: '*', rtp: [], fmtp: [] };
      // RFC 4975 §8.1: our accept-types and the URI the SRC connects to (we are the answerer).
      const accept = s.msrp?.acceptTypes.length ? s.msrp.acceptTypes.join(' ') : '*';
      (m as { invalid?: { value: string }[] }).invalid = [{ value: `accept-types:${accept}` }, { value: `path:${at.msrpPath ?? ''}` }];
    } else {
      m = {
        type: om.type, port: at.port, protocol: om.protocol, payloads: s.formats.map((f) => f.payloadType).join(' '),
        rtp: s.formats.map((f) => ({ payload: f.payloadType, codec: f.name, rate: f.clockRate })),
        fmtp: s.fmtp.map((f) => ({ ...f })),
        rtcp: { port: at.port + 1 },
      };
      // RFC 4568 §5.1.2: the same tag and suite as the line taken, our own key.
      if (s.srtp) setCryptoAttrs(m, [s.srtp.answer]);
    }
    if (s.labelled) m.label = s.label;
    // RFC 7866 §7.2: the SRS only receives; while the SRC pauses (inactive) it answers inactive.
    m.direction = s.direction === 'inactive' ? 'inactive' : 'recvonly';
    return m;
  });
  return sessionModel(media, o);
}

const STATIC_PT: Record<string, number> = { PCMU: 0, PCMA: 8 };

/** The G.711 formats the SRS offers when it makes the offer (offer-less INVITE). */
export function offerCodecs(wavCodecs: readonly string[]): RecordedCodec[] {
  const out: RecordedCodec[] = [];
  for (const n of wavCodecs) {
    const pt = STATIC_PT[n.toUpperCase()];
    if (pt !== undefined && !out.some((c) => c.payloadType === pt)) out.push({ payloadType: pt, name: n.toUpperCase(), clockRate: 8000 });
  }
  return out.length ? out : [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }];
}

/** One m-line of the SRS's own offer. */
export interface SrsOfferStream {
  /** a=label (a metadata stream's label). */
  label: string;
  /** Local RTP port. */
  port: number;
}

/**
 * The SRS's offer in the 2xx of an offer-less INVITE (RFC 3264 §5, RFC 7866 §7.1.2): one audio
 * m-line per stream, recvonly, with the G.711 codecs the SRS decodes and the stream's label.
 */
export function buildSrsOffer(streams: readonly SrsOfferStream[], codecs: readonly RecordedCodec[], o: SdpOptions): string {
  const media = streams.map((s): SdpMedia => ({
    type: 'audio', port: s.port, protocol: 'RTP/AVP', payloads: codecs.map((c) => c.payloadType).join(' '),
    rtp: codecs.map((c) => ({ payload: c.payloadType, codec: c.name, rate: c.clockRate })), fmtp: [],
    rtcp: { port: s.port + 1 }, label: s.label, direction: 'recvonly',
  }));
  return writeSdp(sessionModel(media, o));
}

/** The SRC's answer to the SRS's offer, per offered m-line. */
export type AnswerCheck =
  | { ok: true; streams: PlannedStream[] }
  | { ok: false; reason: string };

/**
 * Reads the SRC's answer (in the ACK) to our offer: as many m-lines as offered (RFC 3264 §6), each
 * either port 0 (declined) or a codec we offered. A missing or unreadable answer is an error the
 * caller ends the session for (RFC 3261 §13.3.1.4).
 */
export function checkSrcAnswer(sdp: string | undefined, offered: readonly SrsOfferStream[], codecs: readonly RecordedCodec[]): AnswerCheck {
  if (sdp === undefined) return { ok: false, reason: 'ACK without an SDP answer' };
  let plan: MediaPlan;
  try {
    plan = planOffer(sdp, { wavCodecs: codecs.map((c) => c.name), kinds: ['audio'], msrp: false, rawCodecs: [] });
  } catch {
    return { ok: false, reason: 'SDP answer in the ACK does not parse' };
  }
  if (plan.streams.length !== offered.length) return { ok: false, reason: `SDP answer has ${plan.streams.length} m-lines for ${offered.length} offered` };
  const streams = plan.streams.map((s, i): PlannedStream => {
    // Our offer named the labels; an answer without them keeps ours.
    const out: PlannedStream = { ...s, label: offered[i].label, labelled: true };
    if (s.store !== undefined && !codecs.some((c) => c.payloadType === s.payloadType)) delete out.store;
    if (s.direction === 'recvonly') delete out.store; // the SRC would send nothing
    return out;
  });
  return { ok: true, streams };
}
