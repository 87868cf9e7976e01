/**
 * The Logging Service's side of the log event JWS: reading a request body as a JWS (RFC 7515),
 * loading the configured public keys, and verifying against them. Each failure carries the
 * loggingservice.yaml status it is answered with (434, 438, 460).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { LogEventRejectCode, type LogEventVerifyKey, type PublicJwk } from '../../../include-types/ng911-logging.js';
import type { FlattenedJws } from './jws.js';

/** A refused log event: the status to answer and why. */
export class LogEventRejection extends Error {
  /**
   * @param status - a {@link LogEventRejectCode}
   * @param message - why, in words (sent in the response body)
   */
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'LogEventRejection';
  }
}

/** A loaded verification key. */
export interface LoadedKey {
  kid: string | undefined;
  key: KeyObject;
  /** `ec` (P-256) or `rsa`. */
  type: 'ec' | 'rsa';
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function isJwk(k: unknown): k is PublicJwk {
  return typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string';
}

/** Loads the configured keys; throws RangeError for one that is not a P-256 or RSA public key. */
export function loadKeys(keys: readonly LogEventVerifyKey[]): LoadedKey[] {
  if (keys.length === 0) throw new RangeError('the Logging Service needs at least one verification key');
  return keys.map((k, i) => {
    const spec = typeof k === 'string' || isJwk(k) ? { key: k } : k;
    const kid = spec.kid ?? (isJwk(spec.key) ? spec.key.kid : undefined);
    let key: KeyObject;
    try {
      key = typeof spec.key === 'string'
        ? createPublicKey(spec.key) // a PEM public key or certificate
        : createPublicKey({ key: { ...spec.key } as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (e) {
      throw new RangeError(`verification key ${i}: ${(e as Error).message}`);
    }
    const t = key.asymmetricKeyType;
    if (t === 'ec' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new RangeError(`verification key ${i}: EC keys must be P-256 (ES256)`);
    if (t !== 'ec' && t !== 'rsa') throw new RangeError(`verification key ${i}: ${String(t)} keys cannot verify ES256/RS256`);
    return { kid, key, type: t };
  });
}

function asJws(o: unknown): FlattenedJws | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  // RFC 7515 §7.2.1 general serialization with exactly one signature: taken as its flattened form.
  if (Array.isArray(r.signatures)) {
    if (r.signatures.length !== 1 || typeof r.payload !== 'string') return undefined;
    return asJws({ payload: r.payload, ...(r.signatures[0] as object) });
  }
  const { protected: p, payload, signature } = r;
  if (typeof p !== 'string' || typeof payload !== 'string' || typeof signature !== 'string') return undefined;
  return { protected: p, payload, signature };
}

/**
 * A request body as a JWS: the flattened JSON serialization loggingservice.yaml asks for
 * (RFC 7515 §7.2.2), the general one with a single signature, or the compact serialization
 * (§7.1, `a.b.c`), bare or as a JSON string. Throws 460 for anything else.
 */
export function parseJwsBody(body: string): FlattenedJws {
  const text = body.trim();
  let jws: FlattenedJws | undefined;
  if (text.startsWith('{') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'body is not JSON');
    }
    jws = typeof parsed === 'string' ? compact(parsed) : asJws(parsed);
  } else jws = compact(text);
  if (!jws) throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'body is not a JWS (flattened JSON or compact serialization)');
  for (const part of [jws.protected, jws.payload, jws.signature]) {
    if (!B64URL.test(part)) throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'JWS parts must be base64url (RFC 7515 §2)');
  }
  return jws;
}

function compact(s: string): FlattenedJws | undefined {
  const parts = s.split('.');
  if (parts.length !== 3) return undefined;
  return { protected: parts[0], payload: parts[1], signature: parts[2] };
}

/** The outcome of a good signature. */
export interface VerifiedJws {
  /** The payload, parsed. */
  payload: unknown;
  alg: 'ES256' | 'RS256';
  kid: string | undefined;
}

/**
 * Verifies `jws` against `keys`: 438 for an alg other than ES256/RS256 (`none` included), 460
 * for a header or payload that is not JSON or an unknown `crit`, 434 when no key verifies it.
 * NOTE: an `x5c` chain in the header is not trusted on its own: only the configured keys count.
 */
export function verifyWithKeys(jws: FlattenedJws, keys: readonly LoadedKey[]): VerifiedJws {
  let header: { alg?: unknown; kid?: unknown; crit?: unknown };
  try {
    header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'JWS protected header is not JSON');
  }
  if (typeof header !== 'object' || header === null) throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'JWS protected header is not an object');
  const alg = header.alg;
  if (alg !== 'ES256' && alg !== 'RS256') throw new LogEventRejection(LogEventRejectCode.UnacceptableAlgorithm, `unacceptable JWS alg ${JSON.stringify(alg)}`);
  // RFC 7515 §4.1.11: extensions the recipient must understand; this service understands none.
  if (header.crit !== undefined) throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'JWS crit header parameters are not supported');
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const type = alg === 'ES256' ? 'ec' : 'rsa';
  const candidates = keys.filter((k) => k.type === type && (kid === undefined || k.kid === undefined || k.kid === kid));
  const input = Buffer.from(`${jws.protected}.${jws.payload}`, 'ascii');
  const sig = Buffer.from(jws.signature, 'base64url');
  const ok = candidates.some((k) => {
    try {
      // RFC 7518 §3.4: ES256 signatures are r||s (64 bytes), not DER.
      return alg === 'ES256' ? verify('sha256', input, { key: k.key, dsaEncoding: 'ieee-p1363' }, sig) : verify('sha256', input, k.key, sig);
    } catch {
      return false;
    }
  });
  if (!ok) throw new LogEventRejection(LogEventRejectCode.SignatureVerificationFailure, candidates.length === 0 ? `no ${alg} key${kid !== undefined ? ` with kid ${kid}` : ''} configured` : 'JWS signature verification failed');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8'));
  } catch {
    throw new LogEventRejection(LogEventRejectCode.BadLogEvent, 'JWS payload is not JSON');
  }
  return { payload, alg, kid };
}
