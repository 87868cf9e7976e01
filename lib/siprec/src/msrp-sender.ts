/**
 * The SRC's MSRP sender for one recorded message stream (RFC 4975). The SRC offers
 * `a=setup:active` (RFC 4145, RFC 6135), so it opens the TCP connection to the last URI of the
 * SRS's answered `a=path` (§5.4, §8.1), sends a bodiless SEND at once to bind the connection to
 * the session (§5.4), then relays each message the app feeds:
 *
 * - split into chunks of `chunkSize` bytes (default 2048: RFC 4975 §7.1 wants a chunk larger
 *   than 2048 octets to be interruptible, and this sender never interrupts a chunk), each a SEND
 *   with the message's Message-ID, its Byte-Range and `+`/`$` (§7.1.1);
 * - one transaction at a time: the next chunk goes when the 200 of the last came (§7.2); no
 *   response within `transactionTimeoutMs` (default 30 s, the §7.1.1 example value) fails the stream;
 * - a bounded queue (`maxQueueMessages`, `maxQueueBytes`): a message past it is dropped and
 *   reported (`dropped('queueFull')`), never buffered without bound;
 * - paused (the RS is `a=inactive`): the message in flight is finished, nothing more goes, and
 *   messages fed meanwhile are counted (`notSentPaused`), not queued; resume sends the queue on;
 * - close: the queue is drained for up to `closeTimeoutMs`; a message still in flight then is
 *   ended with a `#` chunk (§7.1.1), never left half-sent; what was not sent is counted.
 *
 * A failed connect, an error response (other than 413/415, which drop just that message, §10),
 * a timeout or the SRS closing the connection fails the stream: `failed(...)` once, the queue
 * dropped. Requests from the SRS: REPORTs are taken silently (§7.1.2), a SEND gets 403 (the
 * stream is sendonly), other methods 501 (§12).
 */
import type { MessageDropReason, StreamFailureReason } from '../../../include-types/siprec.js';
import type { Clock, TimerHandle } from '../../../include-types/settings.js';
import { defaultSiprecClock } from '../common/timers.js';
import { connect, type Socket } from 'node:net';
import {
  buildAbortChunk, buildBindSend, buildMsrpResponse, buildSendChunk, firstUri, lastUri, MSRP_DEFAULT_CHUNK_BYTES, MsrpParser,
  newMessageId, newTransactionId, parseMsrpUri, splitMessage, type MsrpFrame, type MsrpSendAddress,
} from '../msrp/index.js';

/** Why a sender's stream failed: the public {@link StreamFailureReason} but `setup` (decided before a sender exists). */
export type MsrpFailureReason = Exclude<StreamFailureReason, typeof StreamFailureReason.Setup>;

/** A failure of the stream. */
export interface MsrpSenderFailure {
  /** What failed. */
  reason: MsrpFailureReason;
  /** The MSRP status, for `response`. */
  statusCode?: number;
  /** Words. */
  message: string;
}

/** Why a message was not sent (the public {@link MessageDropReason}). */
export type MsrpDropReason = MessageDropReason;

/** One message to send. */
export interface MsrpOutgoing {
  /** MIME type of `body`. */
  contentType: string;
  /** The body. */
  body: Buffer;
}

/** Options of {@link MsrpSender}. */
export interface MsrpSenderOptions {
  /** The SRS's a=path (To-Path; its last URI is where we connect). */
  toPath: string;
  /** Our a=path (From-Path). */
  fromPath: string;
  /** Body bytes per chunk (default 2048). */
  chunkSize?: number;
  /** Messages queued at most (default 256). */
  maxQueueMessages?: number;
  /** Body bytes queued at most (default 4 MiB). */
  maxQueueBytes?: number;
  /** Wait for a response to each SEND, ms (default 30000). */
  transactionTimeoutMs?: number;
  /** Wait for the TCP connection, ms (default 10000). */
  connectTimeoutMs?: number;
  /** Local address to connect from. */
  localAddress?: string;
  /** Time source of the connect, transaction and close timeouts (default: real time). */
  clock?: Clock;
  /** The stream failed (called once). */
  onFailed?: (f: MsrpSenderFailure) => void;
  /** A message was dropped (not a paused one: those are only counted). */
  onDropped?: (reason: MsrpDropReason, bytes: number, statusCode?: number) => void;
}

/** Counters of a sender. */
export interface MsrpSenderStats {
  /** Messages sent whole (every chunk answered 200). */
  sent: number;
  /** SEND chunks answered 200 (the binding SEND not counted). */
  chunks: number;
  /** Body bytes sent. */
  bytes: number;
  /** Messages fed while paused (not sent). */
  notSentPaused: number;
  /** Messages dropped: queue full, refused by the SRS (413/415), or never sent (close, failure). */
  dropped: number;
  /** Messages ended with '#' at close. */
  aborted: number;
}

/** Where the sender is. */
export type MsrpSenderState = 'connecting' | 'binding' | 'open' | 'closed' | 'failed';

interface Pending {
  tid: string;
  resolve: (status: number | undefined) => void;
  timer: TimerHandle;
}

