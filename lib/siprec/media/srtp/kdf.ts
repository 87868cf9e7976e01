/**
 * RFC 3711 §4.1.1 AES Counter Mode keystream and §4.3 key derivation (the AES-CM PRF, key
 * derivation rate 0: session keys derived once per master key).
 */
import { createCipheriv } from 'node:crypto';

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const KdfLabel = {
  RtpEncryption: 0x00,
  RtpAuth: 0x01,
  RtpSalt: 0x02,
  RtcpEncryption: 0x03,
  RtcpAuth: 0x04,
  RtcpSalt: 0x05,
} as const;

/**
 * `length` octets of AES-CM keystream from the 16-octet counter block `iv` (RFC 3711 §4.1.1).
 * The counter's low 16 bits start at zero, so a segment under 2^16 blocks never carries past them.
 */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  return Buffer.concat([c.update(Buffer.alloc(length)), c.final()]);
}

/** XORs `data` in place with the AES-CM keystream of `iv`. */
export function aesCmXor(key: Uint8Array, iv: Uint8Array, data: Buffer): void {
  const c = createCipheriv(`aes-${key.length * 8}-ctr`, key, iv);
  const out = c.update(data);
  out.copy(data);
}

/**
 * One session key (RFC 3711 §4.3.1, §4.3.3): x = master salt XOR (label || r) with r = index DIV
 * kdr = 0, and the key is the first `length` octets of AES-CM(master key, x * 2^16).
 */
export function deriveSessionKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(masterSalt).copy(iv, 0, 0, 14);
  // key_id = label || r (7 octets, r = 48 zero bits) sits right-aligned under the 14-octet salt.
  iv[7] ^= label;
  return aesCmKeystream(masterKey, iv, length);
}

/**
 * The SRTP/SRTCP counter block (RFC 3711 §4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16),
 * with `index` the 48-bit packet index (SRTP) or the 31-bit SRTCP index.
 */
export function counterBlock(sessionSalt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  Buffer.from(sessionSalt).copy(iv, 0, 0, 14);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const hi = Math.floor(index / 2 ** 32) & 0xffff;
  const lo = index >>> 0;
  iv.writeUInt16BE(iv.readUInt16BE(8) ^ hi, 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ lo) >>> 0, 10);
  return iv;
}
