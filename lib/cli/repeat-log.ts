/**
 * Log lines that repeat under load, summarized: the first line of a kind in a window is printed
 * at once, the others of that kind in the same window are counted and printed as one line when
 * the window ends ("… 2 093 more in the last 1.0 s"). `tsip srs` logs each refused INVITE this
 * way: in a burst of 2 500 INVITEs/s the SRS refuses ~2 100 per second, and a line for each (a
 * synchronous write when stdout is a pipe, as under a supervisor) took 14 % of its CPU in a
 * profile of that burst (bench/overload-recovery.bench.ts's SRS profile, 2026-12-08), CPU the
 * set-ups it could still take did not get. The operator loses nothing countable: every refusal
 * is counted, its kind printed once per window, and /metrics counts each one.
 */

/** Summarizes repeated log lines per kind; see the module comment. */
export class RepeatLog {
  /** Lines of each kind not printed in the current window. */
  private readonly held = new Map<string, number>();
  private windowStart: number | undefined;

  /**
   * @param print where lines go
   * @param now clock (ms)
   * @param windowMs length of a window (default 1 s)
   */
  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 1000,
  ) {}

  /**
   * One occurrence of `kind`: `line` is printed if it is the first of its kind in the window,
   * else counted. A window that ended is flushed first, so the summary comes before the next line.
   */
  note(kind: string, line: string): void {
    const t = this.now();
    if (this.windowStart !== undefined && t - this.windowStart >= this.windowMs) this.flush();
    this.windowStart ??= t;
    const n = this.held.get(kind);
    if (n === undefined) {
      this.held.set(kind, 0);
      this.print(line);
    } else {
      this.held.set(kind, n + 1);
    }
  }

  /** Prints the counts held back and starts a new window (call it every `windowMs`, and at the end). */
  flush(): void {
    if (this.windowStart === undefined) return;
    const seconds = ((this.now() - this.windowStart) / 1000).toFixed(1);
    for (const [kind, n] of this.held) if (n > 0) this.print(`${kind}: ${n} more in the last ${seconds} s`);
    this.held.clear();
    this.windowStart = undefined;
  }
}
