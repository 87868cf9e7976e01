/**
 * Crash-safe raw RTP dump in the rtpdump format of rtptools (read by rtpplay, Wireshark, ...):
 *
 * ```
 * "#!rtpplay1.0 <address>/<port>\n"
 * RD_hdr_t    (16 bytes)  start.tv_sec u32, start.tv_usec u32, source u32 (IPv4), port u16, padding u16
 * RD_packet_t (8 bytes)   length u16 (this header + packet), plen u16 (RTP length; 0 = RTCP), offset u32 (ms since start)
 *             then the packet as received; the RD_packet_t + packet pair repeats to the end of the file.
 * ```
 * Every field is in network byte order. The file is created exclusively ('wx': never overwritten)
 * and every packet is one append of its header and bytes, written in order off the event loop
 * (queued-file.ts: a killed process loses at most the queued tail, never a record written). A record cut by a crash (power loss, full disk) is
 * dropped by {@link readRtpdump} and cut off by {@link repairRtpdump}.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { QueuedFile, type QueuedFileOptions } from './queued-file.js';

/** The first line's magic. */
export const RTPDUMP_MAGIC = '#!rtpplay1.0 ';
/** Bytes of RD_hdr_t. */
export const RTPDUMP_FILE_HEADER_BYTES = 16;
/** Bytes of RD_packet_t. */
export const RTPDUMP_PACKET_HEADER_BYTES = 8;
/** Largest packet a record can hold (length is 16 bits and includes the 8-byte header). */
export const RTPDUMP_MAX_PACKET = 0xffff - RTPDUMP_PACKET_HEADER_BYTES;

/** Options of {@link RtpdumpWriter.create}. */
export interface RtpdumpWriterOptions {
  /** Source address written in the first line and RD_hdr_t (the sender, or our own receive address). */
  address: string;
  /** Source UDP port. */
  port: number;
  /** Start of the recording (ms since the epoch; default now): packet offsets count from it. */
  startMs?: number;
  /** Write queue (batching, memory bound; default: a write whenever none is in flight, 1 MiB). */
  queue?: QueuedFileOptions;
}

/** One record read back. */
export interface RtpdumpRecord {
  /** Milliseconds since the start of the recording. */
  offsetMs: number;
  /** True for an RTCP packet (plen 0). */
  rtcp: boolean;
  /** The packet bytes. */
  data: Buffer;
}

/** A dump read back. */
export interface RtpdumpContents {
  /** Address and port of the first line. */
  address: string;
  /** Port of the first line. */
  port: number;
  /** Start time (ms since the epoch) from RD_hdr_t. */
  startMs: number;
  /** Complete records. */
  records: RtpdumpRecord[];
  /** Bytes after the last complete record (a record cut by a crash). */
  trailingBytes: number;
  /** Offset of the end of the last complete record. */
  validBytes: number;
}

function ipv4ToU32(a: string): number {
  return isIPv4(a) ? a.split('.').reduce((n, x) => n * 256 + Number(x), 0) : 0;
}

/** Appends packets to a new rtpdump file; see the module comment. */
export class RtpdumpWriter {
  /** The file. */
  readonly path: string;
  /** Start of the recording (ms). */
  readonly startMs: number;
  /** RTP packets written. */
  packets = 0;
  /** RTCP packets written. */
  rtcpPackets = 0;
  /** Packet bytes written (without the record headers). */
  bytes = 0;
  private readonly file: QueuedFile;

  private constructor(file: QueuedFile, startMs: number) {
    this.path = file.path;
    this.file = file;
    this.startMs = startMs;
  }

  /** Creates `path` and writes the headers, off the event loop (queued-file.ts; EEXIST if it exists, from {@link ready} and `close()`: recordings are never overwritten). */
  static create(path: string, opts: RtpdumpWriterOptions): RtpdumpWriter {
    const startMs = opts.startMs ?? Date.now();
    const line = Buffer.from(`${RTPDUMP_MAGIC}${opts.address}/${opts.port}\n`, 'latin1');
    const hdr = Buffer.alloc(RTPDUMP_FILE_HEADER_BYTES);
    hdr.writeUInt32BE(Math.floor(startMs / 1000), 0);
    hdr.writeUInt32BE(Math.round((startMs % 1000) * 1000), 4);
    hdr.writeUInt32BE(ipv4ToU32(opts.address), 8);
    hdr.writeUInt16BE(opts.port & 0xffff, 12);
    return new RtpdumpWriter(QueuedFile.create(path, Buffer.concat([line, hdr]), opts.queue), startMs);
  }

