/**
 * Server-side Digest (RFC 3261 §22.1, §22.4; RFC 7616 §3.3, §3.5): challenges with stateless,
 * self-verifying nonces and the check of an `Authorization` value. Used by the SRS to authenticate
 * SRCs and by tests as the far end of the client code.
 *
 * A nonce is base64url(timestamp ‖ random ‖ HMAC-SHA-256(secret, timestamp ‖ random ‖ realm)[0..16]):
 * the server keeps no table to know it issued the nonce and when. Replay protection is a small
 * per-nonce record of the highest nonce count seen, dropped when the nonce expires.
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../include-types/settings.js';
import { parseUri } from '../../message/index.js';
import { type DigestAlgorithm, type DigestQop } from './algorithms.js';
import { quoteString } from './auth-params.js';
import { parseDigestCredentials } from './authorization.js';
import { computeDigestResponse, computeUserhash } from './compute.js';

/** How the server learns a user's secret. */
export type DigestUserLookup = (username: string, realm: string) => { password: string } | { ha1: string } | undefined;

/** Options of {@link DigestServer}. */
export interface DigestServerOptions {
  realm: string;
  /** Time source for nonce timestamps. */
  clock: Pick<Clock, 'now'>;
  /** HMAC key for nonces (default: 32 random bytes, so nonces die with the process). */
  secret?: Buffer;
  /** Algorithms to offer, most preferred first (default SHA-256 then MD5, RFC 8760 §2.4). */
  algorithms?: DigestAlgorithm[];
  /** qop options to offer (default ['auth']); [] = RFC 2069 mode. */
  qop?: DigestQop[];
  /** Opaque value to send and require back. */
  opaque?: string;
  /** How long a nonce is accepted, in ms (default 300 000). */
  nonceLifetimeMs?: number;
  /** Most nonces whose counts are remembered (default 10 000). */
  maxTrackedNonces?: number;
}

/** Options of one challenge. */
export interface ChallengeOptions {
  /** Set after a stale nonce with a correct digest (RFC 7616 §3.3). */
  stale?: boolean;
  /** Offer userhash (RFC 7616 §3.4.4). */
  userhash?: boolean;
}

/** The request to check. */
export interface VerifyRequest {
  method: string;
  /** The Request-URI as received. */
  uri: string;
  body?: Buffer | string;
  /** Where the user's secret comes from. */
  lookup: DigestUserLookup;
  /** Usernames to try when the client sent a userhash (RFC 7616 §3.4.4). */
  knownUsers?: () => Iterable<string>;
}

/** The verdict on an `Authorization` value. */
export type VerifyResult =
  | { result: 'ok'; username: string }
  /** Correct digest, expired nonce: challenge again with `stale=true`. */
  | { result: 'stale' }
  | { result: 'bad'; reason: BadReason };

/** Why credentials were refused. */
export type BadReason = 'malformed' | 'realm' | 'algorithm' | 'nonce' | 'opaque' | 'uri' | 'qop' | 'replay' | 'unknown-user' | 'digest';

const NONCE_BYTES = 8 + 8 + 16;

/** A Digest server for one realm. */
export class DigestServer {
  private readonly o: Required<Omit<DigestServerOptions, 'opaque'>> & { opaque?: string };
  private readonly seen = new Map<string, number>();

  /** @param options realm, clock, and what to offer. */
  constructor(options: DigestServerOptions) {
    this.o = {
      secret: randomBytes(32),
      algorithms: ['SHA-256', 'MD5'],
      qop: ['auth'],
      nonceLifetimeMs: 300_000,
      maxTrackedNonces: 10_000,
      ...options,
    };
  }

  /** Nonces whose counts are remembered (for leak tests). */
  get trackedNonces(): number {
    return this.seen.size;
  }

