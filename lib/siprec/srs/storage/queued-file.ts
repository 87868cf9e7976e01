/**
 * A recording file written off the event loop: appends are gathered in memory and handed to the
 * kernel by asynchronous positional writes (libuv threadpool), one write in flight per file, in
 * order. A recording server that blocks its loop on the disk stops reading its RTP sockets and
 * loses media; this keeps the loop free and bounds what a disk that cannot keep up may cost.
 *
 * - Batching: a write starts once `batchBytes` are gathered and none is in flight, or on
 *   {@link QueuedFile.flush} (the recording's checkpoint) and {@link QueuedFile.close}.
 *   `batchBytes` 0 starts a write as soon as none is in flight.
 * - Bound: at most `maxQueuedBytes` wait in memory (including the write in flight). Beyond it an
 *   append is dropped and counted ({@link QueuedFile.droppedBytes}); with `holeOnDrop` the file
 *   position still moves on, so the dropped range reads back as zeros (a WAV keeps its timeline:
 *   silence where audio was lost); without it the bytes are skipped (a dump of whole records).
 * - Opening: {@link QueuedFile.create} returns at once; the file is created ('wx') off the loop and
 *   its head is the first write, before any append ({@link QueuedFile.ready} resolves once both
 *   are in the kernel). A setup of 10^2 recordings at once must not stall the RTP of live ones.
 * - Crash safety: what a write handed to the kernel survives a killed process; a crash loses at
 *   most what was still queued (the unwritten tail: `batchBytes` plus whatever a slow disk held
 *   back, never more than `maxQueuedBytes`). `close()` writes every queued byte, then an optional
 *   final patch (a WAV's sizes), fsyncs and closes.
 * - Errors: a failed write (ENOSPC, EIO) is thrown by the next `append`/`flush`, and rejects
 *   `close()`, so the caller's existing handling of a failed write ends the recording.
 * @module
 */
import { close as fsClose, fsync, ftruncate, open as fsOpen, write } from 'node:fs';

/** Options of {@link QueuedFile.create}. */
export interface QueuedFileOptions {
  /** Bytes gathered before a write starts (default 0: write whenever none is in flight). */
  batchBytes?: number;
  /** Most bytes held in memory for this file (default 1 MiB); beyond it appends are dropped and counted. */
  maxQueuedBytes?: number;
  /** Dropped appends leave a hole (zeros) instead of being skipped (default false). */
  holeOnDrop?: boolean;
}

/** Defaults of {@link QueuedFileOptions}. */
export const QUEUED_FILE_DEFAULTS = { batchBytes: 0, maxQueuedBytes: 1 << 20 } as const;

/** Writes all of `buf` at `at` (a write may take less than asked: continue with the rest). */
function writeAllAt(fd: number, buf: Buffer, at: number, done: (err: Error | null) => void): void {
  let off = 0;
  const step = (err: Error | null, n: number): void => {
    if (err) return done(err);
    off += n;
    if (off >= buf.length) return done(null);
    write(fd, buf, off, buf.length - off, at + off, step);
  };
  write(fd, buf, 0, buf.length, at, step);
}

/** Queued bytes that go to consecutive offsets from `at`. */
interface Run {
  at: number;
  bufs: Buffer[];
  bytes: number;
}

/** An exclusively created file written asynchronously in order; see the module comment. */
export class QueuedFile {
  /** Bytes dropped because the queue was full. */
  droppedBytes = 0;
  /** Appends dropped because the queue was full. */
  droppedAppends = 0;
  /** The descriptor once opened; undefined while opening, after close and after a failed open. */
  private fd: number | undefined;
  /** Resolves once the file exists with its head written (see {@link ready}). */
  private readonly opened: Promise<void>;
  private openDone = false;
  /** Where the next append goes (the file's final length). */
  private end: number;
  /** End of the furthest range handed to a write. */
  private writtenEnd: number;
  /** Queued runs, oldest first; a hole between two runs is never written. */
  private runs: Run[] = [];
  private pendingBytes = 0;
  private flightBytes = 0;
  private inFlight = false;
  private flushAll = false;
  private error: Error | undefined;
  private idle: (() => void)[] = [];
  private closing: Promise<void> | undefined;
  private readonly batchBytes: number;
  private readonly maxQueuedBytes: number;
  private readonly holeOnDrop: boolean;

  private constructor(readonly path: string, head: Uint8Array | undefined, opts: QueuedFileOptions) {
    this.end = 0;
    this.writtenEnd = 0;
    this.batchBytes = Math.max(0, opts.batchBytes ?? QUEUED_FILE_DEFAULTS.batchBytes);
    this.maxQueuedBytes = Math.max(1, opts.maxQueuedBytes ?? QUEUED_FILE_DEFAULTS.maxQueuedBytes);
    this.holeOnDrop = opts.holeOnDrop ?? false;
    if (head !== undefined && head.length > 0) {
      // The head is the first run, outside the bound: it is never dropped.
      this.runs.push({ at: 0, bufs: [Buffer.from(head)], bytes: head.length });
      this.pendingBytes = this.end = head.length;
    }
    const headBytes = this.end;
    this.opened = new Promise<void>((resolve, reject) => {
      fsOpen(path, 'wx', (err, fd) => {
        this.openDone = true;
        if (err) {
          this.error ??= err;
          this.wake();
          return reject(err);
        }
        this.fd = fd;
        if (this.pendingBytes > 0) this.startWrite();
        // Ready once the head is in the kernel (the head is the first run: the first write).
        if (headBytes === 0) resolve();
        else this.whenWritten(headBytes, resolve, reject);
      });
    });
    this.opened.catch(() => undefined); // reported by append/flush/close; ready() hands it on
  }

