/**
 * `application/rs-metadata-request` bodies: an SRS asking the SRC for a
 * complete metadata snapshot (RFC 7866 §9.2, `<requestsnapshot>`).
 */
import { DEFAULT_MAX_BYTES, LEGACY_RECORDING_NS, RECORDING_NS } from './constants.js';
import { decodeXmlInput } from './decode.js';
import { MetadataError, MetadataErrorCode } from './errors.js';
import { elementsOf, escapeText, escapeXml, parseXmlTree, textOf } from './xml-tree.js';

/** A parsed snapshot request. */
export interface SnapshotRequest {
  /** `<requestreason>` text; `''` when absent. */
  reason: string;
  /** `xml:lang` of the reason, when given. */
  lang?: string;
}

/** Builds a `<requestsnapshot>` document with the given reason. */
export function buildSnapshotRequest(reason: string, lang?: string): string {
  const langAttr = lang === undefined ? '' : ` xml:lang="${escapeXml(lang)}"`;
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<requestsnapshot xmlns="${RECORDING_NS}">\n` +
    `  <requestreason${langAttr}>${escapeText(reason)}</requestreason>\n` +
    '</requestsnapshot>\n';
}

/** Parses a `<requestsnapshot>` document; throws MetadataError (MalformedXml, WrongRoot, TooLarge). */
export function parseSnapshotRequest(xml: string | Uint8Array, maxBytes = DEFAULT_MAX_BYTES): SnapshotRequest {
  const root = parseXmlTree(decodeXmlInput(xml, maxBytes), { maxElements: 1000 });
  const nsOk = root.ns === undefined || root.ns === RECORDING_NS || LEGACY_RECORDING_NS.includes(root.ns);
  if (root.local.toLowerCase() !== 'requestsnapshot' || !nsOk) {
    throw new MetadataError(MetadataErrorCode.WrongRoot, 'Snapshot request root is not <requestsnapshot>', root.qname);
  }
  const r = elementsOf(root).find((e) => e.local.toLowerCase() === 'requestreason');
  if (!r) return { reason: '' };
  const lang = r.attrs['xml:lang'];
  return lang === undefined ? { reason: textOf(r) } : { reason: textOf(r), lang };
}
