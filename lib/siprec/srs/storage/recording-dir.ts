/**
 * One recording on disk: a new directory per recording session holding the files of each stream
 * (stream-sinks.ts: a WAV per G.711 stream, decoded through the media receiver, which keeps the
 * timeline across loss, pauses and source changes; an rtpdump per other RTP stream; an rtpdump
 * and a UTF-8 transcript per RTT stream; a message log per MSRP stream), every metadata document
 * as received (`metadata-000.xml` first, then one numbered file per update) and index.json.
 *
 * No file-system call blocks the event loop (a burst of set-ups must not stall live RTP); only
 * recovery at start-up (recover.ts) is synchronous. Crash safety (lib/siprec/srs/README.md
 * "Storage" has the whole order): media through bounded write queues (queued-file.ts); metadata
 * files written once ('wx') and fsynced; the index replaced atomically (index-file.ts), saying
 * `recording` while live. The first index is the first checkpoint's (a crash before it leaves
 * files without an index, which recovery rebuilds from them: rebuild-index.ts); an index names
 * only files that exist (index-writes.ts waits for {@link RecordingDir.pendingFiles});
 * {@link RecordingDir.durable} (before the 200 OK) resolves once an fsynced index naming the
 * streams and metadata is in place, with every fsync it relies on done. Nothing is overwritten.
 */
import { join } from 'node:path';
import type { SrsEndReason } from '../../../../include-types/siprec.js';
import type { RtpPacket } from '../../media/index.js';
import { applyPartialUpdate, type RecordingMetadata } from '../../metadata/index.js';
import { RecordingState, writeIndexQueued, type IndexStereo, type IndexStream, type RecordingIndex } from './index-file.js';
import { IndexWrites } from './index-writes.js';
import type { ReceivedMessage } from './message-log.js';
import { callIdsOf, mapParticipants } from './participants.js';
import { indexSessions, labelOwners } from './cs-streams.js';
import { firstRejection, openSink, wavQueueOf, type StreamSink } from './stream-sinks.js';
import { dirSyncs, nextTurn } from './group-sync.js';
import { QueuedWavWriter } from './wav-file.js';
import { WriteSet } from './write-set.js';
import { makeRecordingDir, safeName, stamp, writeNewFileSteps, type CreateRecordingOptions, type MediaStreamSpec, type RecordingCounters, type RecordingStorage } from './recording-parts.js';

export { safeName, type CreateRecordingOptions, type MediaStreamSpec, type RecordingCounters, type RecordingStorage } from './recording-parts.js';

/** A stream being written. */
interface LiveStream {
  entry: IndexStream;
  sink: StreamSink;
}

/** Writes one recording; see the module comment. */
export class RecordingDir {
  /** The recording's directory. */
  readonly dir: string;
  private readonly now: () => number;
  private readonly index: RecordingIndex;
  private readonly streams = new Map<string, LiveStream>();
  /**
   * Streams of a CS that ended, closed when another CS took their label (a persistent RS,
   * cs-streams.ts), with their closing; still counted and awaited at close.
   */
  private readonly retired: { live: LiveStream; closed: Promise<void> }[] = [];
  /**
   * How each label's stream was opened, to open it again for the next CS; `deferred` while its
   * files wait for a CS (an RS set up before any call, RFC 7866 §10: no empty file whose WAV
   * would be all silence from the RS's setup).
   */
  private readonly specs = new Map<string, { spec: MediaStreamSpec; deferred: boolean }>();
  /** Per label: when its CS was disassociated (a file ends there when the next CS takes the label). */
  private readonly idleSince = new Map<string, number>();
  private metadata: RecordingMetadata | undefined;
  private metadataBytes = 0;
  /** {@link signature} at the last index write. */
  private lastWritten = '';
  private closed = false;
  private closing: Promise<RecordingIndex> | undefined;
  /** The index writes, coalesced (index-writes.ts). */
  private readonly indexWrites: IndexWrites;
  /**
   * Files being created (stream files with their headers, metadata files until written): an
   * index write waits for them, so an index never names a file that is not there.
   */
  private readonly pendingFiles = new WriteSet((e) => { this.writeError ??= e; });
  /**
   * fsyncs that do not gate an index write but do gate {@link durable} and the final index: the
   * root's entry for this directory, metadata files' contents (see {@link addMetadata}).
   */
  private readonly syncing = new WriteSet((e) => { this.writeError ??= e; });
  private readonly queue: RecordingStorage | undefined;
  /** The first failed background write (index, metadata fsync), thrown by the next checkpoint. */
  private writeError: unknown;

