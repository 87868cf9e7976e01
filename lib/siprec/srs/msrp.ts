/**
 * A small MSRP receiving endpoint (RFC 4975) for recorded message streams. The SRS is the SDP
 * answerer, so it listens and the SRC (the offerer) connects (§5.4) to the URI of our `a=path`,
 * `msrp://host:port/<session-id>;tcp` (§6, §8.1). It takes SEND requests, chunked or not:
 *
 * ```
 * MSRP <transact-id> SEND CRLF
 * To-Path / From-Path / Message-ID / Byte-Range / ... headers CRLF
 * [Content-Type ... CRLF CRLF <data> CRLF]
 * -------<transact-id><flag> CRLF        flag: '$' last chunk, '+' more follow, '#' aborted
 * ```
 * A chunk's data goes at the offset its Byte-Range (`start-end/total`, 1-based, `*` allowed) says;
 * a message is handed over when its '$' (or '#': incomplete) chunk arrives. Each chunk gets a
 * 200 OK (§7.2) unless the SEND said `Failure-Report: no` (none) or `partial` (errors only); a
 * `Success-Report: yes` gets a REPORT once the whole message is in (§7.1.3). A To-Path that is not
 * this session gets 481, a SEND without its mandatory headers 400, other methods 501; REPORTs are
 * never answered (§7.1.2). TLS (msrps) and relays are not supported.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { MediaError, MediaErrorCode, type PortAllocator } from '../media/index.js';
import type { ReceivedMessage } from './storage/message-log.js';

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
  flag: '$' | '+' | '#';
}

/** Thrown by the parser for bytes that are not MSRP. */
export class MsrpSyntaxError extends Error {
  override readonly name = 'MsrpSyntaxError';
}

const START = /^MSRP ([A-Za-z0-9][A-Za-z0-9.\-+%=]{3,31}) (?:([A-Z]+)|(\d{3})(?: .*)?)$/;
const CRLF = Buffer.from('\r\n');
const DOUBLE_CRLF = Buffer.from('\r\n\r\n');

/** Frames MSRP messages out of a TCP byte stream. */
export class MsrpParser {
  private buf: Buffer = Buffer.alloc(0);

  /** @param maxFrameBytes - largest frame buffered before the stream is declared broken (default 1 MiB + headers) */
  constructor(private readonly maxFrameBytes = (1 << 20) + 16384) {}

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

/** A Byte-Range value (RFC 4975 §9): 1-based start, end and total, `undefined` for `*`. */
export interface ByteRange {
  /** First byte (1-based). */
  start: number;
  /** Last byte, if known. */
  end?: number;
  /** Message size, if known. */
  total?: number;
}

/** Parses `start-end/total`; the default (absent header) is the whole message, `1-*\/*`. */
export function parseByteRange(v: string | undefined): ByteRange | undefined {
  if (v === undefined) return { start: 1 };
  const m = /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(v.trim());
  if (!m) return undefined;
  const r: ByteRange = { start: Number(m[1]) };
  if (m[2] !== '*') r.end = Number(m[2]);
  if (m[3] !== '*') r.total = Number(m[3]);
  return r.start >= 1 ? r : undefined;
}

interface Assembly {
  chunks: { offset: number; data: Buffer }[];
  contentType: string;
  total?: number;
  bytes: number;
  /** A chunk was left out (over a limit): the message is incomplete. */
  cut?: boolean;
}

/** Limits of an {@link MsrpAssembler}. */
export interface MsrpAssemblerLimits {
  /** Largest message; a chunk reaching past it (by its Byte-Range) is left out (default 16 MiB). */
  maxMessageBytes?: number;
  /** Messages open at once; one more hands the oldest over, incomplete (default 16). */
  maxOpenMessages?: number;
  /** Bytes held in open messages; a chunk beyond it is left out (default 32 MiB). */
  maxOpenBytes?: number;
}

/**
 * Puts chunks of messages together by Message-ID (chunks of several messages may interleave).
 * Bounded: no message grows past `maxMessageBytes` (a Byte-Range far out is not allocated), at
 * most `maxOpenMessages` are open, at most `maxOpenBytes` held; what is left out marks its
 * message incomplete.
 */
export class MsrpAssembler {
  private readonly open = new Map<string, Assembly>();
  private readonly maxMessageBytes: number;
  private readonly maxOpenMessages: number;
  private readonly maxOpenBytes: number;
  private heldBytes = 0;
  /** Messages handed over early because too many were open (call {@link takeEvicted}). */
  private evicted: ReceivedMessage[] = [];

  /** @param limits - a number is `maxMessageBytes` (as before); see {@link MsrpAssemblerLimits} */
  constructor(limits: number | MsrpAssemblerLimits = {}) {
    const l = typeof limits === 'number' ? { maxMessageBytes: limits } : limits;
    this.maxMessageBytes = l.maxMessageBytes ?? 16 << 20;
    this.maxOpenMessages = Math.max(1, l.maxOpenMessages ?? 16);
    this.maxOpenBytes = l.maxOpenBytes ?? 32 << 20;
  }

