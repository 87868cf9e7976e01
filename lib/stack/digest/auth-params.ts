/**
 * A tolerant parser of HTTP/SIP authentication header values (RFC 7235 §2.1, RFC 3261 §25.1):
 * `WWW-Authenticate`, `Proxy-Authenticate`, `Authorization` and `Proxy-Authorization`.
 *
 * One header value may hold several challenges separated by commas (`Digest realm="a", nonce="x",
 * Digest realm="b", ...`): a new challenge starts where a token is *not* followed by `=`. Commas
 * inside quoted strings (e.g. `qop="auth,auth-int"`) belong to the value.
 * @module
 */

/** One challenge or credentials: the scheme and its parameters. */
export interface AuthParams {
  /** The auth-scheme as written (compare case-insensitively). */
  scheme: string;
  /** Parameters; names lower-cased, quoted values unquoted and unescaped. */
  params: Map<string, string>;
  /** A token68 value (e.g. Basic's credentials), when the scheme carries one instead of parameters. */
  token68?: string;
}

const TOKEN_RE = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_RE = /^[A-Za-z0-9\-._~+/]+=*/;
const PARAM_START_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*[^=\s,]/;

function isTokenChar(c: string): boolean {
  return TOKEN_RE.test(c);
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  return i;
}

function readToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s[i])) i++;
  return i;
}

/** Reads a quoted string starting at `s[i] === '"'`; returns the unescaped text and the index after it. */
function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\' && j + 1 < s.length) {
      out += s[j + 1];
      j += 2;
    } else if (c === '"') {
      return [out, j + 1];
    } else {
      out += c;
      j++;
    }
  }
  // NOTE (deviation): an unterminated quoted string is taken to the end rather than refused.
  return [out, j];
}

/**
 * Parses one or more header values into challenges/credentials, in order. Malformed pieces
 * (stray characters, parameters before any scheme) are skipped rather than thrown on.
 */
export function parseAuthHeaderValues(values: readonly string[]): AuthParams[] {
  const out: AuthParams[] = [];
  for (const v of values) out.push(...parseAuthHeaderValue(v));
  return out;
}

/** Parses one header value; see {@link parseAuthHeaderValues}. */
export function parseAuthHeaderValue(s: string): AuthParams[] {
  const out: AuthParams[] = [];
  let current: AuthParams | undefined;
  let i = 0;
  while (i < s.length) {
    i = skipWs(s, i);
    if (s[i] === ',') {
      i++;
      continue;
    }
    const start = i;
    const end = readToken(s, i);
    if (end === start) {
      i++; // stray character
      continue;
    }
    const name = s.slice(start, end);
    const after = skipWs(s, end);
    if (s[after] === '=') {
      let j = skipWs(s, after + 1);
      let value: string;
      if (s[j] === '"') [value, j] = readQuoted(s, j);
      else {
        // NOTE (deviation): an unquoted value runs to the next comma or space, not just over token
        // characters, so servers that leave `nonce=ab/c+d==` unquoted are still understood.
        let vEnd = j;
        while (vEnd < s.length && s[vEnd] !== ',' && s[vEnd] !== ' ' && s[vEnd] !== '\t') vEnd++;
        value = s.slice(j, vEnd);
        j = vEnd;
      }
      current?.params.set(name.toLowerCase(), value); // a parameter before any scheme is dropped
      i = j;
      continue;
    }
    // a token not followed by '=' starts a new challenge
    current = { scheme: name, params: new Map() };
    out.push(current);
    i = after;
    // a token68 (`Basic dXNlcjpwYXNz==`) ends at a comma or the end and is not `name=value`
    const rest = s.slice(i);
    const m = TOKEN68_RE.exec(rest);
    if (m !== null && /^\s*(,|$)/.test(rest.slice(m[0].length)) && !PARAM_START_RE.test(rest)) {
      current.token68 = m[0];
      i += m[0].length;
    }
  }
  return out;
}

/** Writes `Scheme name=value, name="value"`; `quoted` lists the names whose values are quoted. */
export function formatAuthParams(scheme: string, params: ReadonlyArray<readonly [string, string]>, quoted: ReadonlySet<string>): string {
  const parts = params.map(([n, v]) => (quoted.has(n) ? `${n}=${quoteString(v)}` : `${n}=${v}`));
  return `${scheme} ${parts.join(', ')}`;
}

/** A quoted-string with `"` and `\` escaped. */
export function quoteString(v: string): string {
  return '"' + v.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}