/** Sends the messages of one recorded MSRP stream to the SRS. */
export class MsrpSender {
  state: MsrpSenderState = 'connecting';
  readonly stats: MsrpSenderStats = { sent: 0, chunks: 0, bytes: 0, notSentPaused: 0, dropped: 0, aborted: 0 };
  private paused = false;
  private closing = false;
  private abortInFlight = false;
  private readonly queue: MsrpOutgoing[] = [];
  private queuedBytes = 0;
  private inFlight = false;
  private pumping = false;
  private sock: Socket | undefined;
  private pending: Pending | undefined;
  private readonly addr: MsrpSendAddress;
  private readonly chunkSize: number;
  private readonly maxQueueMessages: number;
  private readonly maxQueueBytes: number;
  private readonly txTimeoutMs: number;
  private idleWaiters: (() => void)[] = [];
  private readonly clock: Clock;

  /** @param opts - see {@link MsrpSenderOptions}; RangeError for a bad a=path or limits */
  constructor(private readonly opts: MsrpSenderOptions) {
    this.addr = { toPath: opts.toPath, fromPath: opts.fromPath };
    this.chunkSize = opts.chunkSize ?? MSRP_DEFAULT_CHUNK_BYTES;
    this.maxQueueMessages = opts.maxQueueMessages ?? 256;
    this.maxQueueBytes = opts.maxQueueBytes ?? 4 << 20;
    this.txTimeoutMs = opts.transactionTimeoutMs ?? 30000;
    this.clock = opts.clock ?? defaultSiprecClock();
    for (const [n, v] of [['chunkSize', this.chunkSize], ['maxQueueMessages', this.maxQueueMessages], ['maxQueueBytes', this.maxQueueBytes], ['transactionTimeoutMs', this.txTimeoutMs]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`MSRP ${n} must be a positive integer, not ${v}`);
    }
  }

  /** The SRS's a=path this sender sends to. */
  get toPath(): string {
    return this.opts.toPath;
  }

  /** Messages waiting (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  /** Opens the connection to the SRS's a=path and binds it (RFC 4975 §5.4). */
  start(): void {
    const target = parseMsrpUri(lastUri(this.opts.toPath));
    if (!target || target.secure || target.transport !== 'tcp') {
      this.fail({ reason: 'connect', message: `unusable a=path ${this.opts.toPath} (msrp over tcp only)` });
      return;
    }
    const sock = connect({ host: target.host, port: target.port, ...(this.opts.localAddress ? { localAddress: this.opts.localAddress } : {}) });
    this.sock = sock;
    sock.setNoDelay(true);
    const timer = this.clock.setTimer(() => this.fail({ reason: 'connect', message: `no TCP connection to ${target.host}:${target.port} in time` }), this.opts.connectTimeoutMs ?? 10000);
    const parser = new MsrpParser();
    sock.once('connect', () => {
      this.clock.clearTimer(timer);
      if (this.state !== 'connecting') return;
      this.state = 'binding';
      void this.bind();
    });
    sock.on('data', (d: Buffer) => {
      let frames: MsrpFrame[];
      try {
        frames = parser.push(d);
      } catch (e) {
        this.fail({ reason: 'protocol', message: `not MSRP from the SRS: ${(e as Error).message}` });
        return;
      }
      for (const f of frames) this.onFrame(f);
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      this.clock.clearTimer(timer);
      this.fail({ reason: this.state === 'connecting' ? 'connect' : 'closed', message: `${e.code ?? ''} ${e.message}`.trim() });
    });
    sock.on('close', () => {
      this.clock.clearTimer(timer);
      if (this.state !== 'closed' && this.state !== 'failed') this.fail({ reason: this.state === 'connecting' ? 'connect' : 'closed', message: 'the SRS closed the MSRP connection' });
    });
  }

  /**
   * Queues a message. Returns 'queued', 'paused' (not sent, counted), 'full' (dropped: over
   * `maxQueueMessages`/`maxQueueBytes`) or 'closed' (stopping, closed or failed).
   */
  send(m: MsrpOutgoing): 'queued' | 'paused' | 'full' | 'closed' {
    if (this.closing || this.state === 'closed' || this.state === 'failed') return 'closed';
    if (this.paused) {
      this.stats.notSentPaused++;
      return 'paused';
    }
    if (this.queue.length >= this.maxQueueMessages || this.queuedBytes + m.body.length > this.maxQueueBytes) {
      this.stats.dropped++;
      this.opts.onDropped?.('queueFull', m.body.length);
      return 'full';
    }
    this.queue.push(m);
    this.queuedBytes += m.body.length;
    void this.pump();
    return 'queued';
  }

