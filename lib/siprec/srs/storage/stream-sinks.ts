/**
 * Where one recorded stream's data goes, by how it is stored:
 * - `wav`: G.711 RTP → RtpPcmReceiver (timeline kept) → WavWriter;
 * - `rtpdump`: every RTP and RTCP packet as received → RtpdumpWriter;
 * - `t140`: as rtpdump, plus the text (T.140, red unwrapped, each block once) → a UTF-8 transcript;
 * - `msrp`: each MSRP message body → a message log (see message-log.ts).
 * Every sink appends through a bounded write queue (queued-file.ts): written in order off the event
 * loop, so a killed process leaves readable files that lack at most the queued tail; `flush` (each
 * checkpoint) starts writing what is queued, `close` resolves once every file is complete.
 */
import { join } from 'node:path';
import { buildRtp, parseRtp, RtpPcmReceiver, type RtpPacket } from '../../media/index.js';
import type { IndexStream } from './index-file.js';
import { MessageLogWriter, type ReceivedMessage } from './message-log.js';
import { RtpdumpWriter } from './rtpdump.js';
import { T140Extractor, TranscriptWriter } from './t140.js';
import { QueuedWavWriter } from './wav-file.js';

/** A stream's sink. */
export interface StreamSink {
  /** Files written, the main one first. */
  readonly files: string[];
  /** One RTP packet as received (ignored by message sinks). */
  rtp(data: Buffer, arrivalMs: number): void;
  /** One parsed RTP packet. */
  packet(pkt: RtpPacket, arrivalMs: number): void;
  /** One RTCP packet (kept by dump sinks). */
  rtcp(data: Buffer, arrivalMs: number): void;
  /** One MSRP message (message sinks only). */
  message(m: ReceivedMessage): void;
  /** Copies the counters into the index entry. */
  count(entry: IndexStream): void;
  /** What it stored so far, for the SRS's metrics (cheap: no copy of the index). */
  stored(): SinkCounters;
  /** Starts writing what is queued (throws an earlier write's error). */
  flush(): void;
  /** Resolves once every file of the sink exists with its header (files are created off the loop). */
  ready(): Promise<void>;
  /** Ends the stream at `endMs`; resolves once its files are written, fsynced and closed. */
  close(endMs: number): Promise<void>;
}

/** What a sink stored so far (see {@link StreamSink.stored}). */
export interface SinkCounters {
  /** Bytes of media stored (WAV data, rtpdump packets, transcript text, MSRP bodies). */
  bytes: number;
  /** RTP packets never received (WAV streams: sequence gaps). */
  lost: number;
  /** RTP packets that came after their place was written (WAV streams). */
  late: number;
}

/** What a sink needs to know. */
export interface SinkSpec {
  /** Recording directory. */
  dir: string;
  /** File name stem, e.g. `stream-1`. */
  stem: string;
  /** Storage. */
  store: 'wav' | 'rtpdump' | 't140' | 'msrp';
  /** The session's answer time (timeline origin of WAVs, start of dumps). */
  originMs: number;
  /** t140 / red payload types of a text stream. */
  t140?: { t140: number; red?: number };
  /** Address and port named in the dump's first line. */
  source?: { address: string; port: number };
  /** SRTP stream: its suite and live receiver counters, copied into the index entry by `count`. */
  srtp?: SinkSrtp;
  /** Write queue bounds of every file (`SrsSettings.storage`); absent: the defaults. */
  queue?: SinkQueue;
}

/** Write queue bounds of a sink's files (see queued-file.ts). */
export interface SinkQueue {
  /** Most bytes held in memory per file; beyond it appends are dropped and counted. */
  maxQueuedBytes?: number;
  /** Bytes of audio gathered before a WAV write starts. */
  wavBatchBytes?: number;
}

/** The QueuedFileOptions of a sink's non-WAV files. */
function queueOf(spec: SinkSpec): { maxQueuedBytes?: number } {
  return spec.queue?.maxQueuedBytes !== undefined ? { maxQueuedBytes: spec.queue.maxQueuedBytes } : {};
}

