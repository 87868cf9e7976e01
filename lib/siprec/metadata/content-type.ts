/**
 * Recognises the body types SIPREC peers use for metadata, tolerating the
 * legacy names seen in the field (SIPREC-NOTES §3.3).
 */
import { LEGACY_METADATA_CONTENT_TYPE, METADATA_CONTENT_TYPE, SNAPSHOT_REQUEST_CONTENT_TYPE } from './constants.js';

/** What a body part is, by its Content-Type. */
export type SiprecBodyKind = 'metadata' | 'snapshot-request';

const METADATA_TYPES = new Set([
  METADATA_CONTENT_TYPE,
  // NOTE (deviation): legacy names accepted on receipt only, never sent.
  LEGACY_METADATA_CONTENT_TYPE, // AudioCodes and others (RFC 9806 mentions it)
  'application/recording+xml', // misspelling of legacy SBCs
]);

/**
 * Classifies a Content-Type header value (parameters and case ignored).
 * Returns undefined for anything that is not SIPREC metadata.
 */
export function classifySiprecContentType(contentType: string): SiprecBodyKind | undefined {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (METADATA_TYPES.has(type)) return 'metadata';
  if (type === SNAPSHOT_REQUEST_CONTENT_TYPE) return 'snapshot-request';
  return undefined;
}
