/**
 * The SRC's answer to an SRS's offer (RFC 7866 §6.2, an SRS-initiated INVITE with SDP): the SRS
 * offers recvonly m-lines, one per stream it wants, possibly labelled; the SRC answers with the
 * same number and order of m-lines (RFC 3264 §6), each `a=sendonly` with the label of the recorded
 * stream it carries, or port 0 when it cannot serve it. Offered m-lines map to the SRC's streams
 * by `a=label` when the SRS gave labels, else in order among streams of the same media kind.
 *
 * The SRC's own offer for the session (its streams, ports, codecs and a=crypto keys, from
 * offer.ts) is the input describing what it can send: a format is answered only when that stream
 * offers the same payload type with the same codec (the SRC forwards the call's RTP unchanged),
 * and an RTP/SAVP line only when that stream has an a=crypto (the entry's `media.srtp`) and the
 * SRS offered that suite (RFC 4568 §5.1.2; the answer carries the SRC's send key, §6.1).
 */
import { mediaDirection, mediaLabel, parseSdp, writeSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import { mediaCodecs } from './codecs.js';
import { answerCrypto, cryptoAttrsOf, setCryptoAttrs, usableCrypto } from './crypto-attr.js';

/** How one offered m-line was answered. */
export interface SrcAnsweredLine {
  /** Offered m-line index. */
  index: number;
  /** Index of the SRC stream (m-line of the SRC's own offer) it carries, when answered. */
  stream?: number;
  /** Label of that stream. */
  label?: string;
  /** Payload type answered. */
  payloadType?: number;
  /** Why it got port 0. */
  rejectReason?: string;
}

/** The SRC's answer to an SRS offer. */
export interface SrcAnswer {
  /** The answer SDP (same m-lines as the offer). */
  sdp: string;
  /** Per offered m-line. */
  lines: SrcAnsweredLine[];
  /**
   * The SRS's side in the SRC's stream order, written as if it were an answer to the SRC's own
   * offer (recvonly, the SRS's address and port, the answered format, the SRC's a=crypto): what
   * the session reads to point each stream's fork at the SRS.
   */
  remote: string;
  /** Offered m-line index of each SRC stream (undefined: not answered). */
  layout: (number | undefined)[];
  /** Per offered m-line, its port-0 form (what a later offer of the SRC keeps in that place). */
  refused: SdpMedia[];
}

const isSrtp = (p: unknown): boolean => /^RTP\/SAVPF?$/i.test(String(p));
const isRtp = (p: unknown): boolean => /^RTP\/AVPF?$/i.test(String(p));

function rejected(m: SdpMedia): SdpMedia {
  // RFC 3264 §6: a refused stream keeps its m-line with port 0 and at least one offered format.
  return { type: m.type, port: 0, protocol: m.protocol, payloads: m.payloads ?? '*', rtp: [], fmtp: [] } as SdpMedia;
}

/** Offered m-line `om` for our stream `ours`: the reason it cannot be served, or the answer pieces. */
function serve(om: SdpMedia, session: SdpSession, ours: SdpMedia): { reason: string } | { m: SdpMedia; remote: SdpMedia; pt: number } {
  if (Number(om.port) === 0) return { reason: 'port 0 offered' };
  if (om.type !== ours.type) return { reason: `media ${om.type} offered for a ${ours.type} stream` };
  if (ours.type === 'message' || Number(ours.port) === 0) return { reason: 'stream not offered on an SRS offer' };
  const dir = mediaDirection(om, session);
  if (dir !== 'recvonly' && dir !== 'sendrecv') return { reason: `direction ${dir}` };
  const oursCrypto = cryptoAttrsOf(ours)[0];
  let crypto;
  if (isSrtp(om.protocol)) {
    if (!oursCrypto || !usableCrypto(oursCrypto)) return { reason: 'SRTP not enabled' };
    const choice = answerCrypto(cryptoAttrsOf(om), [oursCrypto.suite]);
    if (!choice) return { reason: 'no acceptable a=crypto' };
    crypto = { ...oursCrypto, tag: choice.offered.tag };
  } else if (isRtp(om.protocol)) {
    if (oursCrypto) return { reason: 'SRTP required' };
  } else {
    return { reason: `protocol ${String(om.protocol)}` };
  }
  const mine = mediaCodecs(ours);
  const pick = mediaCodecs(om).find((c) => mine.some((o) => o.payloadType === c.payloadType && o.name.toLowerCase() === c.name.toLowerCase() && o.clockRate === c.clockRate));
  if (!pick) return { reason: 'no common codec' };
  const rtp = om.rtp.filter((r) => r.payload === pick.payloadType);
  const fmtp = (om.fmtp ?? []).filter((f) => f.payload === pick.payloadType);
  const m = {
    type: om.type, port: Number(ours.port), protocol: om.protocol, payloads: String(pick.payloadType),
    rtp: rtp.length ? rtp : [{ payload: pick.payloadType, codec: pick.name, rate: pick.clockRate }], fmtp,
    rtcp: { port: Number(ours.port) + 1 }, label: ours.label, direction: 'sendonly',
  } as SdpMedia;
  if (crypto) setCryptoAttrs(m, [crypto]);
  const address = om.connection?.ip ?? session.connection?.ip;
  const remote = {
    type: om.type, port: Number(om.port), protocol: om.protocol, payloads: String(pick.payloadType), rtp: m.rtp, fmtp: [],
    direction: 'recvonly', ...(address ? { connection: { version: address.includes(':') ? 6 : 4, ip: address } } : {}),
    ...(om.rtcp ? { rtcp: om.rtcp } : {}),
  } as SdpMedia;
  if (oursCrypto) setCryptoAttrs(remote, [oursCrypto]); // what the SRC's fork matches its own key with
  return { m, remote, pt: pick.payloadType };
}

/**
 * Answers the SRS's `offerSdp` from the SRC's own offer `ourOfferSdp` (its streams; o= and c=
 * come from it too).
 * @throws SipParseError when either is not SDP
 */
export function buildSrcAnswer(offerSdp: string, ourOfferSdp: string): SrcAnswer {
  const offer = parseSdp(offerSdp);
  const ours = parseSdp(ourOfferSdp);
  const byLabel = offer.media.some((m) => mediaLabel(m) !== undefined);
  const used = new Set<number>();
  const layout: (number | undefined)[] = ours.media.map(() => undefined);
  const remote: SdpMedia[] = ours.media.map((m) => rejected(m));
  const lines: SrcAnsweredLine[] = [];
  const refused = offer.media.map((m) => rejected(m));
  const media = offer.media.map((om, index): SdpMedia => {
    let stream: number;
    if (byLabel) {
      const label = mediaLabel(om);
      stream = label === undefined ? -1 : ours.media.findIndex((m, i) => !used.has(i) && mediaLabel(m) === label);
      if (stream < 0) {
        const taken = label !== undefined && ours.media.some((m) => mediaLabel(m) === label);
        lines.push({ index, rejectReason: label === undefined ? 'no label' : taken ? `label ${label} offered twice` : `unknown label ${label}` });
        return rejected(om);
      }
    } else {
      stream = ours.media.findIndex((m, i) => !used.has(i) && m.type === om.type);
      if (stream < 0) {
        lines.push({ index, rejectReason: `no ${om.type} stream left` });
        return rejected(om);
      }
    }
    used.add(stream);
    const r = serve(om, offer, ours.media[stream]);
    if ('reason' in r) {
      lines.push({ index, stream, label: mediaLabel(ours.media[stream]), rejectReason: r.reason });
      return rejected(om);
    }
    layout[stream] = index;
    remote[stream] = r.remote;
    lines.push({ index, stream, label: mediaLabel(ours.media[stream]), payloadType: r.pt });
    return r.m;
  });
  const head = { version: 0, origin: ours.origin, name: ours.name ?? 'SIP Recording', connection: ours.connection, timing: ours.timing ?? { start: 0, stop: 0 } };
  return {
    sdp: writeSdp({ ...head, media } as SdpSession),
    lines,
    remote: writeSdp({ ...head, connection: offer.connection, media: remote } as SdpSession),
    layout,
    refused,
  };
}

/** One line on why nothing in the offer could be answered, for a 488 reason phrase. */
export function noStreamReason(a: SrcAnswer): string {
  const why = a.lines.map((l) => `m${l.index + 1}: ${l.rejectReason ?? 'ok'}`).join('; ');
  return `No usable stream in the offer${why ? ` (${why})` : ''}`.slice(0, 200);
}