/** The write queue options of a WAV (the SRS's mono and stereo WAVs) from the storage bounds. */
export function wavQueueOf(queue: SinkQueue | undefined): { maxQueuedBytes?: number; batchBytes?: number } {
  return { ...(queue?.maxQueuedBytes !== undefined ? { maxQueuedBytes: queue.maxQueuedBytes } : {}), ...(queue?.wavBatchBytes !== undefined ? { batchBytes: queue.wavBatchBytes } : {}) };
}

/** What a sink reports of a stream received as SRTP (decrypted before it reaches the sink). */
export interface SinkSrtp {
  /** Crypto suite. */
  suite: string;
  /** The receiver's counters now. */
  stats: () => { authFailures: number; replays: number; malformed: number } | undefined;
}

class WavSink implements StreamSink {
  readonly files: string[];
  private readonly writer: QueuedWavWriter;
  private readonly receiver: RtpPcmReceiver;

  constructor(spec: SinkSpec) {
    this.files = [`${spec.stem}.wav`];
    this.writer = QueuedWavWriter.create(join(spec.dir, this.files[0]), { queue: wavQueueOf(spec.queue) });
    this.receiver = new RtpPcmReceiver(this.writer, { originMs: spec.originMs });
  }

  rtp(data: Buffer, arrivalMs: number): void {
    let pkt: RtpPacket;
    try {
      pkt = parseRtp(data);
    } catch {
      return; // not RTP
    }
    this.receiver.push(pkt, arrivalMs);
  }

  packet(pkt: RtpPacket, arrivalMs: number): void { this.receiver.push(pkt, arrivalMs); }
  rtcp(): void {}
  message(): void {}

  count(e: IndexStream): void {
    e.packets = this.receiver.stats.packets;
    e.durationSeconds = this.writer.durationSeconds;
    if (this.writer.droppedBytes > 0) e.droppedBytes = this.writer.droppedBytes;
  }

  stored(): SinkCounters {
    const st = this.receiver.stats;
    return { bytes: this.writer.dataBytes, lost: st.lost, late: st.late };
  }

  flush(): void { this.writer.flush(); }
  ready(): Promise<void> { return this.writer.ready(); }

  close(endMs: number): Promise<void> {
    this.receiver.finish(endMs);
    return this.writer.close();
  }
}

class DumpSink implements StreamSink {
  readonly files: string[];
  protected readonly dump: RtpdumpWriter;
  private firstMs: number | undefined;
  private lastMs: number | undefined;

  constructor(spec: SinkSpec) {
    this.files = [`${spec.stem}.rtpdump`];
    this.dump = RtpdumpWriter.create(join(spec.dir, this.files[0]), { address: spec.source?.address ?? '0.0.0.0', port: spec.source?.port ?? 0, startMs: spec.originMs, queue: queueOf(spec) });
  }

  rtp(data: Buffer, arrivalMs: number): void {
    this.dump.write(data, arrivalMs);
    this.firstMs ??= arrivalMs;
    this.lastMs = arrivalMs;
  }

  packet(pkt: RtpPacket, arrivalMs: number): void { this.rtp(buildRtp(pkt), arrivalMs); }
  rtcp(data: Buffer, arrivalMs: number): void { this.dump.write(data, arrivalMs, true); }
  message(): void {}

  count(e: IndexStream): void {
    e.packets = this.dump.packets;
    e.rtcpPackets = this.dump.rtcpPackets;
    e.bytes = this.dump.bytes;
    e.durationSeconds = this.firstMs === undefined ? 0 : ((this.lastMs ?? this.firstMs) - this.firstMs) / 1000;
    if (this.dump.droppedPackets > 0) e.droppedRecords = this.dump.droppedPackets;
  }

  stored(): SinkCounters {
    return { bytes: this.dump.bytes, lost: 0, late: 0 };
  }