  private constructor(dir: string, index: RecordingIndex, now: () => number, queue: RecordingStorage | undefined) {
    this.dir = dir;
    this.index = index;
    this.now = now;
    this.queue = queue;
    this.indexWrites = new IndexWrites(dir, {
      index,
      pendingFiles: this.pendingFiles,
      error: () => this.writeError,
      isOpen: () => !this.closed,
      fsyncs: () => this.fsyncs,
      refreshCounts: () => this.refreshCounts(),
      failed: (e) => { this.writeError ??= e; },
      checkpoint: () => this.checkpoint(),
    });
  }

  /**
   * Creates a new directory (never an existing one), off the event loop. Its index.json is
   * written by the first checkpoint (metadata, a stream, {@link durable}, {@link close}); a
   * crash before that leaves no index, which recovery rebuilds from the files.
   */
  static async create(opts: CreateRecordingOptions): Promise<RecordingDir> {
    const now = opts.now ?? Date.now;
    const t = now();
    const dir = await makeRecordingDir(opts.root, `${stamp(t)}_${safeName(opts.recordingId)}`);
    const index: RecordingIndex = {
      version: 1, recordingId: opts.recordingId, callIds: [], sessionIds: [], state: RecordingState.Recording,
      startedAt: new Date(t).toISOString(), streams: [], participants: [], metadataFiles: [], pauses: [], revision: 0, writerPid: process.pid,
      ...(opts.source !== undefined ? { source: opts.source } : {}),
    };
    const rec = new RecordingDir(dir, index, now, opts.queue);
    // The root's entry for the new directory: without it a power cut may lose the whole directory
    // (fsyncs inside it do not make its name in the root durable on every file system). One
    // fsync of the root serves every directory created before it started (group-sync.ts): a
    // burst of N set-ups costs a few root fsyncs, not N. Awaited by durable() (durability
    // `fsync`) and by the final index, not by the other index writes.
    rec.syncing.add(dirSyncs.sync(opts.root));
    // No index yet: the first is the first checkpoint's (metadata, a stream, durable(), close),
    // once the files it names exist. A crash before it leaves a directory with files and no
    // index; recovery rebuilds its index from the files (rebuild-index.ts). Until 2026-12-08 an
    // unsynced index was written here first, so that recovery found such a directory: four
    // file-system calls and a file created per set-up, before the 200, that nothing needs now.
    await nextTurn(); // the set-up's work that follows (ports, answer): one set-up per turn
    return rec;
  }

  /** A copy of the index as it stands. */
  get snapshot(): RecordingIndex {
    this.refreshCounts();
    return structuredClone(this.index);
  }

  /** The merged metadata so far, if any. */
  get currentMetadata(): RecordingMetadata | undefined {
    return this.metadata;
  }

  /**
   * What this recording wrote so far, for the SRS's metrics: files created (stream files,
   * metadata files, index.json), bytes stored (media and metadata), packets lost and late (WAV
   * streams), datagrams dropped. Cheap (no copy of the index); still right after close.
   */
  counters(): RecordingCounters {
    const c: RecordingCounters = { files: 1 + this.index.metadataFiles.length, bytes: this.metadataBytes, lost: 0, late: 0, dropped: 0 };
    for (const s of [...this.streams.values(), ...this.retired.map((r) => r.live)]) {
      const st = s.sink.stored();
      c.files += s.sink.files.length;
      c.bytes += st.bytes;
      c.lost += st.lost;
      c.late += st.late;
      c.dropped += s.entry.droppedPackets ?? 0;
    }
    return c;
  }

