/**
 * The `Authorization` / `Proxy-Authorization` value of a Digest answer (RFC 3261 §22.4, §25.1;
 * RFC 7616 §3.4): building it on the client, reading it on the server.
 * @module
 */
import { type DigestAlgorithm, type DigestQop, parseAlgorithm } from './algorithms.js';
import { parseAuthHeaderValue, quoteString } from './auth-params.js';

/** The fields of a Digest answer. */
export interface DigestCredentials {
  /** The username, or H(username:realm) when `userhash` is true. */
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  cnonce?: string;
  opaque?: string;
  qop?: DigestQop;
  /** 8 hex digits. */
  nc?: string;
  userhash?: boolean;
}

/**
 * Writes a Digest credentials value. Quoted: username, realm, nonce, uri, response, cnonce, opaque;
 * unquoted: algorithm, qop and nc (RFC 3261 §25.1 `message-qop` and `nonce-count` are tokens).
 */
export function formatDigestCredentials(c: DigestCredentials): string {
  const parts = [
    `username=${quoteString(c.username)}`,
    `realm=${quoteString(c.realm)}`,
    `nonce=${quoteString(c.nonce)}`,
    `uri=${quoteString(c.uri)}`,
    `response=${quoteString(c.response)}`,
    `algorithm=${c.algorithm}`,
  ];
  if (c.cnonce !== undefined) parts.push(`cnonce=${quoteString(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quoteString(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`);
  if (c.nc !== undefined) parts.push(`nc=${c.nc}`);
  if (c.userhash === true) parts.push('userhash=true');
  return 'Digest ' + parts.join(', ');
}

/**
 * Reads a Digest credentials value. Returns undefined if it is not Digest or lacks a mandatory
 * field (username, realm, nonce, uri, response), or names an unknown algorithm or qop.
 */
export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const p = parseAuthHeaderValue(value)[0];
  if (p === undefined || p.scheme.toLowerCase() !== 'digest') return undefined;
  const get = (n: string): string | undefined => p.params.get(n);
  const username = get('username');
  const realm = get('realm');
  const nonce = get('nonce');
  const uri = get('uri');
  const response = get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return undefined;
  const algorithm = parseAlgorithm(get('algorithm'));
  if (algorithm === undefined) return undefined;
  const c: DigestCredentials = { username, realm, nonce, uri, response, algorithm };
  const qop = get('qop')?.toLowerCase();
  if (qop !== undefined) {
    if (qop !== 'auth' && qop !== 'auth-int') return undefined;
    c.qop = qop;
  }
  const cnonce = get('cnonce');
  if (cnonce !== undefined) c.cnonce = cnonce;
  const nc = get('nc');
  if (nc !== undefined) c.nc = nc;
  const opaque = get('opaque');
  if (opaque !== undefined) c.opaque = opaque;
  if ((get('userhash') ?? '').toLowerCase() === 'true') c.userhash = true;
  return c;
}
