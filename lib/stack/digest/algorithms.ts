/**
 * Digest algorithms (RFC 7616 §3.2, RFC 8760 for SIP): names, hash functions and a strength order.
 * @module
 */
import { createHash } from 'node:crypto';

/** The digest algorithms tsip computes. */
export const DigestAlgorithm = {
  MD5: 'MD5',
  MD5Sess: 'MD5-sess',
  SHA256: 'SHA-256',
  SHA256Sess: 'SHA-256-sess',
  SHA512_256: 'SHA-512-256',
  SHA512_256Sess: 'SHA-512-256-sess',
} as const;
/** One of the {@link DigestAlgorithm} values. */
export type DigestAlgorithm = (typeof DigestAlgorithm)[keyof typeof DigestAlgorithm];

/** The quality-of-protection values of RFC 7616 §3.3. */
export type DigestQop = 'auth' | 'auth-int';

const BY_LOWER = new Map<string, DigestAlgorithm>(Object.values(DigestAlgorithm).map((a) => [a.toLowerCase(), a]));

const NODE_HASH: Record<DigestAlgorithm, string> = {
  'MD5': 'md5',
  'MD5-sess': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-sess': 'sha512-256',
};

// RFC 8760 §2.4 leaves the choice among several supported challenges to local policy: tsip ranks
// by hash strength; -sess variants rank with their base hash.
const STRENGTH: Record<DigestAlgorithm, number> = {
  'MD5': 1,
  'MD5-sess': 1,
  'SHA-256': 2,
  'SHA-256-sess': 2,
  'SHA-512-256': 3,
  'SHA-512-256-sess': 3,
};

/**
 * The algorithm named by a challenge's `algorithm` parameter (case-insensitive; RFC 7616 §3.3:
 * absent means MD5). Returns undefined for an algorithm tsip does not know.
 */
export function parseAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return DigestAlgorithm.MD5;
  return BY_LOWER.get(value.toLowerCase());
}

/** True for the `-sess` variants, whose A1 includes nonce and cnonce (RFC 7616 §3.4.2). */
export function isSessionAlgorithm(a: DigestAlgorithm): boolean {
  return a.endsWith('-sess');
}

/** A number that grows with the algorithm's strength (for choosing among challenges). */
export function algorithmStrength(a: DigestAlgorithm): number {
  return STRENGTH[a];
}

/** H(data) of RFC 7616 §3.4.1: the algorithm's hash as lower-case hex. */
export function digestHash(a: DigestAlgorithm, data: string | Buffer): string {
  return createHash(NODE_HASH[a]).update(data).digest('hex');
}
