/**
 * multipart/* bodies (RFC 2046 §5.1), binary-safe: parts are sliced from the body Buffer.
 * Used for SIPREC (RFC 7866 §9: SDP + rs-metadata) and RFC 4475 mpart01.
 * @module
 */
import { randomBytes } from 'node:crypto';
import * as m_chars from './chars.js';
import { fail } from './errors.js';
import * as m_header_block from './header-block.js';
import { Headers, type HeadersInit } from './headers.js';
import { MediaType } from './media-type.js';
import { type Params } from './params.js';
import * as m_params from './params.js';

// NOTE: hot imported functions and tables are copied to locals once: when these modules run
// through a CommonJS transform (tsx from a CJS entry, some bundlers), every access to an imported
// name is a getter call, which dominated parse profiles.
const { isToken } = m_chars;
const { parseHeaderBlock } = m_header_block;
const { formatParams, parseParams } = m_params;

/** A Content-Disposition value (RFC 3261 §20.11). */
export interface Disposition {
  /** Disposition type, lower case (e.g. 'session', 'recording-session', 'render'). */
  type: string;
  /** Parameters (e.g. `handling`). */
  params: Params;
}

/** One part of a multipart body. */
export interface BodyPart {
  /** The part's own header fields. */
  headers: Headers;
  /** Content-Type, if the part has one (RFC 2046 default is text/plain). */
  contentType?: MediaType;
  /** Content-Disposition, if any. */
  disposition?: Disposition;
  /** Content-ID as written (e.g. `<abc@host>`), if any. */
  contentId?: string;
  /** The part's octets. */
  body: Buffer;
}

/** A part to build: a content type and a body, optionally disposition, Content-ID, more headers. */
export interface BodyPartInit {
  contentType: MediaType | string;
  body: Buffer | string;
  disposition?: string | Disposition;
  contentId?: string;
  headers?: HeadersInit;
}

/** Parses a Content-Disposition value: `type *(;param)`. @throws SipParseError if malformed. */
export function parseDisposition(value: string): Disposition {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  if (!isToken(type)) fail('invalid Content-Disposition');
  return { type, params: semi < 0 ? new Map() : parseParams(value, semi, new Map(), 'Content-Disposition') };
}

/** Writes a Content-Disposition value. */
export function formatDisposition(d: Disposition): string {
  return d.type + formatParams(d.params);
}

function isDelimiterEnd(body: Buffer, i: number): number {
  // after "--boundary": transport padding (LWSP) then CRLF; returns the index after CRLF, or -1
  while (i < body.length && (body[i] === 32 || body[i] === 9)) i++;
  if (body[i] === 13 && body[i + 1] === 10) return i + 2;
  if (body[i] === 10) return i + 1;
  return -1;
}

/**
 * Splits a multipart body into parts (RFC 2046 §5.1.1). Preamble and epilogue are ignored;
 * the CRLF before each delimiter belongs to the delimiter. Lines may end in CRLF or bare LF.
 * @throws SipParseError if the boundary is missing or the body is not well delimited.
 */
export function parseMultipart(body: Buffer, contentType: MediaType): BodyPart[] {
  if (contentType.type !== 'multipart') fail('not a multipart body');
  const boundary = contentType.params.get('boundary');
  if (boundary === undefined || boundary.length === 0 || boundary.length > 70) fail('missing or invalid multipart boundary');
  const dash = Buffer.from('--' + boundary, 'utf8');
  const lineDash = Buffer.from('\n--' + boundary, 'utf8');
  // the first delimiter may start the body, or follow a preamble
  let at: number;
  if (body.subarray(0, dash.length).equals(dash)) at = dash.length;
  else {
    const f = body.indexOf(lineDash);
    if (f < 0) fail('multipart boundary not found');
    at = f + lineDash.length;
  }
  const parts: BodyPart[] = [];
  for (;;) {
    if (body[at] === 45 && body[at + 1] === 45) return parts; // close delimiter
    const start = isDelimiterEnd(body, at);
    if (start < 0) fail('malformed multipart delimiter');
    const next = body.indexOf(lineDash, start - 1);
    if (next < 0) fail('missing multipart close delimiter');
    const end = next > start && body[next - 1] === 13 ? next - 1 : next;
    parts.push(parsePart(body.subarray(start, Math.max(start, end))));
    at = next + lineDash.length;
    if (parts.length > 1000) fail('too many body parts');
  }
}

function parsePart(raw: Buffer): BodyPart {
  const headers = new Headers();
  let bodyStart: number;
  if (raw[0] === 13 && raw[1] === 10) bodyStart = 2;
  else if (raw[0] === 10) bodyStart = 1;
  else {
    const crlf = raw.indexOf('\n\r\n');
    const lf = raw.indexOf('\n\n');
    let headEnd: number;
    if (lf >= 0 && (crlf < 0 || lf < crlf)) [headEnd, bodyStart] = [lf, lf + 2];
    else if (crlf >= 0) [headEnd, bodyStart] = [crlf, crlf + 3];
    else [headEnd, bodyStart] = [raw.length, raw.length]; // headers only, empty body
    parseHeaderBlock(raw.toString('utf8', 0, headEnd), 0, headers);
  }
  const part: BodyPart = { headers, body: raw.subarray(bodyStart) };
  const ct = headers.firstByKey('content-type');
  if (ct !== undefined) part.contentType = MediaType.parse(ct);
  const cd = headers.firstByKey('content-disposition');
  if (cd !== undefined) part.disposition = parseDisposition(cd);
  const cid = headers.firstByKey('content-id');
  if (cid !== undefined) part.contentId = cid;
  return part;
}

/**
 * Builds a multipart body (default multipart/mixed) with CRLF line ends.
 * @param boundary boundary to use (default: random); it must not occur in any part.
 * @throws RangeError if the given boundary occurs in a part.
 */
export function buildMultipart(
  parts: readonly BodyPartInit[],
  boundary?: string,
  subtype = 'mixed',
): { contentType: MediaType; body: Buffer } {
  const bodies = parts.map((p) => (typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body));
  let b = boundary ?? 'tsip-' + randomBytes(12).toString('hex');
  const clash = (x: string) => bodies.some((body) => body.indexOf('--' + x) >= 0);
  if (boundary !== undefined && clash(b)) throw new RangeError('boundary occurs in a body part');
  while (clash(b)) b = 'tsip-' + randomBytes(12).toString('hex');
  const chunks: Buffer[] = [];
  parts.forEach((p, i) => {
    const h = new Headers(p.headers);
    h.set('Content-Type', p.contentType.toString());
    if (p.disposition !== undefined) {
      h.set('Content-Disposition', typeof p.disposition === 'string' ? p.disposition : formatDisposition(p.disposition));
    }
    if (p.contentId !== undefined) h.set('Content-ID', p.contentId);
    chunks.push(Buffer.from('--' + b + '\r\n' + h.writeTo() + '\r\n', 'utf8'), bodies[i], Buffer.from('\r\n', 'utf8'));
  });
  chunks.push(Buffer.from('--' + b + '--\r\n', 'utf8'));
  return { contentType: new MediaType('multipart', subtype, { boundary: b }), body: Buffer.concat(chunks) };
}
