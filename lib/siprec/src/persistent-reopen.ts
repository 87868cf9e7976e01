/**
 * When a persistent RS (RFC 7866 §10) that ended without `close()` is opened again, per SRS
 * entry: bounded attempts, a delay before each on the manager's clock that doubles from
 * `initialDelayMs` up to `maxDelayMs` (an SRS that just sent BYE or restarts is not hammered).
 * Reopening is tsip's choice, for a position whose calls must go on being recorded
 * (PersistentReopenSettings): no RFC text asking for it is known (RFC 7866 §10's text was not
 * found in the stored copies, searched again 2026-12-07; SIPREC-NOTES SRC-15 [verify]). What an
 * attempt does is the caller's (persistent-session.ts); this only counts and waits.
 */
import type { Clock } from '../../../include-types/settings.js';
import type { PersistentReopenSettings } from '../../../include-types/siprec-persistent.js';
import { wait, type ClockWait } from '../common/timers.js';

/** Defaults of {@link PersistentReopenSettings}. */
export const REOPEN_DEFAULTS = { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 } as const;

/** A scheduled attempt. */
export interface ReopenAttempt {
  /** 1 for the first after the loss. */
  attempt: number;
  /** Its delay in ms. */
  delayMs: number;
}

function checkNumber(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new RangeError(`reopen.${name} must be an integer >= ${min}`);
}

/** The attempts and pending delays of one persistent RS, per entry name. */
export class PersistentReopener {
  readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  /** Per entry: attempts made since the RS was lost (absent: not reopening). */
  private readonly made = new Map<string, number>();
  private readonly waits = new Map<string, ClockWait>();
  private halted = false;

  /**
   * @param clock - the manager's clock
   * @param settings - see {@link PersistentReopenSettings}
   * @throws RangeError for a negative or fractional setting
   */
  constructor(private readonly clock: Clock, settings: PersistentReopenSettings = {}) {
    checkNumber('maxAttempts', settings.maxAttempts, 0);
    checkNumber('initialDelayMs', settings.initialDelayMs, 0);
    checkNumber('maxDelayMs', settings.maxDelayMs, 0);
    this.maxAttempts = settings.maxAttempts ?? REOPEN_DEFAULTS.maxAttempts;
    this.initialDelayMs = settings.initialDelayMs ?? REOPEN_DEFAULTS.initialDelayMs;
    this.maxDelayMs = Math.max(this.initialDelayMs, settings.maxDelayMs ?? REOPEN_DEFAULTS.maxDelayMs);
  }

  /** True while the entry's RS is being opened again (waiting or an attempt in flight). */
  reopening(name: string): boolean {
    return this.made.has(name);
  }

  /** The attempt made last for the entry (0 when not reopening). */
  attempt(name: string): number {
    return this.made.get(name) ?? 0;
  }

  /**
   * The RS was lost, or the last attempt failed: `run` is called after the next delay. Returns
   * the attempt scheduled, or undefined when none is left (the count is cleared) or after
   * {@link halt}.
   */
  schedule(name: string, run: () => void): ReopenAttempt | undefined {
    const made = this.made.get(name) ?? 0;
    if (this.halted || made >= this.maxAttempts) {
      this.made.delete(name);
      return undefined;
    }
    const delayMs = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** made);
    this.made.set(name, made + 1);
    const w = wait(this.clock, delayMs);
    this.waits.set(name, w);
    void w.done.then(() => {
      if (this.waits.get(name) !== w) return;
      this.waits.delete(name);
      if (!this.halted) run();
    });
    return { attempt: made + 1, delayMs };
  }

  /** The RS is up again on the entry: a later loss starts counting anew. */
  succeeded(name: string): void {
    this.made.delete(name);
  }

  /** No attempt from now on (close, shutdown): pending delays are cancelled. */
  halt(): void {
    this.halted = true;
    for (const w of this.waits.values()) w.cancel();
    this.waits.clear();
    this.made.clear();
  }
}