  /** Labels of the streams opened. */
  get labels(): string[] {
    return this.index.streams.map((s) => s.label);
  }

  /**
   * Opens the WAV of a G.711 stream (idempotent per label). `originMs` is the session's answer
   * time, so the streams of one recording line up.
   */
  openStream(label: string, codec: string, payloadType: number, originMs: number = this.now()): void {
    this.openMediaStream({ label, kind: 'audio', store: 'wav', codec, payloadType }, originMs);
  }

  /** Opens the files of a stream of any kind (idempotent per label); see {@link MediaStreamSpec}. */
  openMediaStream(spec: MediaStreamSpec, originMs: number = this.now()): void {
    if (this.closed || this.streams.has(spec.label)) return;
    if (this.metadata !== undefined && labelOwners(this.metadata).size === 0 && !this.specs.has(spec.label)) {
      // The metadata names no CS using any label yet (a persistent RS before its first call): the
      // files open when a CS takes the label, or at the first datagram (cs-streams.ts).
      this.specs.set(spec.label, { spec, deferred: true });
      return;
    }
    const taken = new Set(this.index.streams.flatMap((s) => s.files ?? [s.file]));
    let stem = `stream-${safeName(spec.label)}`;
    const clash = (st: string): boolean => [...taken].some((f) => f.startsWith(`${st}.`));
    for (let n = 2; clash(stem); n++) stem = `stream-${safeName(spec.label)}-${n}`;
    const sink = openSink({ dir: this.dir, stem, store: spec.store, originMs, ...(this.queue ? { queue: this.queue } : {}), ...(spec.t140 ? { t140: spec.t140 } : {}), ...(spec.source ? { source: spec.source } : {}), ...(spec.srtp ? { srtp: spec.srtp } : {}) });
    const entry: IndexStream = {
      label: spec.label, file: sink.files[0], codec: spec.codec, payloadType: spec.payloadType, packets: 0,
      startedAt: new Date(this.now()).toISOString(), durationSeconds: 0, senders: [], receivers: [],
      kind: spec.kind, format: spec.store, files: [...sink.files],
      ...(spec.formats ? { formats: spec.formats.map((f) => ({ payloadType: f.payloadType, name: f.name, clockRate: f.clockRate })) } : {}),
    };
    const owner = labelOwners(this.metadata).get(spec.label);
    if (owner !== undefined) entry.sessionId = owner;
    this.index.streams.push(entry);
    this.streams.set(spec.label, { entry, sink });
    this.pendingFiles.add(sink.ready());
    this.specs.set(spec.label, { spec, deferred: false });
    if (this.metadata) this.mapMetadata();
    this.checkpoint();
  }

  /**
   * The CS using a label changed (RFC 7866 §10, cs-streams.ts): a file that stored nothing yet
   * goes to the new CS; else it ends (at its CS's disassociation, if seen) and a new one opens.
   */
  private reassign(label: string, owner: string | undefined): void {
    const live = this.streams.get(label);
    if (!live) {
      if (owner !== undefined) this.openDeferred(label);
      return;
    }
    if (live.entry.sessionId === owner) return;
    if (owner === undefined) {
      if (!this.idleSince.has(label)) this.idleSince.set(label, this.now());
      return;
    }
    const end = this.idleSince.get(label) ?? this.now();
    this.idleSince.delete(label);
    live.sink.count(live.entry);
    if (live.entry.sessionId === undefined && live.entry.packets === 0) {
      live.entry.sessionId = owner;
      return;
    }
    live.entry.stoppedAt = new Date(end).toISOString();
    let closed: Promise<void>;
    try {
      closed = live.sink.close(end);
    } catch (e) {
      closed = Promise.reject(e);
    }
    this.retired.push({ live, closed: closed.catch((e: unknown) => { this.writeError ??= e; }) });
    this.streams.delete(label);
    const again = this.specs.get(label);
    if (again) this.openMediaStream(again.spec, this.now());
  }