  /** Pauses (the message in flight is finished, nothing more goes) or resumes. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) void this.pump();
    else this.notifyIdle();
  }

  /**
   * Ends the stream: the queue is sent for up to `graceMs` (not while paused), a message still in
   * flight then gets a '#' chunk, the rest is counted as dropped, the connection closed.
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.closing || this.state === 'closed') return;
    this.closing = true;
    if (this.state !== 'failed') {
      await this.waitIdle(graceMs);
      if (this.inFlight) {
        this.abortInFlight = true;
        await this.waitIdle(Math.min(2000, this.txTimeoutMs));
      }
    }
    this.dropQueue('closed');
    if (this.state !== 'failed') this.state = 'closed';
    this.settlePending(undefined);
    this.sock?.end();
    this.sock?.destroySoon?.();
    const s = this.sock;
    if (s) this.clock.setTimer(() => s.destroy(), 1000);
  }

  // ---- internals ----

  private async bind(): Promise<void> {
    const tid = newTransactionId();
    const status = await this.transact(tid, buildBindSend(tid, this.addr, newMessageId()));
    if (status === undefined) return;
    if (status !== 200) return this.fail({ reason: 'response', statusCode: status, message: `the SRS answered the binding SEND with ${status}` });
    this.state = 'open';
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // Once close() gave up waiting (abortInFlight), no new message starts.
      while (this.state === 'open' && !this.paused && !this.abortInFlight && this.queue.length > 0) {
        const m = this.queue.shift()!;
        this.queuedBytes -= m.body.length;
        this.inFlight = true;
        try {
          await this.sendMessage(m);
        } finally {
          this.inFlight = false;
        }
      }
    } finally {
      this.pumping = false;
      this.notifyIdle();
    }
  }

  private async sendMessage(m: MsrpOutgoing): Promise<void> {
    const id = newMessageId();
    let sent = 0;
    for (const c of splitMessage(m.body, this.chunkSize)) {
      if (this.abortInFlight && sent > 0) {
        // RFC 4975 §7.1.1: a message given up part-way ends with a '#' chunk.
        const tid = newTransactionId();
        this.stats.aborted++;
        await this.transact(tid, buildAbortChunk(tid, this.addr, id, sent, m.body.length));
        return;
      }
      const tid = newTransactionId();
      const status = await this.transact(tid, buildSendChunk(tid, this.addr, id, m.contentType, c));
      if (status === undefined) return; // failed: the stream is gone
      if (status === 200) {
        sent += c.data.length;
        this.stats.chunks++;
        this.stats.bytes += c.data.length;
        continue;
      }
      if (status === 413 || status === 415) {
        // §10: 413 the receiver wants no more of this message; 415 it cannot take the type.
        this.stats.dropped++;
        this.opts.onDropped?.('rejected', m.body.length, status);
        return;
      }
      this.fail({ reason: 'response', statusCode: status, message: `the SRS answered a SEND with ${status}` });
      return;
    }
    this.stats.sent++;
  }

  /** Writes one request and waits for its response; undefined when the stream failed meanwhile. */
  private transact(tid: string, wire: Buffer): Promise<number | undefined> {
    const sock = this.sock;
    if (!sock || this.state === 'failed' || this.state === 'closed') return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => {
        this.fail({ reason: 'timeout', message: `no response to SEND ${tid} within ${this.txTimeoutMs} ms` });
      }, this.txTimeoutMs);
      this.pending = { tid, resolve, timer };
      sock.write(wire);
    });
  }

  private onFrame(f: MsrpFrame): void {
    if (f.status !== undefined) {
      const p = this.pending;
      if (p && p.tid === f.transactionId) {
        this.pending = undefined;
        this.clock.clearTimer(p.timer);
        p.resolve(f.status);
      }
      return;
    }
    if (f.method === 'REPORT') return; // §7.1.2: never answered
    const from = f.headers.get('from-path');
    // §7.1.1 Failure-Report: 'no' wants no response at all.
    if (!from || (f.headers.get('failure-report') ?? '').toLowerCase() === 'no') return;
    const [status, comment] = f.method === 'SEND' ? [403, 'Stream is sendonly'] : [501, 'Unknown method'];
    this.sock?.write(buildMsrpResponse(f.transactionId, status, comment, firstUri(from), this.opts.fromPath));
  }

  private fail(f: MsrpSenderFailure): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.settlePending(undefined);
    this.sock?.destroy();
    this.dropQueue('failed');
    this.opts.onFailed?.(f);
    this.notifyIdle();
  }

  private settlePending(status: number | undefined): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.clock.clearTimer(p.timer);
    p.resolve(status);
  }

  private dropQueue(reason: MsrpDropReason): void {
    for (const m of this.queue.splice(0)) {
      this.stats.dropped++;
      this.opts.onDropped?.(reason, m.body.length);
    }
    this.queuedBytes = 0;
  }

  private isIdle(): boolean {
    return !this.inFlight && (this.queue.length === 0 || this.paused || this.state !== 'open');
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private waitIdle(ms: number): Promise<void> {
    // Still connecting: the queue waits for the connection, so idle means "connected and drained".
    if (this.isIdle() && this.state !== 'connecting' && this.state !== 'binding') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => { this.idleWaiters = this.idleWaiters.filter((w) => w !== done); resolve(); }, ms);
      const done = (): void => { this.clock.clearTimer(timer); resolve(); };
      this.idleWaiters.push(done);
    });
  }
}