  /** Bytes held in open messages. */
  get bytesHeld(): number {
    return this.heldBytes;
  }

  /** Messages open. */
  get openMessages(): number {
    return this.open.size;
  }

  /** Adds one SEND chunk; returns the message when this chunk ends it ('$' or '#'). */
  add(messageId: string, range: ByteRange, contentType: string | undefined, data: Buffer, flag: MsrpFrame['flag'], nowMs: number = Date.now()): ReceivedMessage | undefined {
    let a = this.open.get(messageId);
    if (!a) {
      if (this.open.size >= this.maxOpenMessages) {
        const [oldId, old] = this.open.entries().next().value as [string, Assembly];
        this.forget(oldId, old);
        this.evicted.push(build(oldId, old, false, nowMs));
      }
      a = { chunks: [], contentType: '', bytes: 0 };
      this.open.set(messageId, a);
    }
    if (contentType && !a.contentType) a.contentType = contentType;
    if (range.total !== undefined) a.total = range.total;
    if (data.length > 0) {
      const end = range.start - 1 + data.length;
      if (end <= this.maxMessageBytes && a.bytes + data.length <= this.maxMessageBytes && this.heldBytes + data.length <= this.maxOpenBytes) {
        a.chunks.push({ offset: range.start - 1, data: Buffer.from(data) });
        a.bytes += data.length;
        this.heldBytes += data.length;
      } else {
        a.cut = true;
      }
    }
    if (flag === '+') return undefined;
    this.forget(messageId, a);
    return build(messageId, a, flag === '$', nowMs);
  }

  /** Messages handed over incomplete because too many were open, since the last call. */
  takeEvicted(): ReceivedMessage[] {
    const out = this.evicted;
    this.evicted = [];
    return out;
  }

  private forget(id: string, a: Assembly): void {
    this.open.delete(id);
    this.heldBytes -= a.bytes;
  }

  /** Hands over every message still open as incomplete (the connection ended). */
  drain(nowMs: number = Date.now()): ReceivedMessage[] {
    const out = [...this.takeEvicted(), ...[...this.open].map(([id, a]) => build(id, a, false, nowMs))];
    this.open.clear();
    this.heldBytes = 0;
    return out;
  }
}

function build(messageId: string, a: Assembly, ended: boolean, nowMs: number): ReceivedMessage {
  const size = a.chunks.reduce((n, c) => Math.max(n, c.offset + c.data.length), 0);
  const body = Buffer.alloc(size);
  const covered = new Uint8Array(size);
  for (const c of a.chunks) {
    c.data.copy(body, c.offset);
    covered.fill(1, c.offset, c.offset + c.data.length);
  }
  const whole = !a.cut && covered.every((x) => x === 1) && (a.total === undefined || a.total === size);
  return { messageId, contentType: a.contentType, body, receivedMs: nowMs, complete: ended && whole };
}

/** The last URI of a path header (the final destination, RFC 4975 §5.2). */
function lastUri(v: string): string {
  return v.trim().split(/\s+/).at(-1) ?? '';
}

/** The session-id part of an MSRP URI (`msrp://host:port/<session-id>;tcp`). */
export function msrpSessionId(uri: string): string | undefined {
  const m = /^msrps?:\/\/[^/]+\/([^;\s]+)(?:;\S*)?$/i.exec(uri.trim());
  return m?.[1];
}

let tidCounter = 0;

/** Builds a request or response frame (`flag`: the end-line's continuation flag). */
export function buildMsrpFrame(tid: string, startRest: string, headers: [string, string][], body?: { contentType: string; data: Buffer }, flag: MsrpFrame['flag'] = '$'): Buffer {
  const head = `MSRP ${tid} ${startRest}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
  if (!body) return Buffer.from(`${head}-------${tid}${flag}\r\n`, 'utf8');
  return Buffer.concat([Buffer.from(`${head}Content-Type: ${body.contentType}\r\n\r\n`, 'utf8'), body.data, Buffer.from(`\r\n-------${tid}${flag}\r\n`, 'utf8')]);
}

/** Messages kept for a receiver whose handler is not set yet; more are dropped and counted. */
const MAX_EARLY_MESSAGES = 256;
/** TCP connections at once per receiver. */
const MAX_CONNECTIONS = 4;

/** Listens for one recorded MSRP stream and hands over each message received. */
export class MsrpReceiver {
  /** Our URI, for a=path. */
  readonly path: string;
  /** The TCP port. */
  readonly port: number;
  /** SENDs answered with 200. */
  chunks = 0;
  private handler: ((m: ReceivedMessage) => void) | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly early: ReceivedMessage[] = [];
  /** Messages dropped because no handler was set and `early` was full. */
  droppedMessages = 0;
  private closed = false;

  private constructor(private readonly server: Server, host: string, port: number, private readonly sessionId: string, private readonly release: () => void) {
    this.port = port;
    const h = host.includes(':') ? `[${host}]` : host;
    this.path = `msrp://${h}:${port}/${sessionId};tcp`;
    server.on('connection', (s) => this.onConnection(s));
  }

