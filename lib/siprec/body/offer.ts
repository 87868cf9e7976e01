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
  const codecs = s.codecs ?? (kind === 'text' ? [{ payloadType: 98, name: 't140', clockRate: 1000 }] : DEFAULT_AUDIO_CODECS);
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

/** Builds the offer SDP text. */
export function buildOfferSdp(streams: readonly OfferStream[], opts: OfferOptions): string {
  const v = ipVer(opts.address);
  const session: SdpSession = {
    version: 0,
    origin: { username: 'tsip-src', sessionId: opts.sessionId, sessionVersion: opts.version, netType: 'IN', ipVer: v, address: opts.address },
    name: 'SIP Recording',
    connection: { version: v, ip: opts.address },
    timing: { start: 0, stop: 0 },
    media: streams.map((s) => streamMedia(s, opts.paused ?? false)),
  };
  return writeSdp(session);
}
