/**
 * The SRS's checks on a new INVITE, in order, each naming the response it fails with:
 * RFC 7866 §6.2 classification (488), a readable body (400 / 415), metadata that parses and
 * keeps the RFC 7865 id rules (400 with the reason), an SDP offer (488), and at least one stream
 * in a codec the SRS decodes (488). Session and port limits are the server's (486 / 503).
 */
import { SipParseError } from '../../message/index.js';
import { MetadataError, parseMetadata, type RecordingMetadata } from '../metadata/index.js';
import {
  analyseOffer, classifyRecordingInvite, recordableStreams, splitRecordingBody,
  type AnalysedOffer, type HeaderSource, type OfferedStream,
} from '../body/index.js';

/** A request as the checks see it (a MessageElementsView fits). */
export interface InviteSource extends HeaderSource {
  /** Body. */
  readonly content: Buffer | undefined;
  /** Content-Type. */
  readonly contentType: string | undefined;
}

/** Metadata as received and parsed. */
export interface ReceivedMetadata {
  /** Bytes as received. */
  raw: Buffer;
  /** Parsed model. */
  parsed: RecordingMetadata;
}

/** Outcome of {@link checkRecordingInvite}. */
export type InviteVerdict =
  | { ok: true; offer: AnalysedOffer | undefined; recordable: OfferedStream[]; metadata?: ReceivedMetadata; snapshotRequest?: boolean }
  | { ok: false; status: number; reason: string };

/** Options of the checks. */
export interface CheckOptions {
  /** Encoding names accepted. */
  codecs: readonly string[];
  /** Refuse an INVITE without metadata. */
  requireMetadata: boolean;
}

function reject(status: number, reason: string): InviteVerdict {
  return { ok: false, status, reason: reason.replace(/[\r\n]+/g, ' ').slice(0, 200) };
}

/** Parses a metadata part; `undefined` when absent; throws MetadataError. */
export function readMetadata(raw: Buffer | undefined): ReceivedMetadata | undefined {
  return raw === undefined ? undefined : { raw, parsed: parseMetadata(raw) };
}

/** Runs the body checks of a recording-session INVITE (new or re-INVITE with `inDialog`). */
export function checkRecordingBody(src: InviteSource, opts: CheckOptions, inDialog = false): InviteVerdict {
  let parts;
  try {
    parts = splitRecordingBody(src.contentType, src.content);
  } catch (e) {
    return e instanceof SipParseError ? reject(e.status, e.reason) : reject(400, 'Unreadable body');
  }
  let metadata: ReceivedMetadata | undefined;
  try {
    metadata = readMetadata(parts.metadata);
  } catch (e) {
    // RFC 7866 §9.2 leaves the code to the SRS; tsip answers 400 with the parser's reason.
    if (e instanceof MetadataError) return reject(400, `Bad metadata: ${e.reason}`);
    throw e;
  }
  if (metadata === undefined && opts.requireMetadata && !inDialog) return reject(400, 'Recording metadata required');
  if (parts.sdp === undefined) {
    // NOTE (deviation): an offer-less SIPREC INVITE (RFC 7866 allows it) is not supported.
    if (!inDialog) return reject(488, 'SDP offer required');
    return { ok: true, offer: undefined, recordable: [], ...(metadata ? { metadata } : {}), ...(parts.snapshotRequest ? { snapshotRequest: true } : {}) };
  }
  let offer: AnalysedOffer;
  try {
    offer = analyseOffer(parts.sdp, opts.codecs);
  } catch (e) {
    return e instanceof SipParseError ? reject(488, e.reason) : reject(488, 'Bad SDP');
  }
  const recordable = recordableStreams(offer);
  const paused = offer.streams.some((s) => s.direction === 'inactive' && s.port !== 0);
  if (recordable.length === 0 && !paused) return reject(488, 'No stream in a supported codec');
  return { ok: true, offer, recordable, ...(metadata ? { metadata } : {}) };
}

/** All checks of a new INVITE. */
export function checkRecordingInvite(src: InviteSource, opts: CheckOptions): InviteVerdict {
  const cls = classifyRecordingInvite(src);
  if (!cls.siprec) return reject(cls.status, cls.reason);
  return checkRecordingBody(src, opts);
}