  /**
   * Creates `path` ('wx', off the event loop) with `head` as its first bytes (once per file: the
   * header is in the file before the first packet, so even an empty recording is readable after a
   * crash). Returns at once: appends queue meanwhile (the bound counts them).
   * A failed open (EEXIST when the file exists: recordings are never overwritten) rejects
   * {@link ready} and {@link close}, and is thrown by the next `append`/`flush`.
   */
  static create(path: string, head?: Uint8Array, opts: QueuedFileOptions = {}): QueuedFile {
    return new QueuedFile(path, head, opts);
  }

  /** Resolves once the file exists and its head is in the kernel; rejects when it could not be created. */
  ready(): Promise<void> {
    return this.opened;
  }

  /** True until {@link close} is called (or the file could not be created). */
  get isOpen(): boolean {
    return this.closing === undefined && !(this.openDone && this.fd === undefined);
  }

  /** The file's length once every queued byte is written (head, appends and holes). */
  get length(): number {
    return this.end;
  }

  /** Bytes in memory not yet in the file (queued and in flight). */
  get queuedBytes(): number {
    return this.pendingBytes + this.flightBytes;
  }

  /**
   * Queues a copy of `buf` (the caller may reuse it) at the end of the file.
   * @returns true when queued; false when dropped (queue full: counted) or closed.
   * @throws the error of an earlier failed write.
   */
  append(buf: Uint8Array): boolean {
    if (this.error) throw this.error;
    if (!this.isOpen || buf.length === 0) return false;
    if (!this.fits(buf.length)) {
      this.droppedBytes += buf.length;
      this.droppedAppends++;
      if (this.holeOnDrop) this.end += buf.length;
      return false;
    }
    let run = this.runs.at(-1);
    if (!run || run.at + run.bytes !== this.end) {
      run = { at: this.end, bufs: [], bytes: 0 };
      this.runs.push(run);
    }
    run.bufs.push(Buffer.from(buf));
    run.bytes += buf.length;
    this.pendingBytes += buf.length;
    this.end += buf.length;
    if (!this.inFlight && (this.pendingBytes >= this.batchBytes || this.runs.length > 1)) this.startWrite();
    return true;
  }

  /** True when an append of `n` bytes would be queued now (an empty queue takes any one append: an MSRP message may be larger than the bound). */
  fits(n: number): boolean {
    return this.queuedBytes === 0 || this.queuedBytes + n <= this.maxQueuedBytes;
  }

  /** Moves the end of the file on by `n` bytes without writing them: they read back as zeros. */
  skip(n: number): void {
    if (this.isOpen && n > 0) this.end += n;
  }

  /**
   * Starts writing everything queued (whatever `batchBytes` says). Returns at once.
   * @throws the error of an earlier failed write.
   */
  flush(): void {
    if (this.error) throw this.error;
    if (this.pendingBytes === 0) return;
    this.flushAll = true;
    if (!this.inFlight) this.startWrite(); // while opening: written once open
  }

  /** Resolves once nothing is queued or in flight (rejects with a write's error). */
  drained(): Promise<void> {
    if (this.pendingBytes > 0) {
      this.flushAll = true;
      if (!this.inFlight) this.startWrite();
    }
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.error) reject(this.error);
        else if (!this.inFlight && this.pendingBytes === 0) resolve();
        else this.idle.push(check);
      };
      check();
    });
  }

  /**
   * Writes every queued byte, extends the file over a trailing hole, writes `patch` (e.g. a WAV
   * header's sizes) at its offset, fsyncs and closes. Idempotent (the same promise). Rejects with
   * the first failed write; the file is closed either way.
   */
  close(patch?: { at: number; data: Uint8Array }): Promise<void> {
    this.closing ??= this.finish(patch);
    return this.closing;
  }

  private async finish(patch?: { at: number; data: Uint8Array }): Promise<void> {
    await this.opened;
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      await this.drained();
      if (this.end > this.writtenEnd) await new Promise<void>((res, rej) => ftruncate(fd, this.end, (e) => (e ? rej(e) : res())));
      if (patch) await new Promise<void>((res, rej) => writeAllAt(fd, Buffer.from(patch.data), patch.at, (e) => (e ? rej(e) : res())));
      await new Promise<void>((res, rej) => fsync(fd, (e) => (e ? rej(e) : res())));
    } finally {
      this.fd = undefined;
      await new Promise<void>((res) => fsClose(fd, () => res()));
    }
  }

  /** Writes the oldest run (one write in flight per file keeps the order). */
  private startWrite(): void {
    const fd = this.fd;
    if (fd === undefined) return; // still opening: the open starts the first write
    const run = this.runs.shift();
    if (!run) return;
    const buf = run.bufs.length === 1 ? run.bufs[0] : Buffer.concat(run.bufs, run.bytes);
    this.pendingBytes -= run.bytes;
    this.flightBytes = run.bytes;
    this.inFlight = true;
    writeAllAt(fd, buf, run.at, (err) => {
      this.inFlight = false;
      this.flightBytes = 0;
      this.writtenEnd = Math.max(this.writtenEnd, run.at + run.bytes);
      if (err) this.error ??= err;
      else if (this.pendingBytes > 0 && (this.flushAll || this.runs.length > 1 || this.pendingBytes >= this.batchBytes)) return this.startWrite();
      if (this.pendingBytes === 0) this.flushAll = false;
      this.wake();
    });
  }

  private wake(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  /** Calls `done` once the first `bytes` of the file are written (or `failed` with a write's error). */
  private whenWritten(bytes: number, done: () => void, failed: (e: unknown) => void): void {
    const check = (): void => {
      if (this.writtenEnd >= bytes) done();
      else if (this.error) failed(this.error);
      else this.idle.push(check);
    };
    check();
  }
}
