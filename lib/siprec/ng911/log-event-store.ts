/**
 * The Logging Service's event store: JSON lines appended to one file, one line per event, each
 * written and fdatasync'ed before its 201 goes out, so an acknowledged event survives a crash.
 * Appends that arrive while a write is on disk are committed together (one write, one sync).
 * A crash in the middle of a write can leave a torn last line, never acknowledged: opening the
 * store cuts it off, so the file is always whole lines.
 */
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** The store file's name inside the directory. */
export const LOG_EVENT_FILE = 'log-events.jsonl';

interface Waiter {
  line: string;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** An append-only JSON-lines file. */
export class JsonLinesStore {
  private pending: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(readonly path: string, private readonly fh: FileHandle, private size: number) {}

  /** Opens (creating the directory and file) and cuts a torn last line. */
  static async open(dir: string, name = LOG_EVENT_FILE): Promise<JsonLinesStore> {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    const fh = await open(path, 'a+');
    const size = await cutTornTail(fh);
    return new JsonLinesStore(path, fh, size);
  }

  /** Bytes in the file. */
  get bytes(): number {
    return this.size;
  }

  /** Appends one record as a line; resolves once it is on disk (fdatasync). */
  append(record: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store closed'));
    const line = JSON.stringify(record) + '\n'; // JSON.stringify escapes every newline inside strings
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  /** Waits for every append, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.fh.close();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const buf = Buffer.from(batch.map((w) => w.line).join(''), 'utf8');
      try {
        let off = 0;
        while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
        await this.fh.datasync();
        this.size += buf.length;
        for (const w of batch) w.resolve();
      } catch (e) {
        // What part of the batch reached the file is unknown: cut back to the last whole line
        // (none of this batch was acknowledged) so the next batch starts on a line of its own.
        try { this.size = await cutTornTail(this.fh, this.size); } catch { /* the next write fails too */ }
        for (const w of batch) w.reject(e as Error);
      }
    }
    this.flushing = undefined;
  }
}

/**
 * Truncates the file after its last newline (or to `knownGood` when given and the tail beyond
 * it is not whole); returns the resulting size.
 */
async function cutTornTail(fh: FileHandle, knownGood?: number): Promise<number> {
  const { size } = await fh.stat();
  if (knownGood !== undefined) {
    if (size !== knownGood) await fh.truncate(knownGood);
    return knownGood;
  }
  if (size === 0) return 0;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await fh.read(chunk, 0, end - start, start);
    const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = start + nl + 1;
      if (keep !== size) await fh.truncate(keep);
      return keep;
    }
    end = start;
  }
  await fh.truncate(0); // not one whole line
  return 0;
}
