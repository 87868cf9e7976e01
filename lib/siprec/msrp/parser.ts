/**
 * Frames MSRP requests and responses out of a TCP byte stream (RFC 4975 §5.1, §9). A frame ends
 * at the end-line `-------<transact-id><flag>CRLF` of its own transact-id; the data is opaque, so
 * an end-line of another transaction inside it is data. A frame without content ends at the
 * end-line straight after the headers; one with content has a blank line after the headers.
 */
import { MsrpSyntaxError, type MsrpFrame } from './frame.js';

/** `MSRP SP transact-id SP (method | status [SP comment])` (RFC 4975 §9; ident is 4-32 chars). */
const START = /^MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}) (?:([A-Z]+)|(\d{3})(?: .*)?)$/;
const CRLF = Buffer.from('\r\n');
const DOUBLE_CRLF = Buffer.from('\r\n\r\n');

/** Frames MSRP messages out of a TCP byte stream. */
export class MsrpParser {
  private buf: Buffer = Buffer.alloc(0);

  /** @param maxFrameBytes - largest frame buffered before the stream is declared broken (default 1 MiB + headers) */
  constructor(private readonly maxFrameBytes = (1 << 20) + 16384) {}

  /** Bytes buffered towards the next frame. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Adds bytes; returns every frame now complete. Throws MsrpSyntaxError on garbage. */
  push(data: Buffer): MsrpFrame[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const out: MsrpFrame[] = [];
    for (;;) {
      const r = this.next();
      if (!r) break;
      out.push(r.frame);
      this.buf = this.buf.subarray(r.used);
    }
    if (this.buf.length > this.maxFrameBytes) throw new MsrpSyntaxError('MSRP frame too large');
    return out;
  }

  private next(): { frame: MsrpFrame; used: number } | undefined {
    const b = this.buf;
    const eol = b.indexOf(CRLF);
    if (eol < 0) {
      if (b.length > 1024) throw new MsrpSyntaxError('MSRP start line too long');
      return undefined;
    }
    const m = START.exec(b.subarray(0, eol).toString('latin1'));
    if (!m) throw new MsrpSyntaxError('not an MSRP start line');
    const tid = m[1];
    const marker = Buffer.from(`\r\n-------${tid}`, 'latin1');
    const endAt = (from: number): { at: number; flag: MsrpFrame['flag'] } | undefined | 'more' => {
      for (let i = b.indexOf(marker, from); i >= 0; i = b.indexOf(marker, i + 1)) {
        const f = i + marker.length;
        if (b.length < f + 3) return 'more';
        const flag = String.fromCharCode(b[f]);
        if ((flag === '$' || flag === '+' || flag === '#') && b[f + 1] === 0x0d && b[f + 2] === 0x0a) return { at: i, flag };
      }
      return undefined;
    };
    // A frame without content: headers, then the end-line; with content: headers, a blank line.
    const dbl = b.indexOf(DOUBLE_CRLF, eol);
    const plain = endAt(eol);
    if (plain === 'more') return undefined;
    let headerEnd: number;
    let body: Buffer | undefined;
    let end: { at: number; flag: MsrpFrame['flag'] };
    if (plain !== undefined && (dbl < 0 || plain.at < dbl)) {
      headerEnd = plain.at;
      end = plain;
    } else {
      if (dbl < 0) return undefined;
      const withBody = endAt(dbl + 2);
      if (withBody === undefined || withBody === 'more') return undefined;
      headerEnd = dbl;
      end = withBody;
      body = b.subarray(Math.min(dbl + 4, end.at), end.at);
    }
    const headers = new Map<string, string>();
    const text = b.subarray(eol + 2, headerEnd).toString('utf8');
    for (const line of text.split('\r\n')) {
      if (line === '') continue;
      const c = line.indexOf(':');
      if (c <= 0) throw new MsrpSyntaxError(`bad MSRP header line: ${line.slice(0, 40)}`);
      const name = line.slice(0, c).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(c + 1).trim());
    }
    const frame: MsrpFrame = { transactionId: tid, headers, flag: end.flag, ...(body !== undefined ? { body } : {}) };
    if (m[2] !== undefined) frame.method = m[2];
    else frame.status = Number(m[3]);
    return { frame, used: end.at + marker.length + 3 };
  }
}
