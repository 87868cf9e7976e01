/**
 * A graceful drain of the SRS (`Srs.drain()`): from its start every new recording is refused
 * (OPTIONS and INVITE 503 + Retry-After, so a dispatcher takes the SRS out of rotation and fails
 * the INVITE over), live recordings run on to their SRC's BYE, and when none is left, or the
 * timeout passes and the SRS has ended the rest with BYE, it is over. This class only keeps the
 * count and the deadline; the Srs does the SIP.
 */
import type { SrsDrainResult, SrsEndReason } from '../../../include-types/siprec.js';

/** Default of `SrsDrainOptions.timeoutMs`. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** What a drain needs from its Srs. */
export interface DrainHost {
  /** Sessions live plus INVITEs being set up. */
  live(): number;
  /** Ends every live session with BYE (`sessionEnded` reason `drain`). */
  cutAll(): void;
  /** Runs `fn` after `ms`; returns the cancel (the Srs's one timer hook). */
  after(ms: number, fn: () => void): () => void;
  /** Clock, ms. */
  now(): number;
}

/** One drain, from `drain()` to its result. */
export class DrainRun {
  /** Resolves when no recording is left. */
  readonly done: Promise<SrsDrainResult>;
  private readonly startedMs: number;
  private readonly liveAtStart: number;
  private endedByBye = 0;
  private cutAtTimeout = 0;
  private endedOtherwise = 0;
  private expired = false;
  private finished = false;
  private cancelTimer: (() => void) | undefined;
  private resolve!: (r: SrsDrainResult) => void;

  constructor(private readonly host: DrainHost, readonly timeoutMs: number, private readonly onDone: (r: SrsDrainResult) => void) {
    this.startedMs = host.now();
    this.liveAtStart = host.live();
    this.done = new Promise((r) => { this.resolve = r; });
  }

  /** Arms the deadline and settles at once when nothing is live (call after `drainStarted`). */
  begin(): void {
    this.cancelTimer = this.host.after(this.timeoutMs, () => this.expire());
    this.check();
  }

  /** Recordings live when it began. */
  get live(): number {
    return this.liveAtStart;
  }

  /** True once the timeout passed: a session that finishes its set-up now is cut at once. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Seconds the drain may still take (for Retry-After), at least 1. */
  retryAfterSeconds(): number {
    const left = this.finished ? 1 : this.startedMs + this.timeoutMs - this.host.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  /** A session ended while draining. */
  ended(reason: SrsEndReason): void {
    if (this.finished) return;
    if (reason === 'bye') this.endedByBye++;
    else if (reason === 'drain') this.cutAtTimeout++;
    else this.endedOtherwise++;
  }

  /** Settles when nothing is live any more (call after a session ends or a set-up finishes). */
  check(): void {
    if (this.finished || this.host.live() > 0) return;
    this.finished = true;
    this.cancelTimer?.();
    const r: SrsDrainResult = {
      live: this.liveAtStart, endedByBye: this.endedByBye, cutAtTimeout: this.cutAtTimeout,
      endedOtherwise: this.endedOtherwise, timedOut: this.expired, durationMs: this.host.now() - this.startedMs,
    };
    this.onDone(r);
    this.resolve(r);
  }

  private expire(): void {
    if (this.finished) return;
    this.expired = true;
    this.host.cutAll();
    this.check();
  }
}