  /** The stream of `label` whose files wait (see {@link specs}), opened now; or the live one. */
  private openDeferred(label: string): LiveStream | undefined {
    const wait = this.specs.get(label);
    if (wait?.deferred && !this.closed) {
      wait.deferred = false;
      this.openMediaStream(wait.spec, this.now());
    }
    return this.streams.get(label);
  }

  /** Participants, stream ids and CSs of the index from the merged metadata. */
  private mapMetadata(): void {
    const m = this.metadata!;
    this.index.participants = mapParticipants(m, this.index.streams);
    this.index.sessions = indexSessions(m, this.index.streams);
  }

  /** Records one RTP packet of a stream (ignored for unknown labels or after close). */
  packet(label: string, pkt: RtpPacket, arrivalMs: number = this.now()): void {
    const s = this.streams.get(label) ?? this.openDeferred(label);
    if (!s || this.closed) return;
    s.sink.packet(pkt, arrivalMs);
  }

  /** Records one datagram of a stream as received: RTP, or RTCP with `rtcp` (kept by rtpdump streams). */
  datagram(label: string, data: Buffer, arrivalMs: number = this.now(), rtcp = false): void {
    const s = this.streams.get(label) ?? this.openDeferred(label);
    if (!s || this.closed) return;
    if (rtcp) s.sink.rtcp(data, arrivalMs);
    else s.sink.rtp(data, arrivalMs);
  }

  /** Records one MSRP message of a message stream. */
  message(label: string, m: ReceivedMessage): void {
    const s = this.streams.get(label) ?? this.openDeferred(label);
    if (!s || this.closed) return;
    s.sink.message(m);
  }

  /**
   * Stores a metadata document as received (a new numbered file) and merges it: a complete one
   * replaces the model, a partial one is applied to it (RFC 7865 §6.1). Returns the file name.
   */
  addMetadata(raw: Buffer, parsed: RecordingMetadata): string {
    const file = `metadata-${String(this.index.metadataFiles.length).padStart(3, '0')}.xml`;
    // Off the loop. The index naming it waits until it is written (pendingFiles), not until it
    // is fsynced: its fsync runs beside the index's own (durable() and the final index wait
    // for both), one fsync less in a set-up's chain. Crash cases: a killed process leaves the
    // file whole whenever an index names it (the kernel has it); a power cut after the rename
    // of an index naming it reached the disk but before its data did can leave it short, but
    // only before durable() resolved, i.e. before the 200 told the SRC it was recorded (the
    // recording recovers as `partial` with a short metadata file, the other files intact).
    const steps = writeNewFileSteps(join(this.dir, file), Buffer.from(raw));
    this.pendingFiles.add(steps.written);
    this.syncing.add(steps.synced);
    this.index.metadataFiles.push(file);
    this.metadataBytes += raw.length;
    const before = labelOwners(this.metadata);
    this.metadata = parsed.dataMode === 'partial' && this.metadata ? applyPartialUpdate(this.metadata, parsed) : parsed;
    this.index.sessionIds = this.metadata.sessions.map((s) => s.sessionId);
    for (const c of callIdsOf(this.metadata)) if (!this.index.callIds.includes(c)) this.index.callIds.push(c);
    const after = labelOwners(this.metadata);
    for (const label of new Set([...before.keys(), ...after.keys()])) this.reassign(label, after.get(label));
    this.mapMetadata();
    this.checkpoint();
    return file;
  }