  /** Makes a fresh nonce bound to this realm and the present time. */
  createNonce(): string {
    const head = Buffer.alloc(16);
    head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.o.clock.now()))), 0);
    randomBytes(8).copy(head, 8);
    return Buffer.concat([head, this.mac(head)]).toString('base64url');
  }

  /**
   * The challenge header values, one per algorithm in preference order (RFC 8760 §2.4: the
   * server lists them most preferred first, all with the same nonce).
   */
  createChallenge(options: ChallengeOptions = {}): string[] {
    const nonce = this.createNonce();
    return this.o.algorithms.map((algorithm) => {
      const parts = [`realm=${quoteString(this.o.realm)}`, `nonce=${quoteString(nonce)}`];
      if (this.o.opaque !== undefined) parts.push(`opaque=${quoteString(this.o.opaque)}`);
      parts.push(`algorithm=${algorithm}`);
      if (this.o.qop.length > 0) parts.push(`qop=${quoteString(this.o.qop.join(','))}`);
      if (options.stale === true) parts.push('stale=true');
      if (options.userhash === true) parts.push('userhash=true');
      return 'Digest ' + parts.join(', ');
    });
  }

  /**
   * The `Authentication-Info` value for the 2xx to a request whose credentials verified (RFC 7616
   * §3.5, RFC 3261 §20.6): `rspauth` proves this server knows the secret (A2 = ":" digest-uri, with
   * H(response body) for auth-int); `nextnonce` offers a fresh nonce. Undefined if the
   * credentials cannot be read, carry no qop, or name an unknown user.
   */
  createAuthenticationInfo(authValue: string, request: Pick<VerifyRequest, 'lookup' | 'knownUsers'> & { responseBody?: Buffer | string }, options: { nextnonce?: boolean } = {}): string | undefined {
    const c = parseDigestCredentials(authValue);
    if (c === undefined || c.qop === undefined || c.realm !== this.o.realm) return undefined;
    const username = c.userhash === true ? this.unhash(c.username, c.algorithm, request) : c.username;
    const secret = username === undefined ? undefined : request.lookup(username, this.o.realm);
    if (username === undefined || secret === undefined) return undefined;
    const rspauth = computeDigestResponse({
      algorithm: c.algorithm,
      username,
      realm: this.o.realm,
      secret,
      nonce: c.nonce,
      method: '',
      uri: c.uri,
      qop: c.qop,
      cnonce: c.cnonce,
      nc: c.nc,
      body: request.responseBody,
    });
    const parts = [`qop=${c.qop}`, `rspauth=${quoteString(rspauth)}`, `cnonce=${quoteString(c.cnonce ?? '')}`, `nc=${c.nc ?? ''}`];
    if (options.nextnonce === true) parts.push(`nextnonce=${quoteString(this.createNonce())}`);
    return parts.join(', ');
  }

  /** Checks an `Authorization`/`Proxy-Authorization` value against `request`. */
  verifyAuthorization(value: string, request: VerifyRequest): VerifyResult {
    const c = parseDigestCredentials(value);
    if (c === undefined) return bad('malformed');
    if (c.realm !== this.o.realm) return bad('realm');
    if (!this.o.algorithms.includes(c.algorithm)) return bad('algorithm');
    const issued = this.nonceTime(c.nonce);
    if (issued === undefined) return bad('nonce');
    if (this.o.opaque !== undefined && c.opaque !== this.o.opaque) return bad('opaque');
    // RFC 3261 §22.4 / RFC 7616 §3.4.6: the digest-uri must be the Request-URI.
    if (!sameRequestUri(c.uri, request.uri)) return bad('uri');
    if (this.o.qop.length > 0) {
      if (c.qop === undefined || !this.o.qop.includes(c.qop)) return bad('qop');
      if (c.cnonce === undefined || c.nc === undefined || !/^[0-9a-fA-F]{8}$/.test(c.nc)) return bad('malformed');
    } else if (c.qop !== undefined) return bad('qop');
    if (c.algorithm.endsWith('-sess') && c.cnonce === undefined) return bad('malformed');

    const username = c.userhash === true ? this.unhash(c.username, c.algorithm, request) : c.username;
    if (username === undefined) return bad('unknown-user');
    const secret = request.lookup(username, this.o.realm);
    if (secret === undefined) return bad('unknown-user');
    const expected = computeDigestResponse({
      algorithm: c.algorithm,
      username,
      realm: this.o.realm,
      secret,
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop: c.qop,
      cnonce: c.cnonce,
      nc: c.nc,
      body: request.body,
    });
    if (!sameText(expected, c.response.toLowerCase())) return bad('digest');
    const now = this.o.clock.now();
    if (now - issued > this.o.nonceLifetimeMs || now < issued) {
      this.seen.delete(c.nonce);
      return { result: 'stale' };
    }
    if (c.nc !== undefined && !this.countFresh(c.nonce, parseInt(c.nc, 16))) return bad('replay');
    return { result: 'ok', username };
  }

  private countFresh(nonce: string, nc: number): boolean {
    const prev = this.seen.get(nonce) ?? 0;
    if (nc <= prev) return false;
    this.seen.set(nonce, nc);
    this.prune();
    return true;
  }

  private prune(): void {
    if (this.seen.size <= this.o.maxTrackedNonces) return;
    const now = this.o.clock.now();
    for (const n of this.seen.keys()) {
      const t = this.nonceTime(n);
      if (t === undefined || now - t > this.o.nonceLifetimeMs) this.seen.delete(n);
    }
    // NOTE (deviation): past the cap with every nonce alive, the oldest entries are forgotten, so a
    // replay of their counts is no longer caught; the digest itself still has to be right.
    for (const n of this.seen.keys()) {
      if (this.seen.size <= this.o.maxTrackedNonces) break;
      this.seen.delete(n);
    }
  }

  /** The issue time of a nonce this server made, or undefined if it did not make it. */
  private nonceTime(nonce: string): number | undefined {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return undefined;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES || raw.toString('base64url') !== nonce) return undefined;
    const head = raw.subarray(0, 16);
    if (!timingSafeEqual(raw.subarray(16), this.mac(head))) return undefined;
    return Number(head.readBigUInt64BE(0));
  }

  private mac(head: Buffer): Buffer {
    return createHmac('sha256', this.o.secret).update(head).update(this.o.realm).digest().subarray(0, 16);
  }

  private unhash(hashed: string, algorithm: DigestAlgorithm, request: Pick<VerifyRequest, 'knownUsers'>): string | undefined {
    for (const u of request.knownUsers?.() ?? []) {
      if (computeUserhash(algorithm, u, this.o.realm) === hashed.toLowerCase()) return u;
    }
    return undefined;
  }
}

// NOTE (deviation): besides the exact text, an equivalent SIP URI (RFC 3261 §19.1.4: case of the
// host, parameter order, escaping) is accepted, since proxies may rewrite the Request-URI's
// spelling. The digest is computed over the client's text, so it still has to be right.
function sameRequestUri(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  try {
    return parseUri(digestUri).equals(parseUri(requestUri));
  } catch {
    return false;
  }
}

function bad(reason: BadReason): VerifyResult {
  return { result: 'bad', reason };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
