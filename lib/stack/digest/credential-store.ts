/**
 * Client-side Digest state (RFC 3261 §22.2–22.4, RFC 7616): credentials per realm, the nonce in use
 * per realm with its nonce count, and the decision what to do with a 401/407.
 *
 * The store holds one nonce per (origin, realm): a new nonce replaces the old one and restarts the
 * count, so its size is bounded by the number of realms in use.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DigestAlgorithm, DigestQop } from './algorithms.js';
import { parseAuthHeaderValue } from './auth-params.js';
import { formatDigestCredentials, parseDigestCredentials } from './authorization.js';
import { type ChallengeHeaders, type ChallengeOrigin, type DigestChallenge, parseChallenges, selectChallenges } from './challenge.js';
import { type DigestSecret, computeDigestResponse, computeUserhash, formatNonceCount } from './compute.js';

/** What the app gives for a realm (Symbian `CSIPHttpDigest::SetCredentialsL`). */
export interface DigestUser {
  username: string;
  /** The password, or H(username:realm:password) for the algorithm the realm uses. */
  secret: DigestSecret;
}

/** Where a credential applies beyond its realm. */
export interface CredentialScope {
  /** Only for requests sent through this outbound proxy (as the app names it). */
  outboundProxy?: string;
}

/** The request being authorized: what the digest covers. */
export interface DigestRequest {
  /** The method (RFC 3261 §22.4: the CSeq method). */
  method: string;
  /** The Request-URI exactly as sent. */
  uri: string;
  /** The body, needed for qop=auth-int. */
  body?: Buffer | string;
}

/** The request that drew a 401/407: what it covered and the credentials it already carried. */
export interface ChallengedRequest extends DigestRequest {
  /** Its `Authorization` values. */
  authorization?: readonly string[];
  /** Its `Proxy-Authorization` values. */
  proxyAuthorization?: readonly string[];
}

/** What to do with a challenge. */
export type DigestAnswer =
  /** Re-send the request with a new CSeq and exactly these header values (replacing the old ones). */
  | { kind: 'retry'; authorization: string[]; proxyAuthorization: string[] }
  /** Ask the app for these realms' credentials, then call `answer` again (or give up). */
  | { kind: 'needCredentials'; realms: string[] }
  /** Give up: `SipError(AuthenticationFailed)`. */
  | { kind: 'failed'; reason: 'rejected' | 'unsupported'; realms: string[] };

/** Options of {@link DigestCredentialStore}. */
export interface DigestCredentialStoreOptions {
  /** Makes a client nonce (default: 16 random bytes as hex). */
  cnonce?: () => string;
  /** Answer with qop=auth-int when the server offers it (default false: auth). */
  preferAuthInt?: boolean;
}

interface NonceState {
  challenge: DigestChallenge;
  count: number;
  cnonce: string;
}

/**
 * Credentials and nonce counts of one client. Pure: no I/O, no timers.
 *
 * Deciding on a challenge ({@link DigestCredentialStore.answer}):
 * - `stale=true`: answer the new nonce with the credentials we have, without asking the app;
 * - not stale, and the challenged request already carried our answer for that realm: the
 *   credentials were refused (RFC 7616 §3.3) → `failed/rejected`; the one exception is a request
 *   that reused an older nonce (nc > 1), which gets one fresh answer, since some servers forget to
 *   set `stale` when a nonce expires;
 * - no credentials for a realm → `needCredentials`.
 */
export class DigestCredentialStore {
  private readonly users = new Map<string, DigestUser>();
  private readonly nonces = new Map<string, NonceState>();
  private readonly makeCnonce: () => string;
  private readonly preferAuthInt: boolean;

  /** @param options cnonce source and qop preference. */
  constructor(options: DigestCredentialStoreOptions = {}) {
    this.makeCnonce = options.cnonce ?? (() => randomBytes(16).toString('hex'));
    this.preferAuthInt = options.preferAuthInt ?? false;
  }

  /** Sets (or replaces) the credentials for a realm. */
  setCredentials(realm: string, user: DigestUser, scope: CredentialScope = {}): void {
    this.users.set(userKey(realm, scope.outboundProxy), { username: user.username, secret: { ...user.secret } });
  }

  /** Removes a realm's credentials and its nonce state; returns true if there were any. */
  removeCredentials(realm: string, scope: CredentialScope = {}): boolean {
    for (const origin of ['www', 'proxy'] as const) this.nonces.delete(nonceKey(origin, realm));
    return this.users.delete(userKey(realm, scope.outboundProxy));
  }

