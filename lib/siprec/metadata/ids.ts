/** Metadata object ids. */
import { parse as uuidParse, v4 as uuidv4 } from 'uuid';

/**
 * A fresh id for a metadata object: the base64 of a random 128-bit UUID,
 * as RFC 7865 §6.9 recommends (e.g. `hVpd7YQgRW2nD22h7q60JQ==`).
 */
export function newMetadataId(): string {
  return Buffer.from(uuidParse(uuidv4())).toString('base64');
}
