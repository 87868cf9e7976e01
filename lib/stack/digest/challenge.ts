/**
 * Digest challenges from `WWW-Authenticate` / `Proxy-Authenticate` (RFC 3261 §22.1, RFC 7616 §3.3,
 * RFC 8760) and the choice of which one to answer.
 * @module
 */
import { type DigestAlgorithm, type DigestQop, algorithmStrength, parseAlgorithm } from './algorithms.js';
import { type AuthParams, parseAuthHeaderValues } from './auth-params.js';

/** Which header a challenge came in, and so which header answers it (RFC 3261 §22.2, §22.3). */
export type ChallengeOrigin = 'www' | 'proxy';

/** A Digest challenge tsip can answer. */
export interface DigestChallenge {
  /** 'www' from a 401's WWW-Authenticate, 'proxy' from a 407's Proxy-Authenticate. */
  origin: ChallengeOrigin;
  /** The realm, unquoted. */
  realm: string;
  /** The server's nonce, unquoted. */
  nonce: string;
  /** Opaque data to echo unchanged. */
  opaque?: string;
  /** The algorithm (absent in the challenge = MD5). */
  algorithm: DigestAlgorithm;
  /** The qop options offered that tsip knows, in the server's order; [] = RFC 2069 mode (no qop). */
  qop: DigestQop[];
  /** True when the previous answer was refused only because its nonce was stale (RFC 7616 §3.3). */
  stale: boolean;
  /** The protection space URIs, if given. */
  domain?: string[];
  /** True when the server supports hashed usernames (RFC 7616 §3.4.4). */
  userhash: boolean;
  /** The `charset` parameter, if any (only UTF-8 is defined). */
  charset?: string;
}

/** Why a challenge could not be used. */
export type UnsupportedReason = 'scheme' | 'algorithm' | 'qop' | 'missing-realm' | 'missing-nonce';

/**
 * Converts one parsed challenge to a {@link DigestChallenge}, or says why it cannot be answered.
 */
export function toDigestChallenge(p: AuthParams, origin: ChallengeOrigin): DigestChallenge | UnsupportedReason {
  if (p.scheme.toLowerCase() !== 'digest') return 'scheme';
  const realm = p.params.get('realm');
  if (realm === undefined) return 'missing-realm';
  const nonce = p.params.get('nonce');
  if (nonce === undefined) return 'missing-nonce';
  const algorithm = parseAlgorithm(p.params.get('algorithm'));
  if (algorithm === undefined) return 'algorithm';
  const qopRaw = p.params.get('qop');
  let qop: DigestQop[] = [];
  if (qopRaw !== undefined) {
    const offered = qopRaw.split(',').map((q) => q.trim().toLowerCase());
    qop = offered.filter((q): q is DigestQop => q === 'auth' || q === 'auth-int');
    // RFC 7616 §3.3: a qop list with no option we implement cannot be answered.
    if (qop.length === 0) return 'qop';
  }
  const c: DigestChallenge = {
    origin,
    realm,
    nonce,
    algorithm,
    qop,
    stale: (p.params.get('stale') ?? '').toLowerCase() === 'true',
    userhash: (p.params.get('userhash') ?? '').toLowerCase() === 'true',
  };
  const opaque = p.params.get('opaque');
  if (opaque !== undefined) c.opaque = opaque;
  const domain = p.params.get('domain');
  if (domain !== undefined) c.domain = domain.split(/\s+/).filter((d) => d.length > 0);
  const charset = p.params.get('charset');
  if (charset !== undefined) c.charset = charset;
  return c;
}

/** The raw challenge header values of a 401/407 response. */
export interface ChallengeHeaders {
  /** Every `WWW-Authenticate` header value, in order. */
  wwwAuthenticate?: readonly string[];
  /** Every `Proxy-Authenticate` header value, in order. */
  proxyAuthenticate?: readonly string[];
}

/** The result of {@link parseChallenges}. */
export interface ParsedChallenges {
  /** Digest challenges tsip can answer, in header order (proxy ones first). */
  supported: DigestChallenge[];
  /** Challenges it cannot answer, with the reason and the scheme. */
  unsupported: Array<{ scheme: string; realm?: string; reason: UnsupportedReason }>;
}

/** Parses every challenge in a response's authentication headers. */
export function parseChallenges(h: ChallengeHeaders): ParsedChallenges {
  const out: ParsedChallenges = { supported: [], unsupported: [] };
  const add = (values: readonly string[] | undefined, origin: ChallengeOrigin): void => {
    for (const p of parseAuthHeaderValues(values ?? [])) {
      const c = toDigestChallenge(p, origin);
      if (typeof c === 'string') {
        const u: { scheme: string; realm?: string; reason: UnsupportedReason } = { scheme: p.scheme, reason: c };
        const realm = p.params.get('realm');
        if (realm !== undefined) u.realm = realm;
        out.unsupported.push(u);
      } else out.supported.push(c);
    }
  };
  add(h.proxyAuthenticate, 'proxy');
  add(h.wwwAuthenticate, 'www');
  return out;
}

/**
 * Picks one challenge per (origin, realm): the strongest algorithm, the topmost among equals.
 * RFC 8760 §2.4 lets local policy override the topmost rule; tsip's policy prefers
 * SHA-512-256 over SHA-256 over MD5, so a server that lists MD5 first still gets SHA-256.
 */
export function selectChallenges(challenges: readonly DigestChallenge[]): DigestChallenge[] {
  const best = new Map<string, DigestChallenge>();
  for (const c of challenges) {
    const key = c.origin + '\0' + c.realm;
    const prev = best.get(key);
    if (prev === undefined || algorithmStrength(c.algorithm) > algorithmStrength(prev.algorithm)) best.set(key, c);
  }
  return [...best.values()];
}