  /** Resolves once the file exists with its headers in the kernel (rejects with EEXIST when it did). */
  ready(): Promise<void> {
    return this.file.ready();
  }

  /** True until `close()`. */
  get isOpen(): boolean {
    return this.file.isOpen;
  }

  /**
   * Appends one packet received at `arrivalMs` (default now); `rtcp` marks an RTCP packet.
   * Packets longer than a record can hold are cut (length < plen says so, as rtpdump does).
   * Ignored after close.
   */
  write(packet: Uint8Array, arrivalMs: number = Date.now(), rtcp = false): void {
    if (!this.file.isOpen) return;
    const kept = Math.min(packet.length, RTPDUMP_MAX_PACKET);
    const rec = Buffer.allocUnsafe(RTPDUMP_PACKET_HEADER_BYTES + kept);
    rec.writeUInt16BE(RTPDUMP_PACKET_HEADER_BYTES + kept, 0);
    rec.writeUInt16BE(rtcp ? 0 : Math.min(packet.length, 0xffff), 2);
    rec.writeUInt32BE(Math.max(0, Math.round(arrivalMs - this.startMs)) >>> 0, 4);
    rec.set(packet.subarray(0, kept), RTPDUMP_PACKET_HEADER_BYTES);
    // A full queue (the disk cannot keep up) drops the whole record: counted, never half-written.
    if (!this.file.append(rec)) return;
    if (rtcp) this.rtcpPackets++;
    else this.packets++;
    this.bytes += kept;
  }

  /** Packets (RTP and RTCP) dropped because the write queue was full. */
  get droppedPackets(): number {
    return this.file.droppedAppends;
  }

  /** Starts writing what is queued (a checkpoint). Throws an earlier write's error. */
  flush(): void {
    this.file.flush();
  }

  /** Resolves once every packet queued so far is in the file (rejects with a failed write's error). */
  drained(): Promise<void> {
    return this.file.drained();
  }

  /** Writes what is queued, fsyncs and closes. Idempotent. */
  close(): Promise<void> {
    return this.file.close();
  }
}

/** Parses rtpdump bytes. Throws RangeError when the file headers are not rtpdump. */
export function parseRtpdump(buf: Buffer): RtpdumpContents {
  const nl = buf.indexOf(0x0a);
  const line = nl < 0 ? '' : buf.subarray(0, nl).toString('latin1');
  if (!line.startsWith(RTPDUMP_MAGIC) || buf.length < nl + 1 + RTPDUMP_FILE_HEADER_BYTES) throw new RangeError('not an rtpdump file');
  const spec = line.slice(RTPDUMP_MAGIC.length);
  const slash = spec.lastIndexOf('/');
  const address = slash < 0 ? spec : spec.slice(0, slash);
  const port = slash < 0 ? 0 : Number(spec.slice(slash + 1));
  let o = nl + 1;
  const startMs = buf.readUInt32BE(o) * 1000 + Math.round(buf.readUInt32BE(o + 4) / 1000);
  o += RTPDUMP_FILE_HEADER_BYTES;
  const records: RtpdumpRecord[] = [];
  while (o + RTPDUMP_PACKET_HEADER_BYTES <= buf.length) {
    const length = buf.readUInt16BE(o);
    if (length < RTPDUMP_PACKET_HEADER_BYTES || o + length > buf.length) break;
    records.push({
      offsetMs: buf.readUInt32BE(o + 4),
      rtcp: buf.readUInt16BE(o + 2) === 0,
      data: buf.subarray(o + RTPDUMP_PACKET_HEADER_BYTES, o + length),
    });
    o += length;
  }
  return { address, port, startMs, records, trailingBytes: buf.length - o, validBytes: o };
}

/** Reads an rtpdump file (a record cut short at the end is left out). */
export function readRtpdump(path: string): RtpdumpContents {
  return parseRtpdump(readFileSync(path));
}

/**
 * Cuts a record left half-written by a crash off the end of a dump; returns what remains. A file
 * too short for its headers is left as it is and reported with no records.
 */
export function repairRtpdump(path: string): { packets: number; rtcpPackets: number; truncatedBytes: number } {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    let c: RtpdumpContents;
    try {
      c = parseRtpdump(buf.subarray(0, got));
    } catch {
      return { packets: 0, rtcpPackets: 0, truncatedBytes: 0 };
    }
    if (c.trailingBytes > 0) {
      ftruncateSync(fd, c.validBytes);
      fsyncSync(fd);
    }
    const rtcp = c.records.filter((r) => r.rtcp).length;
    return { packets: c.records.length - rtcp, rtcpPackets: rtcp, truncatedBytes: c.trailingBytes };
  } finally {
    closeSync(fd);
  }
}
