/**
 * An SDP answer a browser accepts for its WebRTC offer (RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 8839
 * ICE SDP, RFC 8842 DTLS in SDP), for a UAS that answers calls but does not carry their media:
 * one host ICE candidate, ICE credentials, a DTLS fingerprint, `a=setup:passive`, `a=rtcp-mux`,
 * the offer's mids, and a BUNDLE group of the accepted ones. Audio is accepted with the first
 * codec of the offer we know (Opus, PCMU, PCMA); every other m= section is rejected (port 0).
 *
 * NOTE (deviation): no ICE connectivity checks are answered and no DTLS handshake is made, so no
 * media flows; the answer only lets `setRemoteDescription` succeed and the call set up.
 */
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { parseSdp, type SdpMedia } from '../message/index.js';

/** True if an SDP offer is a WebRTC one (DTLS-SRTP with ICE), which needs {@link webRtcAnswer}. */
export function isWebRtcOffer(body: Buffer): boolean {
  return body.length > 0 && body.includes('a=fingerprint:') && body.includes('a=ice-ufrag:');
}

/**
 * The `a=fingerprint` value to advertise: SHA-256 of a PEM certificate's DER (as a DTLS stack
 * would), or, without one, of a fresh EC public key's DER, so it looks like a real one.
 */
export function dtlsFingerprint(certPem?: string | Buffer): string {
  if (certPem !== undefined) return `sha-256 ${new X509Certificate(certPem).fingerprint256}`;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return `sha-256 ${hex.match(/../g)?.join(':') ?? hex}`;
}

/** Options of {@link webRtcAnswer}. */
export interface WebRtcAnswerOptions {
  /** Address of the ICE host candidate and c= line. */
  host: string;
  /** Port of the candidate (nothing listens there: no media). */
  port: number;
  /** `sha-256 AB:CD:...` (see {@link dtlsFingerprint}). */
  fingerprint: string;
}

/** Codecs we accept, by rtpmap encoding name (lower case), in our order of preference. */
const KNOWN_CODECS = ['opus', 'pcmu', 'pcma'];

/**
 * The answer to a WebRTC offer.
 * @throws SipParseError (status 488) if the offer is not SDP.
 */
export function webRtcAnswer(offer: Buffer | string, options: WebRtcAnswerOptions): string {
  const session = parseSdp(offer);
  const family = options.host.includes(':') ? 'IP6' : 'IP4';
  const ufrag = randomBytes(6).toString('base64url').slice(0, 8);
  const pwd = randomBytes(18).toString('base64url').slice(0, 24);
  const sections: string[][] = [];
  const bundled: string[] = [];
  for (const [index, media] of session.media.entries()) {
    const mid = media.mid === undefined ? String(index) : String(media.mid);
    const codec = media.type === 'audio' && media.port !== 0 ? pickCodec(media) : undefined;
    if (codec === undefined) {
      // RFC 3264 §6: a rejected stream keeps its place with port 0
      sections.push([`m=${media.type} 0 ${media.protocol} ${String(media.payloads ?? '0').split(' ')[0]}`, `c=IN ${family} ${options.host}`, `a=mid:${mid}`, 'a=inactive']);
      continue;
    }
    bundled.push(mid);
    const lines = [
      `m=audio ${options.port} ${media.protocol} ${codec.payload}`,
      `c=IN ${family} ${options.host}`,
      `a=rtcp:${options.port} IN ${family} ${options.host}`,
      // RFC 8839 §5.1: one host candidate; ice-lite (session level) says we do not gather more
      `a=candidate:1 1 udp 2130706431 ${options.host} ${options.port} typ host`,
      'a=end-of-candidates',
      `a=ice-ufrag:${ufrag}`,
      `a=ice-pwd:${pwd}`,
      `a=fingerprint:${options.fingerprint}`,
      // RFC 8842 §5.3: an answer to actpass picks active or passive
      'a=setup:passive',
      `a=mid:${mid}`,
      answerDirection(media),
      'a=rtcp-mux',
      `a=rtpmap:${codec.payload} ${codec.rtpmap}`,
    ];
    if (codec.fmtp !== undefined) lines.push(`a=fmtp:${codec.payload} ${codec.fmtp}`);
    sections.push(lines);
  }
  const head = [
    'v=0',
    `o=tsip ${Date.now()} 1 IN ${family} ${options.host}`,
    's=tsip uas',
    't=0 0',
    'a=ice-lite',
    ...(bundled.length > 0 ? [`a=group:BUNDLE ${bundled.join(' ')}`] : []),
    'a=msid-semantic: WMS',
  ];
  return [...head, ...sections.flat(), ''].join('\r\n');
}

/** The first offered payload whose codec we know, with its rtpmap and fmtp. */
function pickCodec(media: SdpMedia): { payload: number; rtpmap: string; fmtp?: string } | undefined {
  const payloads = String(media.payloads ?? '').split(' ').filter(Boolean).map(Number);
  const rtp = media.rtp ?? [];
  for (const name of KNOWN_CODECS) {
    for (const payload of payloads) {
      const map = rtp.find((r) => r.payload === payload);
      const codec = map?.codec.toLowerCase() ?? (payload === 0 ? 'pcmu' : payload === 8 ? 'pcma' : undefined);
      if (codec !== name) continue;
      const rate = map?.rate ?? 8000;
      const rtpmap = `${map?.codec ?? name.toUpperCase()}/${rate}${map?.encoding === undefined ? '' : `/${map.encoding}`}`;
      const fmtp = media.fmtp?.find((f) => f.payload === payload)?.config;
      return { payload, rtpmap, fmtp };
    }
  }
  return undefined;
}

/** RFC 3264 §6.1: the answer's direction mirrors the offer's. */
function answerDirection(media: SdpMedia): string {
  switch (media.direction) {
    case 'sendonly':
      return 'a=recvonly';
    case 'recvonly':
      return 'a=sendonly';
    case 'inactive':
      return 'a=inactive';
    default:
      return 'a=sendrecv';
  }
}
