/**
 * The digest computation of RFC 7616 §3.4 (and RFC 2617 §3.2.2, RFC 3261 §22.4 for SIP):
 * A1, A2, HA1, HA2 and the request-digest.
 * @module
 */
import { type DigestAlgorithm, type DigestQop, digestHash, isSessionAlgorithm } from './algorithms.js';

/** What the client knows: a password, or H(username:realm:password) stored instead of it. */
export type DigestSecret = { password: string } | { ha1: string };

/** Everything the request-digest depends on. */
export interface DigestInput {
  algorithm: DigestAlgorithm;
  /** The username as known to the server (before userhash). */
  username: string;
  realm: string;
  secret: DigestSecret;
  nonce: string;
  /** The request method (for SIP the CSeq method; ACK and CANCEL use INVITE's credentials). */
  method: string;
  /** The digest-uri: the Request-URI as sent. */
  uri: string;
  /** Absent = RFC 2069 compatibility (no cnonce, no nc). */
  qop?: DigestQop;
  /** Required with qop and for -sess algorithms. */
  cnonce?: string;
  /** The nonce count as 8 hex digits; required with qop. */
  nc?: string;
  /** The entity body, for qop=auth-int (empty when absent). */
  body?: Buffer | string;
}

/** H(username:realm:password), the secret a server may store instead of the password. */
export function computeBaseHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** HA1 = H(A1), with the -sess variant's nonce and cnonce (RFC 7616 §3.4.2). */
export function computeHa1(input: DigestInput): string {
  const base = 'password' in input.secret ? computeBaseHa1(input.algorithm, input.username, input.realm, input.secret.password) : input.secret.ha1.toLowerCase();
  if (!isSessionAlgorithm(input.algorithm)) return base;
  // RFC 7616 §3.4.2: A1 = H(user:realm:pass) ":" nonce ":" cnonce for the -sess algorithms.
  if (input.cnonce === undefined) throw new TypeError(`${input.algorithm} needs a cnonce`);
  return digestHash(input.algorithm, `${base}:${input.nonce}:${input.cnonce}`);
}

/** HA2 = H(A2); for auth-int A2 includes H(entity-body) (RFC 7616 §3.4.3). */
export function computeHa2(input: DigestInput): string {
  if (input.qop === 'auth-int') {
    const body = input.body ?? '';
    return digestHash(input.algorithm, `${input.method}:${input.uri}:${digestHash(input.algorithm, body)}`);
  }
  return digestHash(input.algorithm, `${input.method}:${input.uri}`);
}

/** The request-digest (the `response` parameter), lower-case hex (RFC 7616 §3.4.1). */
export function computeDigestResponse(input: DigestInput): string {
  const ha1 = computeHa1(input);
  const ha2 = computeHa2(input);
  if (input.qop === undefined) {
    // RFC 2617 §3.2.2.1 / RFC 2069: no qop, so KD(HA1, nonce:HA2).
    return digestHash(input.algorithm, `${ha1}:${input.nonce}:${ha2}`);
  }
  if (input.cnonce === undefined || input.nc === undefined) throw new TypeError('qop needs cnonce and nc');
  return digestHash(input.algorithm, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** The `username` parameter when the server asked for userhash: H(username:realm) (RFC 7616 §3.4.4). */
export function computeUserhash(algorithm: DigestAlgorithm, username: string, realm: string): string {
  return digestHash(algorithm, `${username}:${realm}`);
}

/** The nonce count as RFC 7616 §3.4 writes it: 8 lower-case hex digits. */
export function formatNonceCount(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new RangeError('nonce count must be 1..2^32-1');
  return n.toString(16).padStart(8, '0');
}
