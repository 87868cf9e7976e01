/**
 * SDP (RFC 4566/8866): read in one pass (sdp-read.ts) or through sdp-transform, plus the small helpers the SIPREC layer needs.
 * @module
 */
import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { SipParseError } from './errors.js';
import { readCommonSdp } from './sdp-read.js';

/** A parsed SDP session description (sdp-transform's shape). */
export type SdpSession = SessionDescription;
/** One m= section of an {@link SdpSession}. */
export type SdpMedia = MediaDescription;
/** Media direction attribute values (RFC 3264 §5.1). */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * Parses SDP text (or a body Buffer, read as UTF-8): the common line kinds in one pass
 * (sdp-read.ts), anything else through sdp-transform; the same result either way.
 * @throws SipParseError if it does not start with `v=` or has no o= line (RFC 8866 §5).
 */
export function parseSdp(text: string | Buffer): SdpSession {
  const s = typeof text === 'string' ? text : text.toString('utf8');
  return readCommonSdp(s) ?? parseSdpFully(s);
}

/**
 * {@link parseSdp} with every line through sdp-transform. Exported for the tests that hold the
 * one-pass reader to it.
 * @throws SipParseError as {@link parseSdp}
 */
export function parseSdpFully(s: string): SdpSession {
  if (!/^\s*v=/.test(s)) throw new SipParseError('SDP must start with v=', { status: 488 });
  let session: SdpSession;
  try {
    session = sdpTransform.parse(s);
  } catch (e) {
    throw new SipParseError('malformed SDP', { status: 488, cause: e });
  }
  if (session.origin === undefined) throw new SipParseError('SDP without o= line', { status: 488 });
  if (!Array.isArray(session.media)) session.media = [];
  return session;
}

/** Writes a session description as SDP text (CRLF line ends). */
export function writeSdp(session: SdpSession): string {
  const text = sdpTransform.write(session);
  const o = session.origin;
  if (o === undefined) return text;
  // sdp-transform formats sess-version with %d, through a JS number: a 64-bit value (WebRTC
  // stacks use them, RFC 8866 §5.2 allows them) would come out rounded. Write o= as parsed.
  const origin = `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} IP${o.ipVer} ${o.address}`;
  return text.replace(/^o=.*$/m, () => origin);
}

/** The RFC 4574 `a=label` of an m= section, if any. */
export function mediaLabel(m: SdpMedia): string | undefined {
  return m.label === undefined ? undefined : String(m.label);
}

/**
 * The direction of an m= section: its own attribute, else the session-level one, else sendrecv
 * (RFC 3264 §5.1).
 */
export function mediaDirection(m: SdpMedia, session?: SdpSession): SdpDirection {
  return m.direction ?? session?.direction ?? 'sendrecv';
}

/** Sets the direction attribute of an m= section. */
export function setMediaDirection(m: SdpMedia, direction: SdpDirection): void {
  m.direction = direction;
}
