/**
 * Payload formats of recorded streams: the static RTP/AVP table (RFC 3551 §6) for m-lines that
 * carry no rtpmap, and reading the formats of an SDP m-line.
 */
import type { SdpMedia } from '../../message/index.js';
import type { RecordedCodec } from '../../../include-types/siprec.js';

/** RFC 3551 §6 static audio/video payload types an SRC may offer without an rtpmap. */
const STATIC: Record<number, { name: string; clockRate: number }> = {
  0: { name: 'PCMU', clockRate: 8000 },
  3: { name: 'GSM', clockRate: 8000 },
  4: { name: 'G723', clockRate: 8000 },
  8: { name: 'PCMA', clockRate: 8000 },
  9: { name: 'G722', clockRate: 8000 },
  13: { name: 'CN', clockRate: 8000 },
  18: { name: 'G729', clockRate: 8000 },
  26: { name: 'JPEG', clockRate: 90000 },
  31: { name: 'H261', clockRate: 90000 },
  34: { name: 'H263', clockRate: 90000 },
};

/** The default codecs an SRC offers for an audio stream: PCMU and PCMA. */
export const DEFAULT_AUDIO_CODECS: readonly RecordedCodec[] = [
  { payloadType: 0, name: 'PCMU', clockRate: 8000 },
  { payloadType: 8, name: 'PCMA', clockRate: 8000 },
];

/** The payload types listed on an m-line, in order. */
export function payloadTypes(m: SdpMedia): number[] {
  const raw = m.payloads === undefined ? '' : String(m.payloads);
  return raw.split(/\s+/).filter((x) => /^\d+$/.test(x)).map(Number);
}

/** The formats of an m-line: rtpmap where given, else the static table; unknown ones are named `?`. */
export function mediaCodecs(m: SdpMedia): RecordedCodec[] {
  return payloadTypes(m).map((pt) => {
    const map = m.rtp.find((r) => r.payload === pt);
    if (map) return { payloadType: pt, name: map.codec, clockRate: map.rate ?? 8000 };
    const st = STATIC[pt];
    return st ? { payloadType: pt, ...st } : { payloadType: pt, name: '?', clockRate: 0 };
  });
}
