/**
 * Header names: canonical spelling, compact forms and which headers are comma lists.
 * @module
 */

/** Canonical spelling of well-known headers (RFC 3261 §20 and extensions). */
const CANONICAL = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-ID', 'Content-Language', 'Content-Length', 'Content-Transfer-Encoding',
  'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Event', 'Expires', 'From', 'History-Info', 'Identity',
  'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE', 'Organization',
  'P-Asserted-Identity', 'P-Preferred-Identity', 'Path', 'Priority', 'Privacy', 'Proxy-Authenticate',
  'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route', 'Refer-To', 'Referred-By',
  'Reject-Contact', 'Reply-To', 'Request-Disposition', 'Require', 'Retry-After', 'Route', 'RSeq',
  'Security-Client', 'Security-Server', 'Security-Verify', 'Server', 'Service-Route', 'Session-Expires',
  'Session-ID', 'SIP-ETag', 'SIP-If-Match', 'Subject', 'Subscription-State', 'Supported', 'Timestamp', 'To',
  'Unsupported', 'User-Agent', 'Via', 'Warning', 'WWW-Authenticate', 'Recv-Info', 'Info-Package',
  'Target-Dialog', 'Replaces', 'Join', 'Refer-Sub', 'Feature-Caps', 'Geolocation', 'Geolocation-Routing',
];

/**
 * Compact forms: RFC 3261 §7.3.3 (i m e l c f s k t v), RFC 3265 (o u), RFC 3515 (r),
 * RFC 3892 (b), RFC 4028 (x), RFC 4474 (y n), RFC 3841 (a j d).
 */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From',
  s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events', r: 'Refer-To',
  b: 'Referred-By', x: 'Session-Expires', y: 'Identity', n: 'Identity-Info', a: 'Accept-Contact',
  j: 'Reject-Contact', d: 'Request-Disposition',
};

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1): only these are split by
 * `Headers.getAll`. Everything else (Authorization, WWW-Authenticate, Date, unknown headers) is one value.
 */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'accept', 'accept-contact', 'accept-encoding', 'accept-language', 'alert-info', 'allow', 'allow-events',
  'call-info', 'contact', 'content-encoding', 'content-language', 'error-info', 'history-info', 'in-reply-to',
  'p-asserted-identity', 'p-preferred-identity', 'path', 'proxy-require', 'reason', 'record-route',
  'reject-contact', 'request-disposition', 'require', 'route', 'security-client', 'security-server',
  'security-verify', 'service-route', 'supported', 'unsupported', 'via', 'warning', 'recv-info',
  'feature-caps', 'geolocation',
]);

/** Resolved name: `key` is the lower-case canonical name used for lookups, `name` the spelling to write. */
export interface HeaderName {
  key: string;
  name: string;
  /** Index among the headers the parser reads in place (see {@link HOT_HEADERS}), else -1. */
  hot: number;
}

/**
 * Headers whose value offsets the header-block parser reports, in this order: the ones parsed in
 * place (Via, CSeq, From, To) and the ones checked at parse time or read by every layer.
 */
export const HOT_HEADERS = ['via', 'cseq', 'from', 'to', 'call-id', 'max-forwards', 'content-length', 'contact'] as const;

const TABLE = new Map<string, HeaderName>();
for (const name of CANONICAL) {
  const key = name.toLowerCase();
  const hn: HeaderName = { key, name, hot: (HOT_HEADERS as readonly string[]).indexOf(key) };
  TABLE.set(name, hn);
  TABLE.set(hn.key, hn);
}
for (const [short, long] of Object.entries(COMPACT_FORMS)) {
  const hn = TABLE.get(long) as HeaderName;
  TABLE.set(short, hn);
  TABLE.set(short.toUpperCase(), hn);
}

/** Known spellings bucketed by length and lower-cased first letter, for {@link headerNameAt}. */
const BUCKETS: Array<Array<[string, HeaderName]> | undefined> = new Array<undefined>(64 * 32).fill(undefined);
for (const [spelling, hn] of TABLE) {
  const b = spelling.length * 32 + (spelling.charCodeAt(0) & 31);
  (BUCKETS[b] ??= []).push([spelling, hn]);
}

/** Compact forms by octet (`v`, `V` ...), for one-letter names in {@link knownHeaderInBytes}. */
const COMPACT_BY_OCTET: Array<HeaderName | undefined> = new Array<undefined>(128).fill(undefined);
for (const short of Object.keys(COMPACT_FORMS)) {
  const hn = TABLE.get(short) as HeaderName;
  COMPACT_BY_OCTET[short.charCodeAt(0)] = hn;
  COMPACT_BY_OCTET[short.toUpperCase().charCodeAt(0)] = hn;
}

/** The same spellings as char codes, for {@link knownHeaderInBytes}. */
const BYTE_BUCKETS: Array<Array<[Uint8Array, HeaderName]> | undefined> = BUCKETS.map((list) =>
  list === undefined ? undefined : list.map(([spelling, hn]): [Uint8Array, HeaderName] => [Buffer.from(spelling, 'latin1'), hn]),
);

/**
 * {@link knownHeaderAt} over the octets of an ASCII head (`bytes[i]` is `text.charCodeAt(i)`):
 * typed-array reads are about twice as fast as `charCodeAt` on the decoded string in this loop.
 * @internal
 */
export function knownHeaderInBytes(bytes: Uint8Array, pos: number, len: number): HeaderName | undefined {
  if (len === 1) {
    // RFC 3261 §7.3.3 compact forms, either case, without the bucket walk
    const b = bytes[pos];
    return b < 128 ? COMPACT_BY_OCTET[b] : undefined;
  }
  const list = len < 64 ? BYTE_BUCKETS[len * 32 + (bytes[pos] & 31)] : undefined;
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const spelling = list[i][0];
    let j = 0;
    while (j < len && spelling[j] === bytes[pos + j]) j++;
    if (j === len) return list[i][1];
  }
  return undefined;
}

/**
 * The known header whose exact spelling is written at `text[pos, pos + len)`, found without
 * cutting the name out (the common case); `undefined` for other spellings.
 */
export function knownHeaderAt(text: string, pos: number, len: number): HeaderName | undefined {
  const list = len < 64 ? BUCKETS[len * 32 + (text.charCodeAt(pos) & 31)] : undefined;
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const spelling = list[i][0];
    let j = 1;
    while (j < len && spelling.charCodeAt(j) === text.charCodeAt(pos + j)) j++;
    if (j === len && spelling.charCodeAt(0) === text.charCodeAt(pos)) return list[i][1];
  }
  return undefined;
}

/**
 * Resolves a header name: case-insensitive, compact forms expanded, well-known names spelled
 * canonically; unknown names keep the spelling given.
 */
export function resolveHeaderName(raw: string): HeaderName {
  const hit = TABLE.get(raw);
  if (hit !== undefined) return hit;
  const key = raw.toLowerCase();
  const hit2 = TABLE.get(key);
  if (hit2 !== undefined) return hit2;
  return { key, name: raw, hot: -1 };
}

/** Lower-case lookup key of a header name (compact forms expanded). */
export function headerKey(raw: string): string {
  const hit = TABLE.get(raw);
  return hit !== undefined ? hit.key : resolveHeaderName(raw).key;
}
