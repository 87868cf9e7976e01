/**
 * A recording file written by appending only: created exclusively (never overwrites an existing
 * recording), each write handed whole to the kernel before it returns (a kill loses nothing
 * written), fsynced and closed once. The rtpdump, RTT transcript and MSRP message log writers
 * are built on it.
 * @module
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** An exclusively created file that is only ever appended to. */
export class AppendOnlyFile {
  private fd: number | undefined;

  private constructor(readonly path: string, fd: number) {
    this.fd = fd;
  }

  /**
   * Creates `path` ('wx'), writing `head` first if given.
   * @throws the fs error (EEXIST when the file exists: recordings are never overwritten).
   */
  static create(path: string, head?: Buffer): AppendOnlyFile {
    const file = new AppendOnlyFile(path, openSync(path, 'wx'));
    if (head !== undefined) {
      try {
        file.append(head);
      } catch (e) {
        file.close();
        throw e;
      }
    }
    return file;
  }

  /** True until {@link close}. */
  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Appends all of `buf` (writeSync may take less than asked: loop until it is all out).
   * @returns false after close (nothing written).
   * @throws the fs error (ENOSPC ...): the caller decides what a failed write ends.
   */
  append(buf: Uint8Array): boolean {
    if (this.fd === undefined) return false;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    return true;
  }

  /** fsyncs and closes. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
