/**
 * Authentication header values: WWW-Authenticate, Proxy-Authenticate, Authorization,
 * Proxy-Authorization, Authentication-Info (RFC 3261 §20.7, §25.1; RFC 7616/7235 auth-param).
 * @module
 */
import * as m_chars from './chars.js';
import { fail } from './errors.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { TOKEN, isToken, quote, scanQuoted, skipWs, splitList, trimWs, unquote } = m_chars;

/** A challenge or credentials: scheme and its parameters. */
export interface AuthParams {
  /** Scheme as written (compare case-insensitively), e.g. 'Digest'. */
  scheme: string;
  /** Parameters: keys lower-cased, values unquoted. */
  params: Map<string, string>;
  /** A token68 credential (e.g. `Bearer abc==`), when the scheme uses one. */
  token68?: string;
}

/** Parameters written without quotes by {@link formatAuthParams} (RFC 7616 §3.4). */
export const UNQUOTED_AUTH_PARAMS: ReadonlySet<string> = new Set(['algorithm', 'nc', 'qop', 'stale']);

/**
 * Parses `scheme param=value, param="quoted", ...` (commas outside quotes separate params).
 * @throws SipParseError if malformed.
 */
export function parseAuthParams(value: string): AuthParams {
  const s = trimWs(value);
  let i = 0;
  while (i < s.length && s.charCodeAt(i) < 128 && TOKEN[s.charCodeAt(i)] === 1) i++;
  if (i === 0) fail('missing authentication scheme');
  const scheme = s.slice(0, i);
  const out: AuthParams = { scheme, params: new Map() };
  const rest = s.slice(skipWs(s, i));
  if (rest.length === 0) return out;
  if (i === skipWs(s, i)) fail('malformed authentication header');
  if (/^[A-Za-z0-9\-._~+/]+=*$/.test(rest)) {
    out.token68 = rest;
    return out;
  }
  for (const item of splitList(rest)) {
    const eq = item.indexOf('=');
    if (eq <= 0) fail('malformed authentication parameter');
    const key = trimWs(item.slice(0, eq)).toLowerCase();
    if (!isToken(key)) fail('malformed authentication parameter');
    const v = trimWs(item.slice(eq + 1));
    if (v.charCodeAt(0) === 34) {
      if (scanQuoted(v, 0) !== v.length) fail('malformed quoted authentication parameter');
      out.params.set(key, unquote(v));
    } else {
      if (!isToken(v)) fail('malformed authentication parameter');
      out.params.set(key, v);
    }
  }
  return out;
}

/**
 * Writes a challenge or credentials. Values are quoted except for keys in `unquoted`
 * (default {@link UNQUOTED_AUTH_PARAMS}) whose value is a token.
 */
export function formatAuthParams(auth: AuthParams, unquoted: ReadonlySet<string> = UNQUOTED_AUTH_PARAMS): string {
  if (auth.token68 !== undefined) return auth.scheme + ' ' + auth.token68;
  const items: string[] = [];
  for (const [k, v] of auth.params) items.push(k + '=' + (unquoted.has(k) && isToken(v) ? v : quote(v)));
  return items.length === 0 ? auth.scheme : auth.scheme + ' ' + items.join(', ');
}
