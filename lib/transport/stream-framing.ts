/**
 * Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: Content-Length is mandatory on
 * streams) and spots RFC 5626 §4.4.1 CRLFCRLF keep-alive pings between messages.
 *
 * NOTE (deviation): lib/message had no `StreamFramer` when this layer was written, so the
 * transport frames by itself; each cut message is then parsed by `parseMessage(raw, { stream })`.
 */
import type { StreamSink } from './stream-connection.js';

/** Why a stream cannot be framed any further; the connection is then closed. */
export type FramingProblem = 'tooLarge' | 'noContentLength' | 'badContentLength';

/** Callbacks of a {@link SipStreamFramer}. */
export interface FramingHandlers {
  /** One complete message (start line, headers, body), without leading CRLFs. */
  onMessage(raw: Buffer): void;
  /** A CRLFCRLF ping arrived between messages. */
  onPing(): void;
  /** The stream broke framing; no more callbacks follow. */
  onError(problem: FramingProblem, detail: string): void;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\S*)[ \t]*$/im;

/** A stream framer for one connection. */
export class SipStreamFramer implements StreamSink {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(
    private readonly maxMessageSize: number,
    private readonly handlers: FramingHandlers,
  ) {}

  /** Feeds bytes; returns how many are held waiting for the rest of a message. */
  push(chunk: Buffer): number {
    if (this.failed) return 0;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (!this.failed && this.buffer.length > 0 && this.next()) {
      // keep cutting while whole messages or pings are available
    }
    return this.failed ? 0 : this.buffer.length;
  }

  /** Takes one ping or message off the buffer; false when more bytes are needed. */
  private next(): boolean {
    const buf = this.buffer;
    if (buf[0] === 13 || buf[0] === 10) {
      // RFC 5626 §4.4.1: CRLFCRLF is a ping; a lone CRLF (a pong, or §7.5 leading CRLF) is skipped.
      if (buf.length >= 4 && buf.subarray(0, 4).equals(HEAD_END)) {
        this.buffer = buf.subarray(4);
        this.handlers.onPing();
        return true;
      }
      if (buf.length >= 2 && buf[0] === 13 && buf[1] === 10) {
        if (buf.length === 2) return false; // may be the first half of a ping
        this.buffer = buf.subarray(2);
        return true;
      }
      if (buf[0] === 10) {
        this.buffer = buf.subarray(1);
        return true;
      }
      return false;
    }
    const headEnd = buf.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (buf.length > this.maxMessageSize) this.fail('tooLarge', `header over ${this.maxMessageSize} bytes`);
      return false;
    }
    const head = buf.toString('latin1', 0, headEnd);
    const match = CONTENT_LENGTH.exec(head);
    if (match === null) {
      // RFC 3261 §18.3: on a stream, Content-Length MUST be present.
      this.fail('noContentLength', 'missing Content-Length on a stream');
      return false;
    }
    if (!/^\d{1,10}$/.test(match[1])) {
      this.fail('badContentLength', `bad Content-Length "${match[1]}"`);
      return false;
    }
    const total = headEnd + 4 + Number(match[1]);
    if (total > this.maxMessageSize) {
      this.fail('tooLarge', `message of ${total} bytes over ${this.maxMessageSize}`);
      return false;
    }
    if (buf.length < total) return false;
    const raw = Buffer.from(buf.subarray(0, total));
    this.buffer = buf.subarray(total);
    this.handlers.onMessage(raw);
    return true;
  }

  private fail(problem: FramingProblem, detail: string): void {
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    this.handlers.onError(problem, detail);
  }
}
