/**
 * The multipart/mixed body of a recording-session request (RFC 7866 §9.1): an application/sdp
 * part and an application/rs-metadata+xml part with `Content-Disposition: recording-session`;
 * and its inverse for the SRS, which finds those parts in whatever the SRC sent.
 */
import { MediaType, parseMultipart, SipParseError } from '../../message/index.js';
import { randomToken } from '../../message/random-pool.js';
import {
  LEGACY_METADATA_CONTENT_TYPE, METADATA_CONTENT_TYPE, RECORDING_SESSION_DISPOSITION,
  SNAPSHOT_REQUEST_CONTENT_TYPE,
} from '../metadata/index.js';

/** A body ready for MessageElements. */
export interface BuiltBody {
  /** Content-Type header value (with the boundary). */
  contentType: string;
  /** The octets. */
  body: Buffer;
}

/** Builds the SDP + metadata multipart body; with no metadata, a plain application/sdp body. */
export function buildRecordingBody(sdp: string | undefined, metadataXml: string | undefined): BuiltBody {
  if (metadataXml === undefined) {
    if (sdp === undefined) throw new RangeError('a recording body needs SDP or metadata');
    return { contentType: 'application/sdp', body: Buffer.from(sdp, 'utf8') };
  }
  // Written directly (one string, one Buffer) rather than through buildMultipart, which builds a
  // Headers and a MediaType per part: this runs once per set-up and per metadata update (issue
  // 15). Same octets as buildMultipart would write (RFC 2046 §5.1.1, CRLF line ends).
  let b = newBoundary();
  while ((sdp !== undefined && sdp.includes('--' + b)) || metadataXml.includes('--' + b)) b = newBoundary();
  // RFC 7866 §9.1 / §11.3: the metadata part is marked recording-session.
  const metaPart = `--${b}\r\nContent-Type: ${METADATA_CONTENT_TYPE}\r\nContent-Disposition: ${RECORDING_SESSION_DISPOSITION}\r\n\r\n${metadataXml}\r\n--${b}--\r\n`;
  // A metadata-only update (RFC 7866 §9.1) stays multipart so the part keeps its disposition.
  const text = sdp === undefined ? metaPart : `--${b}\r\nContent-Type: application/sdp\r\n\r\n${sdp}\r\n${metaPart}`;
  return { contentType: `multipart/mixed;boundary=${b}`, body: Buffer.from(text, 'utf8') };
}

/** A random multipart boundary (RFC 2046 §5.1.1: at most 70 characters), from the pooled random bytes. */
function newBoundary(): string {
  return 'tsip-' + randomToken(16, 'hex');
}

/** Files one body part of a recording-session body into `out` (the first SDP, the first metadata). */
function takePart(out: RecordingBodyParts, essence: string, b: Buffer, disposition: string | undefined): void {
  if (essence === 'application/sdp' && out.sdp === undefined) out.sdp = b.toString('utf8');
  else if ((isMetadataType(essence) || disposition === RECORDING_SESSION_DISPOSITION) && out.metadata === undefined && essence !== SNAPSHOT_REQUEST_CONTENT_TYPE) {
    out.metadata = b;
    out.metadataType = essence;
  } else if (essence === SNAPSHOT_REQUEST_CONTENT_TYPE) out.snapshotRequest = b;
  else out.ignored.push(essence);
}

/** What a recording-session body holds. */
export interface RecordingBodyParts {
  /** The SDP, if present. */
  sdp?: string;
  /** The metadata document, if present. */
  metadata?: Buffer;
  /** The metadata part's media type (rs-metadata+xml or the legacy rs-metadata). */
  metadataType?: string;
  /** True when a snapshot request (application/rs-metadata-request) was found. */
  snapshotRequest?: Buffer;
  /** Types of parts that were neither (ignored). */
  ignored: string[];
}

function isMetadataType(essence: string): boolean {
  // SIPREC-NOTES §3.3: AudioCodes sends application/rs-metadata (no +xml); legacy SBCs recording+xml.
  return essence === METADATA_CONTENT_TYPE || essence === LEGACY_METADATA_CONTENT_TYPE || essence === 'application/recording+xml';
}

/**
 * Splits a body by its Content-Type into SDP and metadata parts.
 * @throws SipParseError (status 400) for a broken multipart body, (415) for an unusable type.
 */
export function splitRecordingBody(contentType: string | undefined, body: Buffer | undefined): RecordingBodyParts {
  const out: RecordingBodyParts = { ignored: [] };
  if (body === undefined || body.length === 0) return out;
  if (contentType === undefined) throw new SipParseError('body without Content-Type', { status: 400 });
  let mt: MediaType;
  try {
    mt = MediaType.parse(contentType);
  } catch (e) {
    throw new SipParseError('bad Content-Type', { status: 400, cause: e });
  }
  if (mt.type === 'multipart') {
    const parts = parseMultipart(body, mt);
    for (const p of parts) takePart(out, p.contentType?.essence ?? 'text/plain', p.body, p.disposition?.type);
  } else takePart(out, mt.essence, body, undefined);
  if (out.sdp === undefined && out.metadata === undefined && out.snapshotRequest === undefined) {
    throw new SipParseError(`unsupported body type ${mt.essence}`, { status: 415 });
  }
  return out;
}
