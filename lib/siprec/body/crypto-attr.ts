/**
 * SDES (RFC 4568): the `a=crypto:<tag> <suite> inline:<key||salt>[|lifetime][|MKI:length]
 * [<session-params>]` attribute, and the offer/answer rules of §5 and §6.1 for the SRTP suites
 * tsip speaks (AES_CM_128_HMAC_SHA1_80 / _32, §6.2).
 */
import { randomBytes } from 'node:crypto';
import type { SdpMedia } from '../../message/index.js';
import { isSrtpSuite, SRTP_SUITES, type SrtpKeyMaterial, type SrtpSuite } from '../media/srtp/index.js';

/** One a=crypto line. */
export interface CryptoAttr {
  /** Tag (RFC 4568 §4.1: 1-9 digits; the answer echoes the one it picks). */
  tag: number;
  /** Crypto suite as written (it may be one tsip does not know). */
  suite: string;
  /** The first inline key-params' master key || master salt (base64-decoded). */
  keySalt: Buffer;
  /** Master key lifetime in packets, when given (`2^20` or decimal). */
  lifetime?: number;
  /** MKI value and length in octets, when given. */
  mki?: { value: number; length: number };
  /** Session parameters (e.g. `KDR=1`, `UNENCRYPTED_SRTP`), as written. */
  sessionParams: string[];
}

/**
 * Parses the value of an a=crypto attribute (after `crypto:`). Returns undefined when it is not
 * an inline key of the right shape (never throws: it is network input).
 */
export function parseCryptoAttr(value: string): CryptoAttr | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts.length < 3 || !/^\d{1,9}$/.test(parts[0])) return undefined;
  // RFC 4568 §9.1: several key-params are ';'-separated; the first is used (no MKI switching).
  const kp = parts[2].split(';')[0];
  const m = /^inline:([A-Za-z0-9+/=]+)(?:\|([^|]*))?(?:\|([^|]*))?$/.exec(kp);
  if (!m) return undefined;
  const out: CryptoAttr = { tag: Number(parts[0]), suite: parts[1], keySalt: Buffer.from(m[1], 'base64'), sessionParams: parts.slice(3) };
  for (const field of [m[2], m[3]]) {
    if (field === undefined) continue;
    const mki = /^(\d+):(\d+)$/.exec(field);
    if (mki) {
      const length = Number(mki[2]);
      if (length < 1 || length > 128) return undefined;
      out.mki = { value: Number(mki[1]), length };
      continue;
    }
    const pow = /^2\^(\d+)$/.exec(field);
    if (pow) out.lifetime = 2 ** Number(pow[1]);
    else if (/^\d+$/.test(field)) out.lifetime = Number(field);
    else return undefined;
  }
  return out;
}

/** Writes the value of an a=crypto attribute (after `crypto:`). */
export function formatCryptoAttr(c: CryptoAttr): string {
  let kp = `inline:${c.keySalt.toString('base64')}`;
  if (c.lifetime !== undefined) {
    const log = Math.log2(c.lifetime);
    kp += `|${Number.isInteger(log) ? `2^${log}` : String(c.lifetime)}`;
  }
  if (c.mki) kp += `|${c.mki.value}:${c.mki.length}`;
  return [String(c.tag), c.suite, kp, ...c.sessionParams].join(' ');
}

/** The a=crypto lines of an m-line that parse (as sdp-transform read them). */
export function cryptoAttrsOf(m: SdpMedia): CryptoAttr[] {
  const list = (m as { crypto?: { id: number; suite: string; config: string; sessionConfig?: string }[] }).crypto ?? [];
  return list.flatMap((c) => {
    const a = parseCryptoAttr(`${c.id} ${c.suite} ${c.config}${c.sessionConfig ? ` ${c.sessionConfig}` : ''}`);
    return a ? [a] : [];
  });
}

/** Puts a=crypto lines on an m-line (replacing any). */
export function setCryptoAttrs(m: SdpMedia, attrs: readonly CryptoAttr[]): void {
  (m as { crypto?: unknown[] }).crypto = attrs.map((c) => {
    const [id, suite, config, ...rest] = formatCryptoAttr(c).split(' ');
    return { id: Number(id), suite, config, ...(rest.length ? { sessionConfig: rest.join(' ') } : {}) };
  });
}

/** A fresh a=crypto with a random master key and salt (RFC 4568 §6.1: a new key per direction). */
export function newCryptoAttr(tag: number, suite: SrtpSuite): CryptoAttr & { suite: SrtpSuite } {
  const p = SRTP_SUITES[suite];
  return { tag, suite, keySalt: randomBytes(p.keyLength + p.saltLength), sessionParams: [] };
}

/**
 * True when tsip can use the line: a known suite, a key of its length, no session parameter that
 * changes the transform (RFC 4568 §6.3: KDR other than 0, UNENCRYPTED_SRTP/SRTCP,
 * UNAUTHENTICATED_SRTP; WSH and FEC_ORDER=FEC_SRTP do not).
 */
export function usableCrypto(c: CryptoAttr): c is CryptoAttr & { suite: SrtpSuite } {
  if (!isSrtpSuite(c.suite)) return false;
  const p = SRTP_SUITES[c.suite];
  if (c.keySalt.length !== p.keyLength + p.saltLength) return false;
  return c.sessionParams.every((s) => /^WSH=\d+$/.test(s) || s === 'FEC_ORDER=FEC_SRTP' || s === 'KDR=0');
}

/** The SRTP key material of a usable line. */
export function keyMaterialOf(c: CryptoAttr & { suite: SrtpSuite }): SrtpKeyMaterial {
  const p = SRTP_SUITES[c.suite];
  return {
    suite: c.suite, masterKey: c.keySalt.subarray(0, p.keyLength), masterSalt: c.keySalt.subarray(p.keyLength, p.keyLength + p.saltLength),
    ...(c.mki ? { mki: c.mki } : {}),
  };
}

/** The answerer's choice: the offered line it takes and its own line for the answer. */
export interface CryptoChoice {
  /** The offer's line (the offerer's key: what we receive with). */
  offered: CryptoAttr & { suite: SrtpSuite };
  /** Our line for the answer: same tag and suite, our own key (what we would send with). */
  answer: CryptoAttr & { suite: SrtpSuite };
}

/**
 * RFC 4568 §5.1.2 / §6.1: the answerer takes the first offered line it supports (in offer order,
 * the offerer's preference), restricted to `accept` when given, and answers with the same tag and
 * suite and a key of its own. Undefined when none is acceptable.
 */
export function answerCrypto(offered: readonly CryptoAttr[], accept?: readonly SrtpSuite[]): CryptoChoice | undefined {
  const pick = offered.find((c): c is CryptoAttr & { suite: SrtpSuite } => usableCrypto(c) && (accept === undefined || accept.includes(c.suite)));
  if (!pick) return undefined;
  return { offered: pick, answer: newCryptoAttr(pick.tag, pick.suite) };
}

/**
 * The offerer reads the answer (RFC 4568 §5.1.3): exactly one line whose tag is one it offered,
 * with that line's suite. Returns the pair, or undefined when the answer took none of them.
 */
export function matchCryptoAnswer(offered: readonly CryptoAttr[], answered: readonly CryptoAttr[]): CryptoChoice | undefined {
  for (const a of answered) {
    const o = offered.find((x) => x.tag === a.tag);
    if (o && o.suite === a.suite && usableCrypto(o) && usableCrypto(a)) return { offered: o as CryptoAttr & { suite: SrtpSuite }, answer: a };
  }
  return undefined;
}
