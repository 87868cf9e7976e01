/**
 * Cutting SIP messages out of a byte stream (TCP, TLS) by Content-Length (RFC 3261 §18.3), with
 * RFC 5626 §4.4.1 CRLF keep-alives.
 *
 * The framer emits each message as a raw Buffer (its own copy); the caller parses it with
 * `parseMessage(buf, { stream: true })`. Framing only reads the start of the head and the
 * Content-Length field, so a malformed message elsewhere is still delivered whole and the
 * connection survives: the caller answers 400. Framing errors (no or bad Content-Length, too big)
 * leave the stream out of sync: the framer reports once, ignores further input, and the caller
 * closes the connection.
 *
 * A message over `maxMessageSize` whose head (through the empty line) is complete and itself within
 * the limit is still in sync, since its Content-Length is known: with `onTooLarge` set the caller
 * sees its head and chooses to skip the body (the framer drops exactly Content-Length octets as they
 * arrive, never buffering them, and goes on with the next message) or to stop (input ignored, the
 * caller closes). A head that outgrows the limit before its empty line is a framing error.
 * @module
 */
import { trimWs } from './chars.js';
import { SipParseError } from './errors.js';

/** The empty line ending a head: after a CRLF or bare-LF line (`LF_CRLF`), or a bare LF (`LF_LF`). */
const LF_CRLF = Buffer.from('\n\r\n', 'latin1');
const LF_LF = Buffer.from('\n\n', 'latin1');

// the head of a message over the limit is read with these (re-exported here, so index.ts has them)
export { headLength, parseHeadOnly } from './head-only.js';

/** Options of a {@link StreamFramer}. */
export interface StreamFramerOptions {
  /** Largest message (head + body) accepted, in octets (default 65 536). */
  maxMessageSize?: number;
  /** Called with each whole message. */
  onMessage(message: Buffer): void;
  /**
   * RFC 5626 §4.4.1 keep-alive seen between messages: 'ping' for CRLFCRLF (answer with a CRLF
   * 'pong'), 'pong' for a lone CRLF at the end of the received data.
   */
  onKeepAlive?(kind: 'ping' | 'pong'): void;
  /** Called once on a framing error; the framer then ignores input and the caller closes. */
  onError(error: SipParseError): void;
  /**
   * Optional: a message whose head is complete and within `maxMessageSize` but whose Content-Length
   * takes it over (RFC 3261 §21.5.14). Called with a copy of the head (start line through the empty
   * line) and the declared body length. Return 'skip' to have the framer drop the next `bodyLength`
   * octets unbuffered and go on with the message after them, or 'stop' to have it ignore all further
   * input (the caller closes; `onError` is not called). Without it such a message is a framing error.
   */
  onTooLarge?(head: Buffer, bodyLength: number): 'skip' | 'stop';
}

/** Splits a byte stream into SIP messages; see the module comment for the contract. */
export class StreamFramer {
  private readonly max: number;
  private readonly opts: StreamFramerOptions;
  /** Received octets live in buf[start, end); the buffer grows by doubling (no per-chunk concat). */
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Octets after `start` already searched for the end of the head (searches resume there). */
  private scanned = 0;
  /** Total length of the message being received, once its head is complete. */
  private need = -1;
  /** Body octets of a message over the limit still to drop as they arrive (see `onTooLarge`). */
  private skip = 0;
  private failed = false;

  /** @param options limits and callbacks. */
  constructor(options: StreamFramerOptions) {
    this.opts = options;
    this.max = options.maxMessageSize ?? 65536;
  }

  /** Octets received but not yet emitted. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** True once a framing error was reported, or `onTooLarge` chose 'stop'. */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** Body octets of a message over the limit still to be dropped as they arrive. */
  get skippingBytes(): number {
    return this.skip;
  }

