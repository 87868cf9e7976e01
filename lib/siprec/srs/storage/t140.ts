/**
 * Real-time text (RFC 4103) to a transcript: T.140 payloads, plain or inside RFC 2198 redundancy
 * ("red"), turned into the text in order, each T140block once.
 *
 * A red payload is a list of block headers (4 bytes `F|PT(7)|ts offset(14)|length(10)` while F is
 * 1, then one byte `0|PT(7)` for the primary) followed by the blocks in the same order: the
 * redundant generations oldest first, the primary last (RFC 2198 §3). RFC 4103 §4 sends in packet
 * N the T140blocks of packets N-1, N-2 ... as redundancy, so a redundant block of generation k
 * stands for sequence number N-k: with that, every block is keyed by a sequence number, a block
 * already written is skipped (duplicates, redundancy of packets that arrived), and a block whose
 * packet was lost is recovered from the redundancy of a later one, before that packet's primary.
 */
import { QueuedFile, type QueuedFileOptions } from './queued-file.js';
import type { RtpPacket } from '../../media/index.js';

/** One block of a red payload. */
export interface RedBlock {
  /** Payload type of the block. */
  payloadType: number;
  /** Timestamp offset back from the packet's (0 for the primary). */
  timestampOffset: number;
  /** The block data. */
  data: Buffer;
  /** True for the primary (last) block. */
  primary: boolean;
}

/** Splits an RFC 2198 red payload. Throws RangeError when the headers run past the payload. */
export function parseRedPayload(payload: Buffer): RedBlock[] {
  const heads: { pt: number; off: number; len: number }[] = [];
  let o = 0;
  for (;;) {
    if (o >= payload.length) throw new RangeError('red payload ends inside its headers');
    const b = payload[o];
    if ((b & 0x80) === 0) {
      heads.push({ pt: b & 0x7f, off: 0, len: -1 });
      o += 1;
      break;
    }
    if (o + 4 > payload.length) throw new RangeError('red payload ends inside a block header');
    const word = payload.readUInt32BE(o);
    heads.push({ pt: b & 0x7f, off: (word >>> 10) & 0x3fff, len: word & 0x3ff });
    o += 4;
  }
  const out: RedBlock[] = [];
  for (const h of heads) {
    const len = h.len < 0 ? payload.length - o : h.len;
    if (o + len > payload.length) throw new RangeError('red block runs past the payload');
    out.push({ payloadType: h.pt, timestampOffset: h.off, data: payload.subarray(o, o + len), primary: h.len < 0 });
    o += len;
  }
  return out;
}

/** Options of {@link T140Extractor}. */
export interface T140ExtractorOptions {
  /** Payload type of t140. */
  t140PayloadType: number;
  /** Payload type of red, when offered. */
  redPayloadType?: number;
  /** Sequence numbers remembered for de-duplication (default 1024). */
  window?: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function stripBom(b: Buffer): Buffer {
  // RFC 4103 §3.4 / T.140: ZERO WIDTH NO-BREAK SPACE may start a session; it is not text.
  if (b.indexOf(BOM) < 0) return b;
  const parts: Buffer[] = [];
  let o = 0;
  for (let i = b.indexOf(BOM); i >= 0; i = b.indexOf(BOM, o)) {
    parts.push(b.subarray(o, i));
    o = i + 3;
  }
  parts.push(b.subarray(o));
  return Buffer.concat(parts);
}

/** Turns the RTP packets of one text stream into text chunks, in order, each once. */
export class T140Extractor {
  /** T140blocks written. */
  blocks = 0;
  /** Blocks recovered from redundancy (their own packet never came). */
  recovered = 0;
  /** Blocks skipped as already written. */
  duplicates = 0;
  /** Packets of other payload types or broken red payloads. */
  ignored = 0;
  private readonly window: number;
  private ssrc: number | undefined;
  private highest = -1;
  private readonly seen = new Set<number>();

  /** @param opts - see {@link T140ExtractorOptions} */
  constructor(private readonly opts: T140ExtractorOptions) {
    this.window = opts.window ?? 1024;
  }

  /** The new text of a packet (UTF-8 bytes, possibly several chunks), in the order to append. */
  push(pkt: RtpPacket): Buffer[] {
    let blocks: { seqBack: number; data: Buffer }[];
    if (pkt.payloadType === this.opts.t140PayloadType) blocks = [{ seqBack: 0, data: pkt.payload }];
    else if (this.opts.redPayloadType !== undefined && pkt.payloadType === this.opts.redPayloadType) {
      let red: RedBlock[];
      try {
        red = parseRedPayload(pkt.payload);
      } catch {
        this.ignored++;
        return [];
      }
      const gens = red.length - 1;
      blocks = red
        .map((b, i) => ({ b, seqBack: b.primary ? 0 : gens - i }))
        .filter(({ b }) => b.payloadType === this.opts.t140PayloadType)
        .map(({ b, seqBack }) => ({ seqBack, data: b.data }));
    } else {
      this.ignored++;
      return [];
    }
    if (this.ssrc !== pkt.ssrc) {
      // A new source numbers its packets afresh.
      this.ssrc = pkt.ssrc;
      this.highest = -1;
      this.seen.clear();
    }
    const ext = this.extend(pkt.sequenceNumber);
    const out: Buffer[] = [];
    for (const b of blocks) {
      const seq = ext - b.seqBack;
      if (seq < 0 || this.seen.has(seq) || (this.highest >= 0 && seq <= this.highest - this.window)) {
        if (b.seqBack === 0) this.duplicates++;
        continue;
      }
      this.seen.add(seq);
      if (b.seqBack > 0) this.recovered++;
      const text = stripBom(b.data);
      this.blocks++;
      if (text.length > 0) out.push(text);
    }
    if (ext > this.highest) {
      this.highest = ext;
      for (const s of this.seen) if (s <= ext - this.window) this.seen.delete(s);
    }
    return out;
  }

  /** Unwraps a 16-bit sequence number near the highest seen (RFC 3550 A.1). */
  private extend(seq: number): number {
    if (this.highest < 0) return seq + 0x10000; // room below for the redundancy of the first packet
    const d = ((seq - (this.highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    return this.highest + d;
  }
}

/** A UTF-8 transcript file, created exclusively and appended off the event loop (queued-file.ts). */
export class TranscriptWriter {
  /** Bytes written. */
  bytes = 0;

  private constructor(private readonly file: QueuedFile) {}

  /** The file's path. */
  get path(): string {
    return this.file.path;
  }

  /** Creates `path` ('wx': never overwrites; off the event loop, see {@link QueuedFile.create}) with its write queue's options. */
  static create(path: string, queue: QueuedFileOptions = {}): TranscriptWriter {
    return new TranscriptWriter(QueuedFile.create(path, undefined, queue));
  }

  /** Resolves once the file exists (rejects with EEXIST when it did). */
  ready(): Promise<void> {
    return this.file.ready();
  }

  /** Appends text bytes (ignored after close). */
  append(text: Buffer): void {
    if (text.length > 0 && this.file.append(text)) this.bytes += text.length;
  }

  /** Starts writing what is queued. Throws an earlier write's error. */
  flush(): void {
    this.file.flush();
  }

  /** Writes what is queued, fsyncs and closes. Idempotent. */
  close(): Promise<void> {
    return this.file.close();
  }
}