  /**
   * Names the stereo WAV in the index, or updates it (written by the SRS's stereo-recording.ts):
   * a new file or channel is checkpointed at once; a new duration only goes with the next write.
   */
  setStereo(info: IndexStereo): void {
    if (this.closed) return;
    const was = this.index.stereo;
    this.index.stereo = info;
    if (was?.file !== info.file || was.left !== info.left || was.right !== info.right) this.checkpoint();
  }

  /** The SRC paused (a=inactive): the gap stays in the timeline. */
  pause(): void {
    const last = this.index.pauses.at(-1);
    if (last && last.to === undefined) return;
    this.index.pauses.push({ from: new Date(this.now()).toISOString() });
    this.checkpoint();
  }

  /** The SRC resumed. */
  resume(): void {
    const last = this.index.pauses.at(-1);
    if (!last || last.to !== undefined) return;
    last.to = new Date(this.now()).toISOString();
    this.checkpoint();
  }

  /**
   * Starts writing what the streams have queued and rewrites the index with the current counts,
   * off the event loop (call it now and then while recording). A checkpoint asked for while the
   * last one is still being written is coalesced into the next write.
   * @throws the error of an earlier failed write (ENOSPC, EIO), so the caller ends the recording.
   */
  checkpoint(): void {
    if (this.closed) return;
    if (this.writeError !== undefined) throw this.writeError;
    this.lastWritten = this.signature();
    for (const s of this.streams.values()) s.sink.flush();
    this.indexWrites.request();
  }

  /** The set-up waits for fsyncs (`SrsSettings.storage.durability`, default `fsync`). */
  private get fsyncs(): boolean {
    return this.queue?.durability !== 'none';
  }

  /**
   * Creates another WAV of the recording (the stereo WAV, stereo-recording.ts) with the same
   * write queue bounds as the stream files (`SrsSettings.storage`); an index write waits until
   * it exists with its header, like for the stream files (an index never names a missing file).
   * The caller closes it (before {@link close}).
   */
  createWav(file: string, format: { sampleRate: number; channels: number }): QueuedWavWriter {
    const writer = QueuedWavWriter.create(join(this.dir, file), { ...format, queue: wavQueueOf(this.queue) });
    this.pendingFiles.add(writer.ready());
    return writer;
  }

  /**
   * Makes the recording durable as it stands: every file created so far exists (metadata
   * fsynced) and an fsynced index naming them is in place. The SRS awaits it before its 200 OK
   * (so an SRC told "recording" is never left without a recording recovery finds, even after a
   * power cut). Its index write goes before periodic checkpoints (index-file.ts `urgent`).
   * The cost per set-up: the fsyncs of the metadata file and of the index (in parallel), then
   * of its directory, and a share of the root's (group-committed with the other set-ups of a
   * burst, group-sync.ts); up to 16 set-ups' index writes run at once, so a journalling file
   * system commits their fsyncs together (index-file.ts). With `SrsSettings.storage.durability`
   * `none` it waits for no fsync: the files and the index are in the kernel (safe against a
   * killed process, not against a power cut until the next checkpoint).
   * @throws the first failed write (ENOSPC, EIO).
   */
  async durable(): Promise<void> {
    if (this.closed) return;
    this.indexWrites.urgent();
    this.checkpoint();
    await this.settled();
    if (this.fsyncs) await this.syncing.done();
    await nextTurn(); // the set-ups of one group commit go on one per turn (group-sync.ts)
    if (this.writeError !== undefined) throw this.writeError;
  }

  /** Resolves once every write started so far (file creations, metadata, index) is done. For tests and shutdown. */
  async settled(): Promise<void> {
    while (this.indexWrites.current || this.pendingFiles.size > 0) await Promise.all([this.indexWrites.current, ...this.pendingFiles.current]);
  }

  /**
   * Rewrites the index only when something was stored since the last write (a periodic
   * checkpoint of a silent recording costs no fsync). Structural changes (streams, metadata,
   * pauses) write at once anyway.
   */
  checkpointIfChanged(): void {
    if (this.closed || this.signature() === this.lastWritten) return;
    this.checkpoint();
  }

