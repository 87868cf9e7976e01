/**
 * SRTP and SRTCP packet protection (RFC 3711) for one SDES master key, one direction: a
 * {@link SrtpSender} protects what we send, an {@link SrtpReceiver} checks and decrypts what
 * arrives. Session keys are derived once (key derivation rate 0, §4.3); each SSRC gets its own
 * state (§3.2.3: ROC and highest sequence number, replay list, SRTCP index).
 *
 * SRTP (§3.1): header in the clear, payload (with any padding) AES-CM encrypted, then the MKI if
 * one is in use, then the HMAC-SHA1 tag over header || encrypted payload || ROC (§4.2).
 * SRTCP (§3.4): the first 8 octets in the clear, the rest encrypted, then E flag || 31-bit SRTCP
 * index, MKI, tag over everything before the MKI.
 *
 * Nothing from the network throws: unprotect returns a verdict ({@link SrtpVerdict}).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { aesCmXor, counterBlock, deriveSessionKey, KdfLabel } from './kdf.js';
import { ReplayWindow } from './replay.js';
import { SRTP_SUITES, type SrtpSuite, type SuiteParams } from './suites.js';

/** A master key as SDES carries it (RFC 4568 §6.1 key-params). */
export interface SrtpKeyMaterial {
  /** Crypto suite. */
  suite: SrtpSuite;
  /** Master key (16 octets). */
  masterKey: Uint8Array;
  /** Master salt (14 octets). */
  masterSalt: Uint8Array;
  /** MKI carried in every packet (RFC 3711 §3.1), when the a=crypto named one. */
  mki?: { value: number; length: number };
}

/** Why a packet was refused. */
export const SrtpFailure = {
  /** Too short for its header, tag and (SRTCP) index, or not version 2. */
  Malformed: 'malformed',
  /** The authentication tag does not match (tampered, wrong key, or a wrong ROC guess). */
  Auth: 'auth',
  /** Already received, or older than the 64-packet window (RFC 3711 §3.3.2). */
  Replay: 'replay',
  /** The MKI is not the one of this key. */
  UnknownMki: 'unknownMki',
} as const;
/** One of the {@link SrtpFailure} values. */
export type SrtpFailure = (typeof SrtpFailure)[keyof typeof SrtpFailure];

/** What unprotecting one packet gave. */
export type SrtpVerdict =
  | { ok: true; packet: Buffer; index: number }
  | { ok: false; failure: SrtpFailure };

interface SessionKeys {
  enc: Buffer;
  auth: Buffer;
  salt: Buffer;
}

/** The six session keys of a master key (RFC 3711 §4.3.1, §4.3.2). */
export function deriveKeys(km: SrtpKeyMaterial): { rtp: SessionKeys; rtcp: SessionKeys; params: SuiteParams } {
  const p = SRTP_SUITES[km.suite];
  if (km.masterKey.length !== p.keyLength || km.masterSalt.length !== p.saltLength) {
    throw new RangeError(`${km.suite} needs a ${p.keyLength}-octet key and a ${p.saltLength}-octet salt`);
  }
  const d = (label: number, n: number): Buffer => deriveSessionKey(km.masterKey, km.masterSalt, label, n);
  return {
    rtp: { enc: d(KdfLabel.RtpEncryption, p.keyLength), auth: d(KdfLabel.RtpAuth, p.authKeyLength), salt: d(KdfLabel.RtpSalt, p.saltLength) },
    rtcp: { enc: d(KdfLabel.RtcpEncryption, p.keyLength), auth: d(KdfLabel.RtcpAuth, p.authKeyLength), salt: d(KdfLabel.RtcpSalt, p.saltLength) },
    params: p,
  };
}

function mkiBytes(km: SrtpKeyMaterial): Buffer {
  if (!km.mki || km.mki.length === 0) return Buffer.alloc(0);
  const b = Buffer.alloc(km.mki.length);
  let v = km.mki.value;
  for (let i = km.mki.length - 1; i >= 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return b;
}

function tag(key: Buffer, parts: readonly Uint8Array[], length: number): Buffer {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, length);
}

function rocBytes(roc: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(roc >>> 0, 0);
  return b;
}

/**
 * Length of an RTP header (fixed part, CSRCs, extension), or -1 when the packet is not RTP v2 or
 * too short for it.
 */
export function rtpHeaderLength(pkt: Uint8Array): number {
  if (pkt.length < 12 || pkt[0] >> 6 !== 2) return -1;
  let n = 12 + 4 * (pkt[0] & 0x0f);
  if (pkt[0] & 0x10) {
    if (pkt.length < n + 4) return -1;
    n += 4 + 4 * ((pkt[n + 2] << 8) | pkt[n + 3]);
  }
  return n > pkt.length ? -1 : n;
}

/** Per-SSRC sending state. */
interface SendState {
  roc: number;
  lastSeq: number;
  rtcpIndex: number;
}

