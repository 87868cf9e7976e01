/**
 * The index writes of one recording (recording-dir.ts), coalesced: at most one write in flight
 * per recording, and a checkpoint asked for while one runs is carried by the next. A write is
 * queued with the other recordings' (index-file.ts `queueIndexWrite`: up to 16 at once, urgent
 * ones first) and takes the index only when its turn comes, once every file the index may name
 * exists (the recording's pending files), so the checkpoints of one set-up (metadata, each
 * stream, `durable()`) make one write, not one each, and an index never names a missing file.
 */
import { indexText, queueIndexWrite, type QueuedIndexWrite, type RecordingIndex } from './index-file.js';
import type { WriteSet } from './write-set.js';

/** What the index writes read from their recording. */
export interface IndexWriteSource {
  /** The index as it stands (written as is: counts are refreshed by {@link refreshCounts}). */
  readonly index: RecordingIndex;
  /** Files being created: a write waits for them. */
  readonly pendingFiles: WriteSet;
  /** The first failed background write, if any: it stops later writes. */
  error(): unknown;
  /** False once the recording closes: no more checkpoints. */
  isOpen(): boolean;
  /** Whether a set-up's (urgent) index is fsynced (`SrsSettings.storage.durability`). */
  fsyncs(): boolean;
  /** Brings the streams' counts into the index. */
  refreshCounts(): void;
  /** Keeps the first failure of a write. */
  failed(e: unknown): void;
  /** A whole checkpoint again (sinks flushed, then a write): for a change a running write missed. */
  checkpoint(): void;
}

/** One recording's coalesced index writes; see the module comment. */
export class IndexWrites {
  /** The write in flight, with its follow-up (at most one per recording). */
  private running: Promise<void> | undefined;
  /** That write while queued (so {@link urgent} can promote it). */
  private queued: QueuedIndexWrite | undefined;
  /** The running write has taken the index: a later change needs another write. */
  private taken = false;
  private dirty = false;
  /** The next write is urgent (a set-up waits for it). */
  private urgentNext = false;

  constructor(
    private readonly dir: string,
    private readonly source: IndexWriteSource,
  ) {}

  /** The write in flight, if any: for waiting until the index is settled. */
  get current(): Promise<void> | undefined {
    return this.running;
  }

  /** Writes the index soon: starts a write, or lets the running one (or its follow-up) carry the change. */
  request(): void {
    if (this.running) {
      // A write that has not taken the index yet will carry this change too.
      if (this.taken) this.dirty = true;
      return;
    }
    const done = this.write().catch((e: unknown) => this.source.failed(e));
    this.running = done.finally(() => {
      this.running = undefined;
      if (this.dirty && this.source.isOpen()) {
        this.dirty = false;
        try { this.source.checkpoint(); } catch { /* kept as the recording's writeError for the next caller */ }
      }
    });
  }

  /** The next write goes before the periodic ones; a write still queued is moved up now. */
  urgent(): void {
    this.urgentNext = true;
    this.queued?.promote();
  }

  private async write(): Promise<void> {
    this.taken = false;
    await this.source.pendingFiles.done();
    const before = this.source.error();
    if (before !== undefined) throw before;
    const write = queueIndexWrite(this.dir, async () => {
      await this.source.pendingFiles.done();
      const failure = this.source.error();
      if (failure !== undefined) throw failure;
      this.taken = true;
      const urgent = this.urgentNext;
      this.urgentNext = false;
      this.source.refreshCounts();
      const index = this.source.index;
      index.revision++;
      // durability `none`: the set-up's index is not fsynced (the next checkpoint's is).
      return { text: indexText(index), fsync: this.source.fsyncs() || !urgent };
    }, this.urgentNext);
    this.queued = write;
    try {
      await write.done;
    } finally {
      this.queued = undefined;
    }
  }
}
