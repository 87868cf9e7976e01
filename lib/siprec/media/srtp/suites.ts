/**
 * The SRTP crypto suites tsip speaks (RFC 4568 §6.2): AES-CM with a 128-bit key and 112-bit salt
 * (RFC 3711 §4.1.1) and HMAC-SHA1 authentication (RFC 3711 §4.2), with an 80-bit or 32-bit SRTP
 * tag. SRTCP always carries the 80-bit tag (RFC 4568 §6.2.2 for _32).
 */

/** An SDES crypto suite name. */
export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/** Lengths of one suite, in octets. */
export interface SuiteParams {
  /** Master (and session) key length. */
  keyLength: number;
  /** Master (and session) salt length. */
  saltLength: number;
  /** Session authentication key length (HMAC-SHA1: 160 bits, RFC 3711 §4.3.1 n_a). */
  authKeyLength: number;
  /** SRTP authentication tag length. */
  rtpTagLength: number;
  /** SRTCP authentication tag length. */
  rtcpTagLength: number;
}

/** The suites, by name. */
export const SRTP_SUITES: Readonly<Record<SrtpSuite, SuiteParams>> = {
  AES_CM_128_HMAC_SHA1_80: { keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 10, rtcpTagLength: 10 },
  AES_CM_128_HMAC_SHA1_32: { keyLength: 16, saltLength: 14, authKeyLength: 20, rtpTagLength: 4, rtcpTagLength: 10 },
};

/** True for a suite name tsip supports (case-sensitive, as RFC 4568 §9.1 registers them). */
export function isSrtpSuite(name: string): name is SrtpSuite {
  return Object.prototype.hasOwnProperty.call(SRTP_SUITES, name);
}