  /** True if credentials apply to the realm (scoped ones first, then unscoped). */
  hasCredentials(realm: string, scope: CredentialScope = {}): boolean {
    return this.lookup(realm, scope) !== undefined;
  }

  /** How many realms have credentials, and how many nonces are tracked (for leak tests). */
  get stats(): { credentials: number; nonces: number } {
    return { credentials: this.users.size, nonces: this.nonces.size };
  }

  /** The last nonce count used with that realm's current nonce (0 if none). */
  nonceCount(origin: ChallengeOrigin, realm: string, nonce: string): number {
    const s = this.nonces.get(nonceKey(origin, realm));
    return s !== undefined && s.challenge.nonce === nonce ? s.count : 0;
  }

  /** Decides what to do with a 401/407 to `request`; see the class comment. */
  answer(challenges: ChallengeHeaders, request: ChallengedRequest, scope: CredentialScope = {}): DigestAnswer {
    const parsed = parseChallenges(challenges);
    if (parsed.supported.length === 0) {
      return { kind: 'failed', reason: 'unsupported', realms: parsed.unsupported.map((u) => u.realm ?? '') };
    }
    // A stored HA1 only works with the hash it was made with, so the choice is limited to
    // challenges whose digest length matches it (32 hex digits: MD5; 64: SHA-256, SHA-512-256).
    const usable = parsed.supported.filter((c) => {
      const user = this.lookup(c.realm, scope);
      return user === undefined || 'password' in user.secret || hashLength(c.algorithm) === user.secret.ha1.length;
    });
    if (usable.length === 0) return { kind: 'failed', reason: 'unsupported', realms: [...new Set(parsed.supported.map((c) => c.realm))] };
    const chosen = selectChallenges(usable);
    const sent = sentAnswers(request);
    const rejected: string[] = [];
    const missing: string[] = [];
    for (const c of chosen) {
      const prior = sent.get(nonceKey(c.origin, c.realm));
      if (prior !== undefined && !c.stale && (prior.nonce === c.nonce || prior.nc === undefined || prior.nc === '00000001')) {
        rejected.push(c.realm);
      } else if (this.lookup(c.realm, scope) === undefined) missing.push(c.realm);
    }
    if (rejected.length > 0) return { kind: 'failed', reason: 'rejected', realms: rejected };
    if (missing.length > 0) return { kind: 'needCredentials', realms: missing };

    const out = { authorization: [] as string[], proxyAuthorization: [] as string[] };
    const answered = new Set<string>();
    for (const c of chosen) {
      const key = nonceKey(c.origin, c.realm);
      this.nonces.set(key, { challenge: c, count: 0, cnonce: this.makeCnonce() });
      answered.add(key);
      push(out, c.origin, this.next(key, request, scope));
    }
    // RFC 3261 §22.3: credentials for realms not challenged again stay in the retried request,
    // recomputed with the next nonce count so the server does not see a replay.
    for (const [key, prior] of sent) {
      if (answered.has(key)) continue;
      const value = this.nonces.get(key)?.challenge.nonce === prior.nonce ? this.next(key, request, scope) : undefined;
      push(out, prior.origin, value ?? prior.value);
    }
    return { kind: 'retry', ...out };
  }

  /**
   * Credentials for a new request to a realm answered before, reusing its nonce with the next
   * nonce count (RFC 7616 §3.4). Undefined if the realm has no nonce or no credentials.
   */
  authorize(origin: ChallengeOrigin, realm: string, request: DigestRequest, scope: CredentialScope = {}): string | undefined {
    return this.next(nonceKey(origin, realm), request, scope);
  }

  /**
   * Reads an `Authentication-Info` value from a 2xx (RFC 3261 §20.6, RFC 7616 §3.5): a
   * `nextnonce` replaces the realm's nonce, so the next request uses it with nc=1.
   * @returns true if a next nonce was taken.
   */
  authenticationInfo(realm: string, value: string): boolean {
    const p = parseAuthParamsList(value);
    const next = p.get('nextnonce');
    const s = this.nonces.get(nonceKey('www', realm));
    if (next === undefined || next === '' || s === undefined) return false;
    this.nonces.set(nonceKey('www', realm), { challenge: { ...s.challenge, nonce: next, stale: false }, count: 0, cnonce: this.makeCnonce() });
    return true;
  }

