/**
 * The SRC's SDP offer for a recording session (RFC 7866 §7.1.1): one m-line per recorded stream,
 * each with its `a=label` (RFC 4574) and `a=sendonly` (or `a=inactive` while paused), a stable
 * order (a stream keeps its m-line for the life of the session) and an RTCP port.
 */
import { writeSdp, type SdpMedia, type SdpSession } from '../../message/index.js';
import type { RecordedCodec, RecordedMediaKind } from '../../../include-types/siprec.js';
import { DEFAULT_AUDIO_CODECS } from './codecs.js';
import { setCryptoAttrs, type CryptoAttr } from './crypto-attr.js';

/** One offered stream. */
export interface OfferStream {
  /** RS label. */
  label: string;
  /** Media kind (default audio). */
  media?: RecordedMediaKind;
  /** Local RTP port the SRC sends from; 0 = stream removed (RFC 3264 §8.2). */
  port: number;
  /** Codecs (default PCMU, PCMA). */
  codecs?: readonly RecordedCodec[];
  /** SRTP (RFC 4568): offered as RTP/SAVP with this a=crypto (the key the SRC sends with). */
  crypto?: CryptoAttr;
  /** MSRP (`media: 'message'`): our a=path URI and the a=accept-types (default `*`). */
  msrp?: { path: string; acceptTypes?: readonly string[] };
}

/** Options of {@link buildOfferSdp}. */
export interface OfferOptions {
  /** Local media address (IPv4 or IPv6). */
  address: string;
  /** o= session id (stable per session). */
  sessionId: number;
  /** o= version; incremented by the caller on every new offer (RFC 3264 §8). */
  version: number;
  /** True while paused: `a=inactive` instead of `a=sendonly` (RFC 7866 §7.1.1, SIPREC-NOTES SRC-8). */
  paused?: boolean;
}

function ipVer(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

function streamMedia(s: OfferStream, paused: boolean): SdpMedia {
  const kind = s.media ?? 'audio';
  if (kind === 'message') {
    // RFC 4975 §8.1: m=message <port> TCP/MSRP *, with a=accept-types and a=path (the URI the
    // SRS's SENDs' To-Path would name); RFC 4145 / RFC 6135: a=setup:active, the SRC connects.
    const m = {
      type: 'message', port: s.port, protocol: 'TCP/MSRP', payloads: '*', rtp: [], fmtp: [],
      label: s.label, direction: paused ? 'inactive' : 'sendonly',
    } as SdpMedia;
    if (s.msrp && s.port !== 0) {
      m.setup = 'active';
      const accept = s.msrp.acceptTypes?.length ? s.msrp.acceptTypes.join(' ') : '*';
      (m as { invalid?: { value: string }[] }).invalid = [{ value: `accept-types:${accept}` }, { value: `path:${s.msrp.path}` }];
    }
    return m;
  }
  const codecs = s.codecs ?? (kind === 'text' ? TEXT_CODECS : DEFAULT_AUDIO_CODECS);
  const m: SdpMedia = {
    type: kind, port: s.port, protocol: s.crypto ? 'RTP/SAVP' : 'RTP/AVP', payloads: codecs.map((c) => c.payloadType).join(' '),
    rtp: codecs.map((c) => ({ payload: c.payloadType, codec: c.name, rate: c.clockRate })), fmtp: [],
  };
  if (s.port !== 0) m.rtcp = { port: s.port + 1 };
  if (s.crypto && s.port !== 0) setCryptoAttrs(m, [s.crypto]);
  // RFC 7866 §7.1.1: every RS m-line carries a label the metadata <stream> refers to.
  m.label = s.label;
  // RFC 7866 §7.1.1: the SRC only sends; inactive while the recording is paused.
  m.direction = paused ? 'inactive' : 'sendonly';
  return m;
}

/**
 * The m= section of a plain RTP stream (no SRTP, not MSRP) written directly, line for line what
 * writeSdp writes for {@link streamMedia}'s model (m=, rtpmap, rtcp, direction, label): going
 * through sdp-transform's generic writer cost a large share of the SRC's CPU per set-up (issue 15).
 */
function plainRtpSection(s: OfferStream, paused: boolean): string {
  const kind = s.media ?? 'audio';
  const codecs = s.codecs ?? (kind === 'text' ? TEXT_CODECS : DEFAULT_AUDIO_CODECS);
  let pts = '';
  let maps = '';
  for (const c of codecs) {
    pts += ` ${c.payloadType}`;
    maps += `a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}\r\n`;
  }
  const rtcp = s.port !== 0 ? `a=rtcp:${s.port + 1}\r\n` : '';
  // RFC 7866 §7.1.1: the SRC only sends (inactive while paused); every RS m-line has its label.
  return `m=${kind} ${s.port} RTP/AVP${pts}\r\n${maps}${rtcp}a=${paused ? 'inactive' : 'sendonly'}\r\na=label:${s.label}\r\n`;
}

const TEXT_CODECS: readonly RecordedCodec[] = [{ payloadType: 98, name: 't140', clockRate: 1000 }];

/** Builds the offer SDP text. */
export function buildOfferSdp(streams: readonly OfferStream[], opts: OfferOptions): string {
  const v = ipVer(opts.address);
  const paused = opts.paused ?? false;
  if (streams.every((s) => !s.crypto && s.media !== 'message' && s.codecs?.length !== 0)) {
    let text = `v=0\r\no=tsip-src ${opts.sessionId} ${opts.version} IN IP${v} ${opts.address}\r\ns=SIP Recording\r\nc=IN IP${v} ${opts.address}\r\nt=0 0\r\n`;
    for (const s of streams) text += plainRtpSection(s, paused);
    return text;
  }
  return writeSdp(offerSession(streams, opts));
}

/** The offer as an SDP model (the general path of {@link buildOfferSdp}: SRTP, MSRP). */
export function offerSession(streams: readonly OfferStream[], opts: OfferOptions): SdpSession {
  const v = ipVer(opts.address);
  const paused = opts.paused ?? false;
  return {
    version: 0,
    origin: { username: 'tsip-src', sessionId: opts.sessionId, sessionVersion: opts.version, netType: 'IN', ipVer: v, address: opts.address },
    name: 'SIP Recording',
    connection: { version: v, ip: opts.address },
    timing: { start: 0, stop: 0 },
    media: streams.map((s) => streamMedia(s, paused)),
  };
}