/** Protects outgoing RTP and RTCP with one master key. */
export class SrtpSender {
  private readonly keys: ReturnType<typeof deriveKeys>;
  private readonly mki: Buffer;
  private readonly states = new Map<number, SendState>();

  /** @throws RangeError for a key or salt of the wrong length (our own settings, not network input) */
  constructor(km: SrtpKeyMaterial) {
    this.keys = deriveKeys(km);
    this.mki = mkiBytes(km);
  }

  private state(ssrc: number): SendState {
    let s = this.states.get(ssrc);
    if (!s) {
      s = { roc: 0, lastSeq: -1, rtcpIndex: 0 };
      this.states.set(ssrc, s);
    }
    return s;
  }

  /**
   * Protects one RTP packet (RFC 3711 §3.3). The sender's ROC counts each wrap of the sequence
   * numbers it sends (§3.3.1); a packet sent out of order just after a wrap keeps the older ROC.
   * Returns undefined for something that is not an RTP packet.
   */
  protectRtp(pkt: Uint8Array): Buffer | undefined {
    const hl = rtpHeaderLength(pkt);
    if (hl < 0) return undefined;
    const ssrc = Buffer.from(pkt.buffer, pkt.byteOffset, pkt.length).readUInt32BE(8);
    const seq = (pkt[2] << 8) | pkt[3];
    const st = this.state(ssrc);
    let roc = st.roc;
    if (st.lastSeq >= 0) {
      if (seq < st.lastSeq && st.lastSeq - seq > 0x8000) roc = st.roc + 1; // wrapped forward
      else if (seq > st.lastSeq && seq - st.lastSeq > 0x8000) roc = Math.max(0, st.roc - 1); // late, before the wrap
    }
    if (roc > st.roc || st.lastSeq < 0 || (roc === st.roc && seq > st.lastSeq)) {
      st.roc = roc;
      st.lastSeq = seq;
    }
    const index = roc * 0x10000 + seq;
    const k = this.keys.rtp;
    const out = Buffer.alloc(pkt.length + this.mki.length + this.keys.params.rtpTagLength);
    out.set(pkt, 0);
    const body = out.subarray(hl, pkt.length);
    aesCmXor(k.enc, counterBlock(k.salt, ssrc, index), body);
    this.mki.copy(out, pkt.length);
    tag(k.auth, [out.subarray(0, pkt.length), rocBytes(roc)], this.keys.params.rtpTagLength).copy(out, pkt.length + this.mki.length);
    return out;
  }

  /**
   * Protects one RTCP compound packet (RFC 3711 §3.4): encrypted (E = 1) with the next SRTCP
   * index of its sender SSRC. Returns undefined for something shorter than an RTCP header + SSRC.
   */
  protectRtcp(pkt: Uint8Array): Buffer | undefined {
    if (pkt.length < 8 || pkt[0] >> 6 !== 2) return undefined;
    const ssrc = Buffer.from(pkt.buffer, pkt.byteOffset, pkt.length).readUInt32BE(4);
    const st = this.state(ssrc);
    const index = st.rtcpIndex;
    st.rtcpIndex = (st.rtcpIndex + 1) % 0x80000000;
    const k = this.keys.rtcp;
    const tagLen = this.keys.params.rtcpTagLength;
    const out = Buffer.alloc(pkt.length + 4 + this.mki.length + tagLen);
    out.set(pkt, 0);
    aesCmXor(k.enc, counterBlock(k.salt, ssrc, index), out.subarray(8, pkt.length));
    out.writeUInt32BE((0x80000000 | index) >>> 0, pkt.length);
    this.mki.copy(out, pkt.length + 4);
    tag(k.auth, [out.subarray(0, pkt.length + 4)], tagLen).copy(out, pkt.length + 4 + this.mki.length);
    return out;
  }
}

/** Per-SSRC receiving state (RFC 3711 §3.2.3). */
interface RecvState {
  roc: number;
  /** s_l: highest sequence number authenticated. */
  sl: number;
  rtp: ReplayWindow;
  rtcp: ReplayWindow;
}

/** Counters of a receiver. */
export interface SrtpReceiverStats {
  /** Packets (RTP + RTCP) that passed. */
  ok: number;
  /** Packets whose tag did not match. */
  authFailures: number;
  /** Replayed or too old packets. */
  replays: number;
  /** Packets too short, not v2, or with a foreign MKI. */
  malformed: number;
}

/** Checks and decrypts incoming SRTP and SRTCP with one master key. */
export class SrtpReceiver {
  /** Counters. */
  readonly stats: SrtpReceiverStats = { ok: 0, authFailures: 0, replays: 0, malformed: 0 };
  private readonly keys: ReturnType<typeof deriveKeys>;
  private readonly mki: Buffer;
  private readonly states = new Map<number, RecvState>();

