/**
 * MSRP (RFC 4975) wire pieces shared by the SRS's receiver (`srs/msrp.ts`) and the SRC's sender
 * (`src/msrp-sender.ts`): framing and parsing, Byte-Range, chunking, identifiers, paths, URIs, and
 * the message/cpim wrapper (RFC 3862) the SRC puts around a message that names its sender.
 */
export { buildMsrpFrame, buildMsrpResponse, MsrpSyntaxError, type MsrpFlag, type MsrpFrame } from './frame.js';
export { MsrpParser } from './parser.js';
export { formatByteRange, parseByteRange, type ByteRange } from './byte-range.js';
export {
  buildAbortChunk, buildBindSend, buildSendChunk, MSRP_DEFAULT_CHUNK_BYTES, splitMessage, type MsrpChunk, type MsrpSendAddress,
} from './chunks.js';
export { isIdent, newMessageId, newSessionId, newTransactionId } from './ids.js';
export { firstUri, lastUri, pathHeaders, pathUris } from './paths.js';
export { wrapCpim } from './cpim.js';
export { formatMsrpUri, MSRP_DEFAULT_PORT, msrpSessionId, parseMsrpUri, type MsrpUri } from './uri.js';
