/**
 * One MSRP request or response as framed on the wire (RFC 4975 §5.1, §7, §9):
 *
 * ```
 * MSRP <transact-id> <method> | <status> [comment] CRLF
 * header CRLF ...                    (To-Path, From-Path first: §7.1)
 * [Content-Type ... CRLF CRLF <data> CRLF]
 * -------<transact-id><flag> CRLF    flag: '$' last chunk, '+' more follow, '#' aborted (§5.1)
 * ```
 * Requests and responses share the end-line; only a request may carry content (§7.2).
 */

/** The continuation flag of an end-line (RFC 4975 §5.1, §9). */
export type MsrpFlag = '$' | '+' | '#';

/** One MSRP request or response as framed on the wire. */
export interface MsrpFrame {
  /** transact-id. */
  transactionId: string;
  /** Request method (SEND, REPORT ...), for requests. */
  method?: string;
  /** Status code, for responses. */
  status?: number;
  /** Headers by lower-case name (the first of each). */
  headers: Map<string, string>;
  /** Body data, when the frame has content. */
  body?: Buffer;
  /** Continuation flag of the end-line. */
  flag: MsrpFlag;
}

/** Thrown by the parser for bytes that are not MSRP. */
export class MsrpSyntaxError extends Error {
  override readonly name = 'MsrpSyntaxError';
}

/**
 * Builds a request or response frame. `startRest` is what follows the transact-id on the start
 * line (`SEND`, `200 OK`); `flag` the end-line's continuation flag. With `body` the frame gets a
 * Content-Type, the blank line and the data (RFC 4975 §9: `Content-Stuff`).
 */
export function buildMsrpFrame(tid: string, startRest: string, headers: readonly (readonly [string, string])[], body?: { contentType: string; data: Buffer }, flag: MsrpFlag = '$'): Buffer {
  const head = `MSRP ${tid} ${startRest}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
  if (!body) return Buffer.from(`${head}-------${tid}${flag}\r\n`, 'utf8');
  return Buffer.concat([Buffer.from(`${head}Content-Type: ${body.contentType}\r\n\r\n`, 'utf8'), body.data, Buffer.from(`\r\n-------${tid}${flag}\r\n`, 'utf8')]);
}

/**
 * A response to a request (RFC 4975 §7.2): same transact-id, To-Path = the first URI of the
 * request's From-Path (the previous hop; no relays here), From-Path = our URI. No content.
 */
export function buildMsrpResponse(tid: string, status: number, comment: string, toPath: string, fromPath: string): Buffer {
  return buildMsrpFrame(tid, `${status} ${comment}`, [['To-Path', toPath], ['From-Path', fromPath]]);
}