  flush(): void { this.dump.flush(); }
  ready(): Promise<void> { return this.dump.ready(); }

  close(): Promise<void> { return this.dump.close(); }
}

class TextSink extends DumpSink {
  private readonly extractor: T140Extractor;
  private readonly transcript: TranscriptWriter;

  constructor(spec: SinkSpec) {
    super(spec);
    this.files.push(`${spec.stem}.txt`);
    this.transcript = TranscriptWriter.create(join(spec.dir, this.files[1]), queueOf(spec));
    const t = spec.t140 ?? { t140: -1 };
    this.extractor = new T140Extractor({ t140PayloadType: t.t140, ...(t.red !== undefined ? { redPayloadType: t.red } : {}) });
  }

  override rtp(data: Buffer, arrivalMs: number): void {
    super.rtp(data, arrivalMs);
    let pkt: RtpPacket;
    try {
      pkt = parseRtp(data);
    } catch {
      return;
    }
    for (const chunk of this.extractor.push(pkt)) this.transcript.append(chunk);
  }

  override count(e: IndexStream): void {
    super.count(e);
    e.transcript = this.files[1];
    e.textBytes = this.transcript.bytes;
    e.textBlocks = this.extractor.blocks;
    e.recoveredBlocks = this.extractor.recovered;
  }

  override stored(): SinkCounters {
    const c = super.stored();
    return { ...c, bytes: c.bytes + this.transcript.bytes };
  }

  override flush(): void {
    super.flush();
    this.transcript.flush();
  }

  override ready(): Promise<void> {
    return Promise.all([super.ready(), this.transcript.ready()]).then(() => undefined);
  }

  override close(): Promise<void> {
    // Both files are closed whatever the other's outcome; the first error is reported.
    return Promise.allSettled([super.close(), this.transcript.close()]).then(firstRejection);
  }
}

class MessageSink implements StreamSink {
  readonly files: string[];
  private readonly log: MessageLogWriter;

  constructor(spec: SinkSpec) {
    this.files = [`${spec.stem}.msrp.txt`];
    this.log = MessageLogWriter.create(join(spec.dir, this.files[0]), queueOf(spec));
  }

  rtp(): void {}
  packet(): void {}
  rtcp(): void {}
  message(m: ReceivedMessage): void { this.log.append(m); }

  count(e: IndexStream): void {
    e.packets = this.log.messages;
    e.messages = this.log.messages;
    e.bytes = this.log.bodyBytes;
    e.durationSeconds = 0;
    if (this.log.droppedMessages > 0) e.droppedRecords = this.log.droppedMessages;
  }

  stored(): SinkCounters {
    return { bytes: this.log.bodyBytes, lost: 0, late: 0 };
  }

  flush(): void { this.log.flush(); }
  ready(): Promise<void> { return this.log.ready(); }

  close(): Promise<void> { return this.log.close(); }
}

/** Throws the first rejection of settled promises (each was awaited: none is left unhandled). */
export function firstRejection(results: PromiseSettledResult<unknown>[]): void {
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

function sinkOf(spec: SinkSpec): StreamSink {
  switch (spec.store) {
    case 'wav': return new WavSink(spec);
    case 'rtpdump': return new DumpSink(spec);
    case 't140': return new TextSink(spec);
    case 'msrp': return new MessageSink(spec);
  }
}

/** Opens the sink of a stream (its files created exclusively). */
export function openSink(spec: SinkSpec): StreamSink {
  const sink = sinkOf(spec);
  const srtp = spec.srtp;
  if (!srtp) return sink;
  // The packets arrive decrypted; the sink only adds the SRTP counters to the index entry.
  const count = sink.count.bind(sink);
  sink.count = (e: IndexStream): void => {
    count(e);
    const st = srtp.stats();
    e.srtp = { suite: srtp.suite, authFailures: st?.authFailures ?? 0, replays: st?.replays ?? 0, malformed: st?.malformed ?? 0 };
  };
  return sink;
}