  /** @throws RangeError for a key or salt of the wrong length (our own settings, not network input) */
  constructor(km: SrtpKeyMaterial) {
    this.keys = deriveKeys(km);
    this.mki = mkiBytes(km);
  }

  private fail(failure: SrtpFailure): SrtpVerdict {
    if (failure === SrtpFailure.Auth) this.stats.authFailures++;
    else if (failure === SrtpFailure.Replay) this.stats.replays++;
    else this.stats.malformed++;
    return { ok: false, failure };
  }

  /**
   * Unprotects one SRTP packet: ROC estimated from the highest sequence number seen (RFC 3711
   * Appendix A), replay checked (§3.3.2), tag checked, payload decrypted; the state moves only for
   * a packet that authenticated. The first packet of an SSRC starts its state (ROC 0).
   */
  unprotectRtp(data: Uint8Array): SrtpVerdict {
    const tagLen = this.keys.params.rtpTagLength;
    const tail = this.mki.length + tagLen;
    if (data.length < 12 + tail) return this.fail(SrtpFailure.Malformed);
    const plainLen = data.length - tail;
    const hl = rtpHeaderLength(data.subarray(0, plainLen));
    if (hl < 0) return this.fail(SrtpFailure.Malformed);
    const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
    if (this.mki.length && !buf.subarray(plainLen, plainLen + this.mki.length).equals(this.mki)) return this.fail(SrtpFailure.UnknownMki);
    const ssrc = buf.readUInt32BE(8);
    const seq = buf.readUInt16BE(2);
    const st = this.states.get(ssrc);
    const roc0 = st?.roc ?? 0;
    const sl = st !== undefined && st.sl >= 0 ? st.sl : seq;
    // RFC 3711 Appendix A: the ROC guess v.
    let v = roc0;
    if (sl < 0x8000) {
      if (seq - sl > 0x8000) v = roc0 - 1;
    } else if (sl - 0x8000 > seq) v = roc0 + 1;
    if (v < 0) return this.fail(SrtpFailure.Replay); // from before the first packet we saw
    const index = v * 0x10000 + seq;
    if (st && !st.rtp.check(index)) return this.fail(SrtpFailure.Replay);
    const k = this.keys.rtp;
    const want = tag(k.auth, [buf.subarray(0, plainLen), rocBytes(v)], tagLen);
    const got = buf.subarray(plainLen + this.mki.length);
    if (!timingSafeEqual(want, got)) return this.fail(SrtpFailure.Auth);
    const out = Buffer.from(buf.subarray(0, plainLen));
    aesCmXor(k.enc, counterBlock(k.salt, ssrc, index), out.subarray(hl));
    const s = st ?? { roc: 0, sl: seq, rtp: new ReplayWindow(), rtcp: new ReplayWindow() };
    if (!st) this.states.set(ssrc, s);
    // RFC 3711 §3.3.1: update ROC and s_l after authentication.
    if (s.sl < 0) s.sl = seq;
    else if (v === s.roc + 1) {
      s.roc = v;
      s.sl = seq;
    } else if (v === s.roc && seq > s.sl) s.sl = seq;
    s.rtp.accept(index);
    this.stats.ok++;
    return { ok: true, packet: out, index };
  }

  /** Unprotects one SRTCP packet (RFC 3711 §3.4): tag, replay of the SRTCP index, then decryption if E is set. */
  unprotectRtcp(data: Uint8Array): SrtpVerdict {
    const tagLen = this.keys.params.rtcpTagLength;
    const tail = 4 + this.mki.length + tagLen;
    if (data.length < 8 + tail || data[0] >> 6 !== 2) return this.fail(SrtpFailure.Malformed);
    const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
    const plainLen = data.length - tail;
    if (this.mki.length && !buf.subarray(plainLen + 4, plainLen + 4 + this.mki.length).equals(this.mki)) return this.fail(SrtpFailure.UnknownMki);
    const word = buf.readUInt32BE(plainLen);
    const encrypted = (word & 0x80000000) !== 0;
    const index = word & 0x7fffffff;
    const ssrc = buf.readUInt32BE(4);
    const st = this.states.get(ssrc);
    if (st && !st.rtcp.check(index)) return this.fail(SrtpFailure.Replay);
    const k = this.keys.rtcp;
    const want = tag(k.auth, [buf.subarray(0, plainLen + 4)], tagLen);
    if (!timingSafeEqual(want, buf.subarray(plainLen + 4 + this.mki.length))) return this.fail(SrtpFailure.Auth);
    const out = Buffer.from(buf.subarray(0, plainLen));
    if (encrypted) aesCmXor(k.enc, counterBlock(k.salt, ssrc, index), out.subarray(8));
    const s = st ?? { roc: 0, sl: -1, rtp: new ReplayWindow(), rtcp: new ReplayWindow() };
    if (!st) this.states.set(ssrc, s);
    s.rtcp.accept(index);
    this.stats.ok++;
    return { ok: true, packet: out, index };
  }
}