  /** What changes when media is stored: a cheap stand-in for comparing the index. */
  private signature(): string {
    const c = this.counters();
    return `${c.files}/${c.bytes}/${c.lost}/${c.late}/${c.dropped}/${this.index.pauses.length}`;
  }

  /**
   * Counts datagrams of a stream received but not stored (rate limit, pre-answer buffer full);
   * they show as the stream's `droppedPackets` at the next checkpoint.
   */
  dropped(label: string, n = 1): void {
    const s = this.streams.get(label);
    if (!s || this.closed || n <= 0) return;
    s.entry.droppedPackets = (s.entry.droppedPackets ?? 0) + n;
  }

  /**
   * Finishes every stream (WAVs: silence up to the end), closes the files, marks the index
   * complete; or `failed` with `failed` true (the session could not be set up); or the state
   * given (`partial`: ended early to keep what was written). The index gets `reason` as its
   * `endReason` and `detail` (the words for people) as its `endDetail`.
   * Every file is closed even when one of them fails (a full disk); the first error rejects,
   * after the index is written, if it can be. Resolves (with the final index) once every queued
   * write is in its file, the files fsynced and closed and the final index in place: only then
   * does the index say `complete`. Idempotent (the same promise). `endMs`: when the recording
   * ended (default now); every stream's file is padded to it.
   */
  close(reason: SrsEndReason, failed: boolean | RecordingState = false, detail?: string, endMs?: number): Promise<RecordingIndex> {
    this.closing ??= this.finish(reason, failed, detail, endMs ?? this.now());
    return this.closing;
  }

  private async finish(reason: SrsEndReason, failed: boolean | RecordingState, detail: string | undefined, end: number): Promise<RecordingIndex> {
    this.closed = true; // no more packets; no more checkpoints
    let firstError: unknown = this.writeError;
    // An RS that carried CSs in turn (cs-streams.ts): a file whose CS was disassociated ends
    // there, not at the RS's BYE (a persistent RS may idle long after its last call).
    const inTurn = this.retired.length > 0;
    const closing = [...this.streams.values()].map((s) => {
      const at = inTurn ? Math.min(end, this.idleSince.get(s.entry.label) ?? end) : end;
      s.entry.stoppedAt = new Date(at).toISOString();
      try {
        return s.sink.close(at);
      } catch (e) {
        return Promise.reject(e);
      }
    });
    try {
      firstRejection(await Promise.allSettled(closing));
    } catch (e) {
      firstError ??= e;
    }
    await Promise.all(this.retired.map((r) => r.closed));
    await this.settled();
    await this.syncing.done();
    firstError ??= this.writeError;
    try {
      this.refreshCounts();
    } catch (e) {
      firstError ??= e;
    }
    const last = this.index.pauses.at(-1);
    if (last && last.to === undefined) last.to = new Date(end).toISOString();
    this.index.state = typeof failed === 'string' ? failed : failed ? RecordingState.Failed : RecordingState.Complete;
    this.index.stoppedAt = new Date(end).toISOString();
    this.index.endReason = reason;
    if (detail !== undefined) this.index.endDetail = detail;
    this.index.revision++;
    // Urgent, like a set-up's: the SRC's BYE waits for its 200 until this index is in place
    // (srs-in-dialog.ts). Queued with the periodic checkpoints, which go one at a time, the final
    // indexes of 200 calls ending per second queued behind one another for over T1 and every
    // BYE was retransmitted (bench/srs-recording.bench.ts, 2026-12-08).
    await writeIndexQueued(this.dir, this.index, { urgent: true });
    if (firstError !== undefined) throw firstError;
    return structuredClone(this.index);
  }

  private refreshCounts(): void {
    for (const s of this.streams.values()) s.sink.count(s.entry);
    for (const r of this.retired) r.live.sink.count(r.live.entry);
  }
}
