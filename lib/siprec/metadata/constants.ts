/** Constants of RFC 7865 / RFC 7866 metadata. */

/** The RFC 7865 XML namespace (RFC 7865 §10.1). */
export const RECORDING_NS = 'urn:ietf:params:xml:ns:recording:1';

/**
 * Namespaces of draft-era documents that are mapped onto the RFC model:
 * Oracle/Acme Packet and AudioCodes send `urn:ietf:params:xml:ns:recording`
 * (no `:1`); some SRSs emit `urn:ietf:params:xml:ns:siprec`.
 */
export const LEGACY_RECORDING_NS: readonly string[] = [
  'urn:ietf:params:xml:ns:recording',
  'urn:ietf:params:xml:ns:siprec',
];

/** Media type of a metadata document (RFC 7865 §10.2). */
export const METADATA_CONTENT_TYPE = 'application/rs-metadata+xml';

/** Legacy media type still sent by some SRCs (e.g. AudioCodes). */
export const LEGACY_METADATA_CONTENT_TYPE = 'application/rs-metadata';

/** Media type of a snapshot request (RFC 7866 §11.4). */
export const SNAPSHOT_REQUEST_CONTENT_TYPE = 'application/rs-metadata-request';

/** Content-Disposition of the metadata body part (RFC 7866 §11.3). */
export const RECORDING_SESSION_DISPOSITION = 'recording-session';

/** Default limit on the size of a metadata document, in bytes. */
export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Default limit on the number of elements in a metadata document. */
export const DEFAULT_MAX_ELEMENTS = 20000;
