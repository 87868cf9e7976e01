/**
 * RTP packets (RFC 3550 §5.1): parse and build, with typed errors for bad
 * packets, and RTP/RTCP demultiplexing by payload type (RFC 5761 §4).
 */
import { MediaError, MediaErrorCode } from './errors.js';

/** An RTP header extension (RFC 3550 §5.3.1). */
export interface RtpExtension {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte headers). */
  profile: number;
  /** Extension data; its length is a multiple of 4 bytes. */
  data: Buffer;
}

/** A parsed or to-be-built RTP packet. */
export interface RtpPacket {
  /** Marker bit (start of a talkspurt for audio). */
  marker: boolean;
  /** 7-bit payload type. */
  payloadType: number;
  /** 16-bit sequence number. */
  sequenceNumber: number;
  /** 32-bit timestamp in clock-rate units. */
  timestamp: number;
  /** 32-bit synchronisation source. */
  ssrc: number;
  /** Contributing sources (at most 15). */
  csrcs: number[];
  /** Header extension, when the X bit is set. */
  extension?: RtpExtension;
  /** Payload, without padding. */
  payload: Buffer;
  /** Number of padding bytes (including the count byte); 0 = no padding. */
  paddingLength?: number;
}

const HEADER = 12;

/**
 * True when `buf` looks like RTCP rather than RTP on a multiplexed port:
 * second byte (PT incl. marker) in 192..223 (RFC 5761 §4).
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  return buf.length >= 2 && (buf[0] >> 6) === 2 && buf[1] >= 192 && buf[1] <= 223;
}

/** Parses an RTP packet. Throws {@link MediaError} for malformed input. The payload is a view of `buf`. */
export function parseRtp(input: Uint8Array): RtpPacket {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < HEADER) throw new MediaError(MediaErrorCode.PacketTooShort, `RTP packet of ${buf.length} bytes`);
  const b0 = buf[0];
  if (b0 >> 6 !== 2) throw new MediaError(MediaErrorCode.BadVersion, `RTP version ${b0 >> 6}`);
  const cc = b0 & 0x0f;
  let offset = HEADER + cc * 4;
  if (buf.length < offset) throw new MediaError(MediaErrorCode.PacketTooShort, `RTP packet too short for ${cc} CSRCs`);
  const csrcs: number[] = [];
  for (let i = 0; i < cc; i++) csrcs.push(buf.readUInt32BE(HEADER + i * 4));
  let extension: RtpExtension | undefined;
  if (b0 & 0x10) {
    if (buf.length < offset + 4) throw new MediaError(MediaErrorCode.BadExtension, 'RTP extension header truncated');
    const profile = buf.readUInt16BE(offset);
    const words = buf.readUInt16BE(offset + 2);
    const end = offset + 4 + words * 4;
    if (buf.length < end) throw new MediaError(MediaErrorCode.BadExtension, 'RTP extension runs past the packet');
    extension = { profile, data: buf.subarray(offset + 4, end) };
    offset = end;
  }
  let end = buf.length;
  let paddingLength = 0;
  if (b0 & 0x20) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    paddingLength = buf[buf.length - 1];
    if (paddingLength === 0 || offset + paddingLength > buf.length) {
      throw new MediaError(MediaErrorCode.BadPadding, `RTP padding ${paddingLength} invalid`);
    }
    end -= paddingLength;
  }
  const pkt: RtpPacket = {
    marker: (buf[1] & 0x80) !== 0,
    payloadType: buf[1] & 0x7f,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrcs,
    payload: buf.subarray(offset, end),
  };
  if (extension) pkt.extension = extension;
  if (paddingLength) pkt.paddingLength = paddingLength;
  return pkt;
}

function checkUint(name: string, v: number, bits: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) {
    throw new MediaError(MediaErrorCode.InvalidField, `RTP ${name} ${v} is not a ${bits}-bit unsigned integer`);
  }
}

/** Serialises an RTP packet (version 2). Throws {@link MediaError} (InvalidField) for out-of-range fields. */
export function buildRtp(p: RtpPacket): Buffer {
  checkUint('payload type', p.payloadType, 7);
  checkUint('sequence number', p.sequenceNumber, 16);
  checkUint('timestamp', p.timestamp, 32);
  checkUint('SSRC', p.ssrc, 32);
  if (p.csrcs.length > 15) throw new MediaError(MediaErrorCode.InvalidField, 'RTP allows at most 15 CSRCs');
  p.csrcs.forEach((c) => checkUint('CSRC', c, 32));
  const ext = p.extension;
  if (ext) {
    checkUint('extension profile', ext.profile, 16);
    if (ext.data.length % 4 !== 0) throw new MediaError(MediaErrorCode.InvalidField, 'RTP extension data must be a multiple of 4 bytes');
  }
  const pad = p.paddingLength ?? 0;
  checkUint('padding length', pad, 8);
  const extLen = ext ? 4 + ext.data.length : 0;
  const buf = Buffer.alloc(HEADER + p.csrcs.length * 4 + extLen + p.payload.length + pad);
  buf[0] = 0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | p.csrcs.length;
  buf[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  buf.writeUInt16BE(p.sequenceNumber, 2);
  buf.writeUInt32BE(p.timestamp, 4);
  buf.writeUInt32BE(p.ssrc, 8);
  let o = HEADER;
  for (const c of p.csrcs) { buf.writeUInt32BE(c, o); o += 4; }
  if (ext) {
    buf.writeUInt16BE(ext.profile, o);
    buf.writeUInt16BE(ext.data.length / 4, o + 2);
    ext.data.copy(buf, o + 4);
    o += extLen;
  }
  p.payload.copy(buf, o);
  if (pad) buf[buf.length - 1] = pad;
  return buf;
}
