/**
 * The one-pass SDP reader behind `parseSdp` (sdp.ts). The SDP a SIP UA sees most, a SIPREC
 * offer or answer, a call's audio, carries a handful of line kinds (v o s c t m,
 * a=rtpmap/fmtp/rtcp/ptime/label and the direction). {@link readCommonSdp} reads exactly those in
 * one pass over the lines and gives the same object sdp-transform's parser does; any other line,
 * or one of those lines in a form it does not take, makes it return undefined and `parseSdp`
 * hands the whole text to sdp-transform instead, so the result (and the 488 for SDP that does
 * not parse) never differs. sdp-transform tries each line against its grammar's regexes in turn:
 * ~70 for an `a=` line, several % of a SIPREC set-up's CPU (issue 15).
 * @module
 */
import type { SdpSession } from './sdp.js';

type Fields = Record<string, unknown>;

/** sdp-transform's conversion of every captured value: a number when it reads back the same. */
function toIntIfInt(v: string): string | number {
  // String(Number(x)) starts with a digit, '-', 'I' (Infinity) or 'N' (NaN): any other first
  // character means a string, without the two conversions (most values: names, addresses)
  const c = v.charCodeAt(0);
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x49 || c === 0x4e)) return v;
  const n = Number(v);
  return String(n) === v ? n : v;
}

