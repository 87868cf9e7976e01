/**
 * The SRS's checks on a new INVITE, in order, each naming the response it fails with:
 * RFC 7866 §6.2 classification (488), a readable body (400 / 415), metadata that parses and
 * keeps the RFC 7865 id rules (400 with the reason), and, when there is an SDP offer, at least one
 * stream the SRS records (488; see media-plan.ts). No offer is fine: the SRS offers in its 2xx
 * (RFC 7866 §7.1.2). A metadata part over `maxMetadataBytes` is 413 (RFC 3261 §21.4.11), checked
 * before it is parsed. Session, rate, disk and port limits are the server's (486 / 503).
 */
import { SipParseError } from '../../message/index.js';
import { MessageElements } from '../common/api.js';
import { MetadataError, parseMetadata, type RecordingMetadata } from '../metadata/index.js';
import { classifyRecordingInvite, splitRecordingBody, type HeaderSource } from '../body/index.js';
import { planOffer, recordable as recordableStreams, type MediaPlan, type MediaPolicy, type PlannedStream } from './media-plan.js';

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
  | { ok: true; offer: MediaPlan | undefined; recordable: PlannedStream[]; metadata?: ReceivedMetadata; snapshotRequest?: boolean }
  | { ok: false; status: number; reason: string; limit?: 'maxMetadataBytes' };

/** Options of the checks. */
export interface CheckOptions {
  /** G.711 encoding names decoded to WAV (other names here are ignored; see `media.audioCodecs`). */
  codecs: readonly string[];
  /** Refuse an INVITE without metadata. */
  requireMetadata: boolean;
  /** Kinds and raw codecs recorded (default: every kind, any raw codec, MSRP on). */
  media?: Omit<MediaPolicy, 'wavCodecs'>;
  /** Largest metadata (or metadata-request) part in bytes; larger is 413 (default and 0: no limit). */
  maxMetadataBytes?: number;
}

/** The media policy of a set of check options. */
export function policyOf(opts: CheckOptions): MediaPolicy {
  return { kinds: ['audio', 'video', 'text', 'message'], msrp: true, ...opts.media, wavCodecs: opts.codecs.filter((c) => /^PCM[UA]$/i.test(c)) };
}

function reject(status: number, reason: string): InviteVerdict {
  return { ok: false, status, reason: reason.replace(/[\r\n]+/g, ' ').slice(0, 200) };
}

/** Parses a metadata part; `undefined` when absent; throws MetadataError. */
export function readMetadata(raw: Buffer | undefined): ReceivedMetadata | undefined {
  return raw === undefined ? undefined : { raw, parsed: parseMetadata(raw) };
}

/**
 * The body, without a copy when `src` is the stack's own MessageElements (its `content` copies the
 * whole multipart body, a pooled slice, at each read; issue 15). The checks only read it; the
 * metadata part a session keeps is a view of this body (its own allocation, never changed).
 */
function bodyOf(src: InviteSource): Buffer | undefined {
  return src instanceof MessageElements ? MessageElements.bodyOf(src) : src.content;
}

/** Runs the body checks of a recording-session INVITE (new or re-INVITE with `inDialog`). */
export function checkRecordingBody(src: InviteSource, opts: CheckOptions, inDialog = false): InviteVerdict {
  let parts;
  try {
    parts = splitRecordingBody(src.contentType, bodyOf(src));
  } catch (e) {
    return e instanceof SipParseError ? reject(e.status, e.reason) : reject(400, 'Unreadable body');
  }
  const maxMeta = opts.maxMetadataBytes ?? 0;
  if (maxMeta > 0) {
    for (const part of [parts.metadata, parts.snapshotRequest]) {
      if (part !== undefined && part.length > maxMeta) {
        return { ...reject(413, `Metadata too large (${part.length} bytes, limit ${maxMeta})`), limit: 'maxMetadataBytes' } as InviteVerdict;
      }
    }
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
    // RFC 7866 §7.1.2 / RFC 3261 §13.2.1: no offer; the SRS offers in the 2xx, the answer comes in the ACK.
    return { ok: true, offer: undefined, recordable: [], ...(metadata ? { metadata } : {}), ...(parts.snapshotRequest ? { snapshotRequest: true } : {}) };
  }
  let offer: MediaPlan;
  try {
    offer = planOffer(parts.sdp, policyOf(opts));
  } catch (e) {
    return e instanceof SipParseError ? reject(488, e.reason) : reject(488, 'Bad SDP');
  }
  const recordable = recordableStreams(offer);
  const paused = offer.streams.some((s) => s.direction === 'inactive' && s.port !== 0);
  if (recordable.length === 0 && !paused) return reject(488, 'No recordable stream (media kind or codec not supported)');
  return { ok: true, offer, recordable, ...(metadata ? { metadata } : {}) };
}

/** All checks of a new INVITE. */
export function checkRecordingInvite(src: InviteSource, opts: CheckOptions): InviteVerdict {
  const cls = classifyRecordingInvite(src);
  if (!cls.siprec) return reject(cls.status, cls.reason);
  return checkRecordingBody(src, opts);
}
