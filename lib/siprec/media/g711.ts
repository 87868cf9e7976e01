/**
 * G.711 µ-law and A-law (ITU-T G.711) to and from 16-bit linear PCM.
 * µ-law uses the classic bias-0x84 segment encoder (14-bit magnitude);
 * A-law the 13-bit segment encoder with even-bit inversion (0x55).
 */

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

/** Encodes one 16-bit PCM sample to a µ-law byte. */
export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > ULAW_CLIP) s = ULAW_CLIP;
  s += ULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one µ-law byte to a 16-bit PCM sample (0xFF → 0, 0x00 → -32124). */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
  return u & 0x80 ? -magnitude | 0 : magnitude;
}

/** Encodes one 16-bit PCM sample to an A-law byte. */
export function linearToAlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3; // 13-bit
  let sign = 0x80;
  if (s < 0) {
    sign = 0;
    s = -s - 1;
  }
  let out: number;
  if (s < 32) {
    out = s >> 1;
  } else {
    let exponent = 1;
    while (s >= 64 << (exponent - 1) && exponent < 7) exponent++;
    out = (exponent << 4) | ((s >> exponent) & 0x0f);
  }
  return (sign | out) ^ 0x55;
}

/** Decodes one A-law byte to a 16-bit PCM sample (0xD5 → 8, 0x55 → -8). */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (!(a & 0x80)) magnitude = -magnitude;
  return magnitude;
}

const ULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));

let ulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;

/** 64 KiB table indexed by the sample's 16-bit two's complement bits, built on first use. */
function encodeTable(f: (s: number) => number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) t[i] = f(i < 32768 ? i : i - 65536);
  return t;
}

/** Encodes PCM samples to µ-law (PT 0, PCMU). */
export function encodeUlaw(pcm: Int16Array): Buffer {
  const table = (ulawEncodeTable ??= encodeTable(linearToUlaw));
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[pcm[i] & 0xffff];
  return out;
}

/** Decodes µ-law bytes (PT 0, PCMU) to PCM samples. */
export function decodeUlaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_TABLE[bytes[i]];
  return out;
}

/** Encodes PCM samples to A-law (PT 8, PCMA). */
export function encodeAlaw(pcm: Int16Array): Buffer {
  const table = (alawEncodeTable ??= encodeTable(linearToAlaw));
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[pcm[i] & 0xffff];
  return out;
}

/** Decodes A-law bytes (PT 8, PCMA) to PCM samples. */
export function decodeAlaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_TABLE[bytes[i]];
  return out;
}

/** Static payload types of G.711 (RFC 3551 §6). */
export const G711PayloadType = { PCMU: 0, PCMA: 8 } as const;

/** Decodes a G.711 payload by its static payload type; undefined for other types. */
export function decodeG711(payloadType: number, payload: Uint8Array): Int16Array | undefined {
  if (payloadType === G711PayloadType.PCMU) return decodeUlaw(payload);
  if (payloadType === G711PayloadType.PCMA) return decodeAlaw(payload);
  return undefined;
}

/** Encodes PCM for a G.711 payload type (0 or 8). */
export function encodeG711(payloadType: 0 | 8, pcm: Int16Array): Buffer {
  return payloadType === G711PayloadType.PCMU ? encodeUlaw(pcm) : encodeAlaw(pcm);
}