function isDigits(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** No white space, no control character, nothing outside ASCII: what a token of these lines is. */
function isToken(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** Printable ASCII and spaces, not empty (an s= line). */
function isText(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** `[A-Za-z0-9_]` plus the extra characters `extra` allows (sdp-transform's `\w`-based classes). */
function isWord(v: string, extra: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    const word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!word && !extra.includes(v[i])) return false;
  }
  return true;
}

/** `IP4` / `IP6` → 4 / 6. */
function ipVersion(v: string): number | undefined {
  return v === 'IP4' ? 4 : v === 'IP6' ? 6 : undefined;
}

/** o=<username> <sess-id> <sess-version> <nettype> IP<n> <address> (RFC 8866 §5.2). */
function origin(v: string): Fields | undefined {
  const p = v.split(' ');
  const ip = ipVersion(p[4]);
  if (p.length !== 6 || !isToken(p[0]) || !isDigits(p[1]) || !isDigits(p[2]) || !isToken(p[3]) || ip === undefined || !isToken(p[5])) return undefined;
  return { username: toIntIfInt(p[0]), sessionId: toIntIfInt(p[1]), sessionVersion: toIntIfInt(p[2]), netType: toIntIfInt(p[3]), ipVer: ip, address: toIntIfInt(p[5]) };
}

/** c=IN IP<n> <address> (RFC 8866 §5.7), without TTL or count. */
function connection(v: string): Fields | undefined {
  const p = v.split(' ');
  const ip = ipVersion(p[1]);
  if (p.length !== 3 || p[0] !== 'IN' || ip === undefined || !isToken(p[2]) || p[2].includes('/')) return undefined;
  return { version: ip, ip: toIntIfInt(p[2]) };
}

/** m=<media> <port> <proto> <fmt> ... (RFC 8866 §5.14), without a port count. */
function mediaLine(v: string): Fields | undefined {
  const p = v.split(' ');
  if (p.length < 4 || !isWord(p[0], '') || !isDigits(p[1]) || !isWord(p[2], '/')) return undefined;
  for (let i = 3; i < p.length; i++) if (!isToken(p[i])) return undefined;
  return { rtp: [], fmtp: [], type: p[0], port: toIntIfInt(p[1]), protocol: p[2], payloads: toIntIfInt(p.slice(3).join(' ')) };
}

/** a=rtpmap:<pt> <name>/<rate>[/<params>] (RFC 8866 §6.6). */
function rtpmap(v: string): Fields | undefined {
  const sp = v.indexOf(' ');
  if (sp < 0 || !isDigits(v.slice(0, sp))) return undefined;
  const p = v.slice(sp + 1).split('/');
  if (p.length < 2 || p.length > 3 || !isWord(p[0], '-.') || !isDigits(p[1]) || (p.length === 3 && !isToken(p[2]))) return undefined;
  const map: Fields = { payload: toIntIfInt(v.slice(0, sp)), codec: toIntIfInt(p[0]), rate: toIntIfInt(p[1]) };
  if (p.length === 3) map.encoding = toIntIfInt(p[2]);
  return map;
}

/** a=fmtp:<pt> <params> (RFC 8866 §6.15), parameters without tabs. */
function fmtp(v: string): Fields | undefined {
  const sp = v.indexOf(' ');
  if (sp < 0 || !isDigits(v.slice(0, sp))) return undefined;
  const config = v.slice(sp + 1);
  if (config.length === 0 || config.includes('\t')) return undefined;
  return { payload: toIntIfInt(v.slice(0, sp)), config: toIntIfInt(config) };
}

/** a=rtcp:<port> [IN IP<n> <address>] (RFC 3605 §2.1). */
function rtcp(v: string): Fields | undefined {
  const p = v.split(' ');
  if (!isDigits(p[0])) return undefined;
  if (p.length === 1) return { port: toIntIfInt(p[0]) };
  const ip = ipVersion(p[2]);
  if (p.length !== 4 || !isToken(p[1]) || ip === undefined || !isToken(p[3])) return undefined;
  return { port: toIntIfInt(p[0]), netType: toIntIfInt(p[1]), ipVer: ip, address: toIntIfInt(p[3]) };
}

/** Reads one a= line into `at`; false when it is not one this reader takes. */
function attribute(v: string, at: Fields): boolean {
  if (v === 'sendrecv' || v === 'recvonly' || v === 'sendonly' || v === 'inactive') {
    at.direction = v;
    return true;
  }
  const colon = v.indexOf(':');
  if (colon < 0) return false;
  const name = v.slice(0, colon);
  const value = v.slice(colon + 1);
  if (name === 'rtpmap' || name === 'fmtp') {
    const item = name === 'rtpmap' ? rtpmap(value) : fmtp(value);
    if (item === undefined) return false;
    ((at[name === 'rtpmap' ? 'rtp' : 'fmtp'] ??= []) as Fields[]).push(item);
    return true;
  }
  if (at[name] !== undefined) return false; // repeated: sdp-transform merges or overwrites, leave it to it
  if (name === 'rtcp') {
    const r = rtcp(value);
    if (r === undefined) return false;
    at.rtcp = r;
    return true;
  }
  if (name === 'label' && isToken(value)) {
    at.label = toIntIfInt(value); // RFC 4574
    return true;
  }
  if (name === 'ptime' && isDigits(value)) {
    at.ptime = toIntIfInt(value);
    return true;
  }
  return false;
}

/**
 * The one-pass reading: the session, or undefined when a line is not one it takes (then
 * `parseSdp` hands the text to sdp-transform).
 */
export function readCommonSdp(s: string): SdpSession | undefined {
  if (!s.startsWith('v=')) return undefined;
  const session: Fields = {};
  const media: Fields[] = [];
  let at = session;
  let from = 0;
  while (from < s.length) {
    let nl = s.indexOf('\n', from);
    if (nl < 0) nl = s.length;
    const line = s.slice(from, nl > from && s.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl);
    from = nl + 1;
    if (line.length === 0) continue;
    if (line.length < 2 || line.charCodeAt(1) !== 0x3d /* = */ || line.includes('\r')) return undefined;
    const v = line.slice(2);
    let ok = true;
    switch (line.charCodeAt(0)) {
      case 0x76: // v=
        ok = at === session && session.version === undefined && isDigits(v);
        if (ok) session.version = toIntIfInt(v);
        break;
      case 0x6f: // o=
        session.origin = at === session && session.origin === undefined ? origin(v) : undefined;
        ok = session.origin !== undefined;
        break;
      case 0x73: // s=
        ok = at === session && session.name === undefined && isText(v);
        if (ok) session.name = toIntIfInt(v);
        break;
      case 0x74: { // t=
        const p = v.split(' ');
        ok = at === session && session.timing === undefined && p.length === 2 && isDigits(p[0]) && isDigits(p[1]);
        if (ok) session.timing = { start: toIntIfInt(p[0]), stop: toIntIfInt(p[1]) };
        break;
      }
      case 0x63: // c=
        at.connection = at.connection === undefined ? connection(v) : undefined;
        ok = at.connection !== undefined;
        break;
      case 0x6d: { // m=
        const m = mediaLine(v);
        ok = m !== undefined;
        if (m !== undefined) {
          media.push(m);
          at = m;
        }
        break;
      }
      case 0x61: // a=
        ok = attribute(v, at);
        break;
      default:
        ok = false;
    }
    if (!ok) return undefined;
  }
  if (session.version === undefined || session.origin === undefined) return undefined;
  session.media = media;
  return session as unknown as SdpSession;
}