  /** Feeds received octets; calls back synchronously for every message completed. */
  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    if (this.skip > 0) {
      // the body of a message over the limit: dropped before it reaches the buffer
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    this.append(chunk);
    while (!this.failed && this.end > this.start) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.end - this.start);
        this.start += n;
        this.skip -= n;
        continue;
      }
      if (this.need < 0) {
        if (!this.readHead()) break;
        if (this.need < 0) continue; // a message over the limit was skipped: look again
      }
      if (this.end - this.start < this.need) break;
      const msg = Buffer.from(this.buf.subarray(this.start, this.start + this.need));
      this.start += this.need;
      this.need = -1;
      this.scanned = 0;
      this.opts.onMessage(msg);
    }
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Drops any partial message and clears a failure (e.g. after reconnecting). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.start = this.end = this.scanned = this.skip = 0;
    this.need = -1;
    this.failed = false;
  }

  private append(chunk: Buffer): void {
    const live = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      if (live + chunk.length <= this.buf.length && this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(4096, 2 * this.buf.length, live + chunk.length));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  private fail(reason: string): false {
    this.stop();
    this.opts.onError(new SipParseError(reason, { status: reason.includes('large') ? 513 : 400 }));
    return false;
  }

  /** Ignores all further input (until `reset`). */
  private stop(): void {
    this.failed = true;
    this.buf = Buffer.alloc(0);
    this.start = this.end = this.scanned = this.skip = 0;
    this.need = -1;
  }

  /**
   * A message over the limit whose head (`headLength` octets at `start`) is complete and within it:
   * the caller chooses to skip its body or stop. True to go on (the head is consumed, `skip` set).
   */
  private tooLarge(headLength: number, bodyLength: number): boolean {
    const decide = this.opts.onTooLarge;
    if (decide === undefined) return this.fail('message too large');
    const head = Buffer.from(this.buf.subarray(this.start, this.start + headLength));
    if (decide(head, bodyLength) !== 'skip' || this.failed) {
      this.stop();
      return false;
    }
    this.start += headLength;
    this.scanned = 0;
    this.need = -1;
    this.skip = bodyLength;
    return true;
  }

  /**
   * Consumes keep-alives, then finds the head; sets `need` or returns false to wait for more.
   * Returns true with `need` unset when a message over the limit had its head consumed.
   */
  private readHead(): boolean {
    const b = this.buf;
    let i = this.start;
    const e = this.end;
    // RFC 3261 §7.5 / RFC 5626 §4.4.1: CRLFs between messages are keep-alives, not messages
    while (i < e && (b[i] === 13 || b[i] === 10)) {
      if (b[i] === 13 && i + 3 < e && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
        this.opts.onKeepAlive?.('ping');
        i += 4;
      } else if (b[i] === 13 && i + 2 === e && b[i + 1] === 10) {
        this.opts.onKeepAlive?.('pong');
        i += 2;
      } else if (b[i] === 13 && i + 1 === e) {
        break; // half a CRLF: wait
      } else i++;
    }
    if (i > this.start) {
      this.start = i;
      this.scanned = 0;
      if (i === e) return false;
    }
    // the head ends at an empty line: "\n\r\n" (CRLF, or a bare-LF line then CRLF) or "\n\n";
    // the search resumes where the previous one stopped, so a slow sender costs linear time
    const p = b.subarray(this.start, e);
    const from = this.scanned > 2 ? this.scanned - 2 : 0;
    let headEnd = p.indexOf(LF_CRLF, from);
    let sep = 3;
    // A bare-LF end counts only before the CRLF one: look no further than that (the buffer may
    // hold a body and more messages after the head, which a search to its end would read again
    // for every message of a coalesced read).
    const lf = (headEnd < 0 ? p : p.subarray(0, headEnd + 1)).indexOf(LF_LF, from);
    if (lf >= 0) [headEnd, sep] = [lf, 2];
    if (headEnd < 0) {
      this.scanned = p.length;
      if (p.length > this.max) return this.fail('message too large');
      return false;
    }
    const cl = contentLength(p.toString('latin1', 0, headEnd));
    if (typeof cl === 'string') return this.fail(cl);
    const headLength = headEnd + sep;
    // a head alone over the limit cannot be trusted to be read safely: framing error, as before
    if (headLength > this.max) return this.fail('message too large');
    // RFC 3261 §21.5.14: the body takes it over; the caller may answer 513 and skip the body
    if (headLength + cl > this.max) return this.tooLarge(headLength, cl);
    this.need = headLength + cl;
    return true;
  }
}

/** Finds the Content-Length in a head (latin1 text); returns the value or an error reason. */
function contentLength(head: string): number | string {
  let found: number | undefined;
  let pos = head.indexOf('\n') + 1;
  if (pos === 0) return 'missing Content-Length';
  while (pos < head.length) {
    let nl = head.indexOf('\n', pos);
    if (nl < 0) nl = head.length;
    const c = head.charCodeAt(pos) | 0x20;
    if (c === 0x6c /* l */ || c === 0x63 /* c */) {
      const colon = head.indexOf(':', pos);
      if (colon > 0 && colon < nl) {
        const name = trimWs(head.slice(pos, colon)).toLowerCase();
        if (name === 'content-length' || name === 'l') {
          // a folded value continues on lines starting with SP/HTAB
          let end = nl;
          while (end + 1 < head.length && (head[end + 1] === ' ' || head[end + 1] === '\t')) {
            const n2 = head.indexOf('\n', end + 1);
            end = n2 < 0 ? head.length : n2;
          }
          const text = head.slice(colon + 1, end).replace(/[\s]+/g, '');
          if (!/^\d{1,10}$/.test(text)) return 'invalid Content-Length';
          const v = Number(text);
          if (found !== undefined && found !== v) return 'conflicting Content-Length headers';
          found = v;
        }
      }
    }
    pos = nl + 1;
  }
  // RFC 3261 §18.3: Content-Length MUST be used on stream transports
  return found ?? 'missing Content-Length';
}
