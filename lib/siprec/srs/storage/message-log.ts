/**
 * The message log of an MSRP stream: every message body received, in arrival order of their last
 * chunk, each preceded by one header line:
 *
 * ```
 * --- <ISO time> id=<Message-ID> type=<Content-Type> bytes=<n>[ incomplete]\n
 * <body bytes>\n
 * ```
 * Created exclusively and appended off the event loop (queued-file.ts), like the other recording files.
 */
import { QueuedFile, type QueuedFileOptions } from './queued-file.js';

/** A message as the MSRP endpoint hands it over. */
export interface ReceivedMessage {
  /** Message-ID. */
  messageId: string;
  /** Content-Type of the body ('' when the SEND had none, e.g. an empty keep-alive). */
  contentType: string;
  /** The body (chunks put together by Byte-Range). */
  body: Buffer;
  /** When its last chunk arrived (ms). */
  receivedMs: number;
  /** False when the sender aborted it ('#') or the connection ended before its last chunk. */
  complete: boolean;
}

/** Appends messages to a new log file. */
export class MessageLogWriter {
  /** Messages written. */
  messages = 0;
  /** Body bytes written. */
  bodyBytes = 0;
  private constructor(private readonly file: QueuedFile) {}

  /** The file's path. */
  get path(): string {
    return this.file.path;
  }

  /** Creates `path` ('wx': never overwrites; off the event loop, see {@link QueuedFile.create}) with its write queue's options. */
  static create(path: string, queue: QueuedFileOptions = {}): MessageLogWriter {
    return new MessageLogWriter(QueuedFile.create(path, undefined, queue));
  }

  /** Resolves once the file exists (rejects with EEXIST when it did). */
  ready(): Promise<void> {
    return this.file.ready();
  }

  /** Appends one message (ignored after close). */
  append(m: ReceivedMessage): void {
    if (!this.file.isOpen) return;
    const clean = (s: string): string => s.replace(/[\s]+/g, '_');
    const head = `--- ${new Date(m.receivedMs).toISOString()} id=${clean(m.messageId)} type=${clean(m.contentType) || '-'} bytes=${m.body.length}${m.complete ? '' : ' incomplete'}\n`;
    const buf = Buffer.concat([Buffer.from(head, 'utf8'), m.body, Buffer.from('\n')]);
    if (!this.file.append(buf)) return; // queue full (the disk cannot keep up): counted in droppedMessages
    this.messages++;
    this.bodyBytes += m.body.length;
  }

  /** Messages dropped because the write queue was full. */
  get droppedMessages(): number {
    return this.file.droppedAppends;
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

/** Reads a message log back (for inspection and tests). */
export function parseMessageLog(buf: Buffer): ReceivedMessage[] {
  const out: ReceivedMessage[] = [];
  let o = 0;
  while (o < buf.length) {
    const nl = buf.indexOf(0x0a, o);
    if (nl < 0) break;
    const m = /^--- (\S+) id=(\S*) type=(\S*) bytes=(\d+)( incomplete)?$/.exec(buf.subarray(o, nl).toString('utf8'));
    if (!m) break;
    const n = Number(m[4]);
    if (nl + 1 + n + 1 > buf.length) break; // cut by a crash
    out.push({ messageId: m[2], contentType: m[3] === '-' ? '' : m[3], body: buf.subarray(nl + 1, nl + 1 + n), receivedMs: Date.parse(m[1]), complete: m[5] === undefined });
    o = nl + 1 + n + 1;
  }
  return out;
}
