/**
 * JWS in the flattened JSON serialization (RFC 7515 §7.2.2), as the NG9-1-1 Logging Service takes
 * log events (i3-common.yaml `Jws`): real ES256 (RFC 7518 §3.4: r||s, 64 bytes) and RS256
 * signatures through node:crypto, base64url without padding (RFC 7515 §2).
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { LogEventSigning } from '../../../include-types/siprec.js';

/** A flattened JWS. */
export interface FlattenedJws {
  /** base64url(JSON protected header). */
  protected: string;
  /** base64url(payload). */
  payload: string;
  /** base64url(signature). */
  signature: string;
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url'); // Node's base64url is unpadded
}

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** Signs `payload` (serialized as JSON) with the configured key. */
export function signJws(payload: unknown, signing: LogEventSigning, key: KeyObject = createPrivateKey(signing.privateKeyPem)): FlattenedJws {
  const header: Record<string, unknown> = { alg: signing.alg, typ: 'JOSE' };
  if (signing.kid !== undefined) header.kid = signing.kid;
  // RFC 7515 §4.1.6: x5c carries standard base64 DER, not base64url.
  if (signing.certificatePem?.length) header.x5c = signing.certificatePem.map(pemBody);
  const protectedB64 = b64url(JSON.stringify(header));
  const payloadB64 = b64url(JSON.stringify(payload));
  const input = Buffer.from(`${protectedB64}.${payloadB64}`, 'ascii');
  const sig = signing.alg === 'ES256'
    ? sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', input, key);
  return { protected: protectedB64, payload: payloadB64, signature: b64url(sig) };
}

/** Verifies a flattened JWS and returns its payload; throws when the signature or alg is wrong. */
export function verifyJws(jws: FlattenedJws, publicKeyPem: string | KeyObject): unknown {
  const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as { alg?: string };
  const key = typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem;
  const input = Buffer.from(`${jws.protected}.${jws.payload}`, 'ascii');
  const sig = Buffer.from(jws.signature, 'base64url');
  let ok: boolean;
  if (header.alg === 'ES256') ok = verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig);
  else if (header.alg === 'RS256') ok = verify('sha256', input, key, sig);
  else throw new Error(`unacceptable JWS alg ${String(header.alg)}`);
  if (!ok) throw new Error('JWS signature verification failed');
  return JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8'));
}