  /**
   * Checks the `rspauth` of an `Authentication-Info` value (RFC 7616 §3.5: the server proves it
   * knows the secret) against the realm's nonce and our credentials. Call it before
   * {@link DigestCredentialStore.authenticationInfo}, which may move to the next nonce.
   * @param request the Request-URI as sent, and the 2xx's body for auth-int.
   * @returns undefined when the value has no rspauth, else whether it is right.
   */
  verifyAuthenticationInfo(realm: string, value: string, request: { uri: string; body?: Buffer | string }, scope: CredentialScope = {}): boolean | undefined {
    const p = parseAuthParamsList(value);
    const rspauth = p.get('rspauth');
    if (rspauth === undefined) return undefined;
    const s = this.nonces.get(nonceKey('www', realm));
    const user = this.lookup(realm, scope);
    const qop = p.get('qop')?.toLowerCase();
    if (s === undefined || user === undefined || (qop !== 'auth' && qop !== 'auth-int')) return false;
    const expected = computeDigestResponse({
      algorithm: s.challenge.algorithm,
      username: user.username,
      realm,
      secret: user.secret,
      nonce: s.challenge.nonce,
      method: '',
      uri: request.uri,
      qop,
      cnonce: p.get('cnonce') ?? s.cnonce,
      nc: p.get('nc') ?? formatNonceCount(Math.max(1, s.count)),
      body: request.body,
    });
    return expected === rspauth.toLowerCase();
  }

  private next(key: string, request: DigestRequest, scope: CredentialScope): string | undefined {
    const s = this.nonces.get(key);
    if (s === undefined) return undefined;
    const c = s.challenge;
    const user = this.lookup(c.realm, scope);
    if (user === undefined) return undefined;
    s.count++;
    const qop = this.chooseQop(c.qop);
    const withQop = qop !== undefined;
    const nc = withQop ? formatNonceCount(s.count) : undefined;
    const response = computeDigestResponse({
      algorithm: c.algorithm,
      username: user.username,
      realm: c.realm,
      secret: user.secret,
      nonce: c.nonce,
      method: request.method,
      uri: request.uri,
      qop,
      cnonce: s.cnonce,
      nc,
      body: request.body,
    });
    const useSess = c.algorithm.endsWith('-sess');
    return formatDigestCredentials({
      username: c.userhash ? computeUserhash(c.algorithm, user.username, c.realm) : user.username,
      realm: c.realm,
      nonce: c.nonce,
      uri: request.uri,
      response,
      algorithm: c.algorithm,
      cnonce: withQop || useSess ? s.cnonce : undefined,
      opaque: c.opaque,
      qop,
      nc,
      userhash: c.userhash ? true : undefined,
    });
  }

  private chooseQop(offered: readonly DigestQop[]): DigestQop | undefined {
    if (offered.length === 0) return undefined;
    if (this.preferAuthInt && offered.includes('auth-int')) return 'auth-int';
    return offered.includes('auth') ? 'auth' : 'auth-int';
  }

  private lookup(realm: string, scope: CredentialScope): DigestUser | undefined {
    if (scope.outboundProxy !== undefined) {
      const scoped = this.users.get(userKey(realm, scope.outboundProxy));
      if (scoped !== undefined) return scoped;
    }
    return this.users.get(userKey(realm, undefined));
  }
}

interface SentAnswer {
  origin: ChallengeOrigin;
  nonce: string;
  nc?: string;
  value: string;
}

function sentAnswers(request: ChallengedRequest): Map<string, SentAnswer> {
  const out = new Map<string, SentAnswer>();
  const add = (values: readonly string[] | undefined, origin: ChallengeOrigin): void => {
    for (const value of values ?? []) {
      const c = parseDigestCredentials(value);
      if (c === undefined) continue;
      const a: SentAnswer = { origin, nonce: c.nonce, value };
      if (c.nc !== undefined) a.nc = c.nc;
      out.set(nonceKey(origin, c.realm), a);
    }
  };
  add(request.proxyAuthorization, 'proxy');
  add(request.authorization, 'www');
  return out;
}

/** Authentication-Info has no scheme: `name=value, ...` only. */
function parseAuthParamsList(value: string): Map<string, string> {
  return parseAuthHeaderValue('X ' + value)[0]?.params ?? new Map<string, string>();
}

function push(out: { authorization: string[]; proxyAuthorization: string[] }, origin: ChallengeOrigin, value: string | undefined): void {
  if (value === undefined) return;
  (origin === 'proxy' ? out.proxyAuthorization : out.authorization).push(value);
}

function hashLength(a: DigestAlgorithm): number {
  return a.startsWith('MD5') ? 32 : 64;
}

function nonceKey(origin: ChallengeOrigin, realm: string): string {
  return origin + '\0' + realm;
}

function userKey(realm: string, proxy: string | undefined): string {
  return realm + '\0' + (proxy ?? '');
}
