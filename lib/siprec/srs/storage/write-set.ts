/**
 * Background writes a recording waits for at some point (recording-dir.ts): the files an index
 * write must not name before they exist, the fsyncs its set-up's 200 must not precede. Each
 * failure goes to one handler (the recording's first write error); {@link WriteSet.done} never
 * rejects.
 * @module
 */

/** A set of writes in progress; see the module comment. */
export class WriteSet {
  private readonly pending = new Set<Promise<void>>();

  /** @param failed - told of each write's failure */
  constructor(private readonly failed: (e: unknown) => void) {}

  /** Keeps `write` in the set until it settles. */
  add(write: Promise<void>): void {
    const p = write.catch(this.failed).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Writes still in progress. */
  get size(): number {
    return this.pending.size;
  }

  /** Resolves once every write added so far, and any added meanwhile, has settled. */
  async done(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The writes in progress now (to await with others). */
  get current(): Promise<void>[] {
    return [...this.pending];
  }
}