  /**
   * Binds a TCP port from `allocator` (skipping ports held elsewhere). Throws
   * MediaError(PortsExhausted) when none is left.
   */
  static async listen(allocator: PortAllocator, host: string): Promise<MsrpReceiver> {
    for (let tries = 0; tries < allocator.capacity; tries++) {
      const port = allocator.allocate();
      const server = createServer();
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => { server.off('error', reject); resolve(); });
        });
      } catch (e) {
        allocator.release(port);
        server.close();
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
        continue;
      }
      server.on('error', () => undefined);
      return new MsrpReceiver(server, host, port, randomBytes(9).toString('base64url'), () => allocator.release(port));
    }
    throw new MediaError(MediaErrorCode.PortsExhausted, 'no bindable MSRP port left');
  }

  /** Where each message goes (messages received before a handler is set are kept for it). */
  onMessage(handler: (m: ReceivedMessage) => void): void {
    this.handler = handler;
    for (const m of this.early.splice(0)) handler(m);
  }

  /** Closes the listener and every connection; releases the port. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
    this.release();
  }

  private deliver(m: ReceivedMessage): void {
    if (this.handler) this.handler(m);
    else if (this.early.length < MAX_EARLY_MESSAGES) this.early.push(m);
    else this.droppedMessages++;
  }

  private onConnection(sock: Socket): void {
    // One connection per session is the norm (RFC 4975 §4); a few are allowed, no more.
    if (this.closed || this.sockets.size >= MAX_CONNECTIONS) return void sock.destroy();
    this.sockets.add(sock);
    const parser = new MsrpParser();
    const assembler = new MsrpAssembler();
    sock.on('data', (d: Buffer) => {
      let frames: MsrpFrame[];
      try {
        frames = parser.push(d);
      } catch {
        sock.destroy(); // not MSRP: nothing sensible to answer
        return;
      }
      for (const f of frames) this.onFrame(sock, f, assembler);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.sockets.delete(sock);
      for (const m of assembler.drain()) this.deliver(m);
    });
  }

  private onFrame(sock: Socket, f: MsrpFrame, assembler: MsrpAssembler): void {
    if (f.status !== undefined || f.method === 'REPORT') return; // responses to nothing of ours; REPORTs are never answered
    const toPath = f.headers.get('to-path');
    const fromPath = f.headers.get('from-path');
    const failureReport = (f.headers.get('failure-report') ?? 'yes').toLowerCase();
    const reply = (status: number, comment: string): void => {
      // RFC 4975 §7.1.1: 'no' wants no response at all, 'partial' only failures.
      if (failureReport === 'no' || (failureReport === 'partial' && status === 200) || fromPath === undefined) return;
      sock.write(buildMsrpFrame(f.transactionId, `${status} ${comment}`, [['To-Path', fromPath.trim().split(/\s+/)[0]], ['From-Path', this.path]]));
    };
    if (f.method !== 'SEND') return reply(501, 'Unknown method');
    const messageId = f.headers.get('message-id');
    if (toPath === undefined || fromPath === undefined || messageId === undefined) return reply(400, 'Missing header');
    if (msrpSessionId(lastUri(toPath)) !== this.sessionId) return reply(481, 'No such session');
    const range = parseByteRange(f.headers.get('byte-range'));
    if (!range) return reply(400, 'Bad Byte-Range');
    const data = f.body ?? Buffer.alloc(0);
    this.chunks++;
    reply(200, 'OK');
    // RFC 4975 §5.4 / §7.1.1: a SEND with no body (e.g. the first one on a new connection) is no message.
    if (data.length === 0 && f.body === undefined && f.flag === '$' && range.start === 1) return;
    const m = assembler.add(messageId, range, f.headers.get('content-type'), data, f.flag);
    for (const old of assembler.takeEvicted()) this.deliver(old);
    if (!m) return;
    this.deliver(m);
    if ((f.headers.get('success-report') ?? 'no').toLowerCase() === 'yes' && m.complete) {
      // RFC 4975 §7.1.3: one success REPORT for the whole message.
      const tid = `r${(++tidCounter).toString(36)}${randomBytes(3).toString('hex')}`;
      sock.write(buildMsrpFrame(tid, 'REPORT', [
        // §7.1.2: a REPORT goes back along the whole From-Path of the SEND.
        ['To-Path', fromPath.trim()], ['From-Path', this.path], ['Message-ID', messageId],
        ['Byte-Range', `1-${m.body.length}/${m.body.length}`], ['Status', '000 200 OK'],
      ]));
    }
  }
}
