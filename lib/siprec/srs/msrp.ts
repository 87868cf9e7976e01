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
 * never answered (§7.1.2). TLS (msrps) and relays are not supported. Framing, parsing, Byte-Range,
 * identifiers, paths and URIs come from the shared `lib/siprec/msrp/` (the SRC's sender uses them too).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { MediaError, MediaErrorCode, type PortAllocator } from '../media/index.js';
import {
  buildMsrpFrame, buildMsrpResponse, firstUri, formatMsrpUri, lastUri, msrpSessionId, MsrpParser, newSessionId, newTransactionId,
  parseByteRange, type ByteRange, type MsrpFrame,
} from '../msrp/index.js';
import type { ReceivedMessage } from './storage/message-log.js';

// The wire pieces live in lib/siprec/msrp (shared with the SRC's sender); re-exported as before.
export { buildMsrpFrame, msrpSessionId, MsrpParser, MsrpSyntaxError, parseByteRange, type ByteRange, type MsrpFrame } from '../msrp/index.js';

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
    this.path = formatMsrpUri(host, port, sessionId);
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
      return new MsrpReceiver(server, host, port, newSessionId(), () => allocator.release(port));
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
      sock.write(buildMsrpResponse(f.transactionId, status, comment, firstUri(fromPath), this.path));
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
      const tid = newTransactionId('r');
      sock.write(buildMsrpFrame(tid, 'REPORT', [
        // §7.1.2: a REPORT goes back along the whole From-Path of the SEND.
        ['To-Path', fromPath.trim()], ['From-Path', this.path], ['Message-ID', messageId],
        ['Byte-Range', `1-${m.body.length}/${m.body.length}`], ['Status', '000 200 OK'],
      ]));
    }
  }
}
