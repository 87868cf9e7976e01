/**
 * A progress line for long-running `tsip` commands (record, srs, uas, probe): recordings, packets and
 * elapsed time.
 *
 * On a terminal it is one live line, redrawn in place a few times a second and erased at the end, with
 * the command's own messages printed above it ({@link ProgressReporter.log}). When the output is a
 * pipe or a file (CI, `| tee`), it writes plain lines instead: the summary every few seconds, and each
 * message as it comes, so logs stay readable and grep-able.
 *
 * ```ts
 * const progress = new ProgressReporter({ label: 'record' }).start();
 * progress.set({ recordings: 1 });
 * progress.add({ packets: 1 });          // cheap: counts only, the timer draws
 * progress.log('SRS demo is up');        // a permanent line
 * progress.stop();
 * ```
 * @module
 */

/** What the line counts. */
export interface ProgressCounts {
  /** Recordings (or calls) in progress. */
  recordings: number;
  /** RTP packets sent or received so far. */
  packets: number;
}

/** What {@link ProgressReporter.set} takes: any of the counts, and a short free text shown after them. */
export interface ProgressUpdate extends Partial<ProgressCounts> {
  /** Shown at the end of the line (`SRS up`, `3 refused`); an empty string removes it. */
  note?: string;
}

/** Where the reporter writes: `process.stdout` or anything with `write` (tests). */
export interface ProgressStream {
  /** Writes text as given (the reporter adds its own line ends). */
  write(chunk: string): unknown;
  /** True for a terminal: selects the live line in `auto` mode. */
  isTTY?: boolean;
  /** Terminal width; the live line is cut to fit so it never wraps. */
  columns?: number;
}

/** `live`: one line redrawn in place; `plain`: a line every few seconds; `off`: silent; `auto`: live on a TTY, else plain. */
export type ProgressMode = 'auto' | 'live' | 'plain' | 'off';

/** Settings of a {@link ProgressReporter}; every one has a default. */
export interface ProgressOptions {
  /** Default `process.stdout`. */
  stream?: ProgressStream;
  /** Default `auto`. */
  mode?: ProgressMode;
  /** First word of the line, e.g. the command name (default `tsip`). */
  label?: string;
  /** How often the live line is redrawn, ms (default 250). */
  redrawMs?: number;
  /** How often a plain summary line is written, ms (default 5000). */
  plainEveryMs?: number;
  /** Clock in ms (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/** Erase the current terminal line (CR, then ANSI "erase to end of line"). */
const ERASE_LINE = '\r\x1b[K';

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The progress line of one command run; see the module comment. */
export class ProgressReporter {
  /** The mode in use (`auto` resolved against the stream). */
  readonly mode: 'live' | 'plain' | 'off';
  private readonly stream: ProgressStream;
  private readonly label: string;
  private readonly redrawMs: number;
  private readonly plainEveryMs: number;
  private readonly now: () => number;
  private readonly counts: ProgressCounts = { recordings: 0, packets: 0 };
  private note = '';
  private startedAt: number | undefined;
  private lastPlainAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** A live line is on screen (so a message must erase it first). */
  private drawn = false;

  /** @param options where and how to report; all optional. */
  constructor(options: ProgressOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    const mode = options.mode ?? 'auto';
    this.mode = mode === 'auto' ? (this.stream.isTTY === true ? 'live' : 'plain') : mode;
    this.label = options.label ?? 'tsip';
    this.redrawMs = options.redrawMs ?? 250;
    this.plainEveryMs = options.plainEveryMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** Starts the clock and the redraw timer (which never keeps the process alive). Returns `this`. */
  start(): this {
    if (this.startedAt !== undefined) return this;
    this.startedAt = this.now();
    this.lastPlainAt = this.startedAt;
    if (this.mode === 'off') return this;
    this.timer = setInterval(() => this.tick(), this.mode === 'live' ? this.redrawMs : Math.min(this.redrawMs * 4, this.plainEveryMs));
    this.timer.unref();
    if (this.mode === 'live') this.draw();
    return this;
  }

  /** Sets counts (and the note) to these values; what is not given stays. */
  set(update: ProgressUpdate): void {
    if (update.recordings !== undefined) this.counts.recordings = update.recordings;
    if (update.packets !== undefined) this.counts.packets = update.packets;
    if (update.note !== undefined) this.note = update.note;
  }

  /** Adds to the counts (`add({ packets: 1 })` per packet is fine: nothing is written until the timer). */
  add(delta: Partial<ProgressCounts>): void {
    this.counts.recordings += delta.recordings ?? 0;
    this.counts.packets += delta.packets ?? 0;
  }

  /** The counts so far. */
  get current(): Readonly<ProgressCounts> {
    return { ...this.counts };
  }

  /** The summary text, e.g. `record: 1 recording, 250 packets, 0:05 elapsed`. */
  line(): string {
    const elapsed = this.startedAt === undefined ? 0 : this.now() - this.startedAt;
    const r = this.counts.recordings;
    const text = `${this.label}: ${r} recording${r === 1 ? '' : 's'}, ${this.counts.packets} packets, ${formatElapsed(elapsed)} elapsed`;
    return this.note === '' ? text : `${text}, ${this.note}`;
  }

  /**
   * Prints a permanent message line. Live: erases the progress line, prints the message, redraws.
   * Plain: prints the message. Off: prints the message too (only the progress is silenced).
   */
  log(message: string): void {
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.stream.write(message + '\n');
    this.drawn = false;
    if (this.mode === 'live' && this.timer !== undefined) this.draw();
  }

  /**
   * One timer step (public so tests can drive it with their own clock): live redraws the line; plain
   * writes the summary when `plainEveryMs` has passed since the last one.
   */
  tick(): void {
    if (this.mode === 'live') {
      this.draw();
    } else if (this.mode === 'plain' && this.now() - this.lastPlainAt >= this.plainEveryMs) {
      this.lastPlainAt = this.now();
      this.stream.write(this.line() + '\n');
    }
  }

  /** Stops the timer and erases the live line (the command prints its own summary). Idempotent. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.stream.write(ERASE_LINE);
    this.drawn = false;
  }

  private draw(): void {
    const width = this.stream.columns;
    let text = this.line();
    if (width !== undefined && width > 1 && text.length >= width) text = text.slice(0, width - 1);
    this.stream.write(ERASE_LINE + text);
    this.drawn = true;
  }
}
