/**
 * SEND requests for one message (RFC 4975 §5.1, §7.1.1): the body split into chunks, each a SEND
 * with the message's Message-ID, a Byte-Range saying where its data goes (1-based, inclusive, the
 * total known) and the end-line flag `+` (more follow) or `$` (last). A sender gives up a message
 * part-way with a chunk flagged `#` (§7.1.1); a bodiless SEND (Byte-Range `1-0/0`) binds a fresh
 * connection to the session (§5.4) and is no message.
 */
import { formatByteRange } from './byte-range.js';
import { buildMsrpFrame, type MsrpFlag } from './frame.js';
import { pathHeaders } from './paths.js';

/**
 * RFC 4975 §7.1: a chunk larger than 2048 octets MUST be interruptible. The senders here never
 * interrupt a chunk once started, so they keep chunks to this size.
 */
export const MSRP_DEFAULT_CHUNK_BYTES = 2048;

/** One chunk of a message. */
export interface MsrpChunk {
  /** First byte (1-based). */
  start: number;
  /** Last byte (inclusive; start - 1 for an empty body). */
  end: number;
  /** Message size. */
  total: number;
  /** The chunk's data (a view on the body). */
  data: Buffer;
  /** '+' when more chunks follow, '$' on the last. */
  flag: MsrpFlag;
}

/**
 * Splits a body into chunks of at most `chunkSize` bytes (RFC 4975 §7.1.1), in order. An empty
 * body is one empty chunk (`1-0/0`, `$`). Bytes are cut anywhere: the receiver puts them back by
 * Byte-Range, so a UTF-8 character may straddle two chunks.
 */
export function splitMessage(body: Buffer, chunkSize = MSRP_DEFAULT_CHUNK_BYTES): MsrpChunk[] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`MSRP chunk size must be a positive integer, not ${chunkSize}`);
  const total = body.length;
  if (total === 0) return [{ start: 1, end: 0, total: 0, data: body, flag: '$' }];
  const out: MsrpChunk[] = [];
  for (let o = 0; o < total; o += chunkSize) {
    const data = body.subarray(o, Math.min(total, o + chunkSize));
    out.push({ start: o + 1, end: o + data.length, total, data, flag: o + data.length < total ? '+' : '$' });
  }
  return out;
}

/** Addressing of the SENDs of one session (no relays: one URI each). */
export interface MsrpSendAddress {
  /** The receiver's URI (To-Path). */
  toPath: string;
  /** Our URI (From-Path). */
  fromPath: string;
}

/**
 * One chunk as a SEND request (RFC 4975 §7.1.1): To-Path, From-Path, Message-ID, Byte-Range,
 * any `extra` headers (Success-Report, Failure-Report), then Content-Type and the data.
 */
export function buildSendChunk(tid: string, addr: MsrpSendAddress, messageId: string, contentType: string, chunk: MsrpChunk, extra: readonly (readonly [string, string])[] = []): Buffer {
  return buildMsrpFrame(tid, 'SEND', [
    ...pathHeaders(addr.toPath, addr.fromPath), ['Message-ID', messageId],
    ['Byte-Range', formatByteRange({ start: chunk.start, end: chunk.end, total: chunk.total })], ...extra,
  ], { contentType, data: chunk.data }, chunk.flag);
}

/**
 * The chunk that aborts a message after `sent` bytes (RFC 4975 §7.1.1, flag `#`): no data,
 * Byte-Range `<sent+1>-*\/<total>`. The receiver keeps what came, marked incomplete.
 */
export function buildAbortChunk(tid: string, addr: MsrpSendAddress, messageId: string, sent: number, total: number): Buffer {
  return buildMsrpFrame(tid, 'SEND', [
    ...pathHeaders(addr.toPath, addr.fromPath), ['Message-ID', messageId], ['Byte-Range', formatByteRange({ start: sent + 1, total })],
  ], undefined, '#');
}

/**
 * The bodiless SEND the active endpoint sends as soon as its connection is up (RFC 4975 §5.4), so
 * the receiver can tie the connection to the session before any message is ready.
 */
export function buildBindSend(tid: string, addr: MsrpSendAddress, messageId: string): Buffer {
  return buildMsrpFrame(tid, 'SEND', [...pathHeaders(addr.toPath, addr.fromPath), ['Message-ID', messageId], ['Byte-Range', '1-0/0']]);
}
