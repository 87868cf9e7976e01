/** Turns a metadata body (string or bytes) into a string, enforcing the size limit. */
import { MetadataError, MetadataErrorCode } from './errors.js';

/**
 * Decodes `input` to a string. Bytes are read as UTF-8 unless the XML
 * declaration names ISO-8859-1 / US-ASCII; a UTF-8 BOM is dropped.
 * Throws `TooLarge` past `maxBytes`, `MalformedXml` for other encodings.
 */
export function decodeXmlInput(input: string | Uint8Array, maxBytes: number): string {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    throw new MetadataError(MetadataErrorCode.TooLarge, 'Metadata too large', `${size} > ${maxBytes} bytes`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const head = buf.subarray(0, 100).toString('latin1');
    const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
    const enc = (m?.[1] ?? 'utf-8').toLowerCase();
    if (enc === 'utf-8' || enc === 'utf8') text = buf.toString('utf8');
    else if (enc === 'iso-8859-1' || enc === 'latin1' || enc === 'us-ascii' || enc === 'ascii') text = buf.toString('latin1');
    else throw new MetadataError(MetadataErrorCode.MalformedXml, 'Unsupported metadata encoding', enc);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
