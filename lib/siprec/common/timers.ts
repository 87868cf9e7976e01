/**
 * SIPREC's timers, all on the stack's injectable {@link Clock} (include-types/settings.ts): a
 * repeating timer, a cancellable wait, a bounded wait for a promise, and a wall-clock reading
 * that follows the clock. lib/siprec calls no `setTimeout`/`setInterval` itself
 * (test/unit/architecture/siprec-timers.test.ts), so tests drive every SIPREC timer with a
 * `FakeClock` instead of waiting for it.
 * @module
 */
import type { Clock, TimerHandle } from '../../../include-types/settings.js';
import { RealClock } from '../../transaction/clock.js';

/**
 * The clock SIPREC runs on when the app gives none: real time, as the stack's default. Its timers
 * keep the process alive like the stack's: a pending NG9-1-1 retry or MSRP timeout must run, and
 * the periodic ones (keep-alive, RTCP, checkpoints) stop at shutdown.
 */
export function defaultSiprecClock(): Clock {
  return new RealClock();
}

/** A timer that fires every `ms` on a clock (Clock timers are one-shot) until stopped. */
export class RepeatingTimer {
  private handle: TimerHandle | undefined;
  private stopped = false;

  /**
   * Starts at once: `fn` runs first after `ms`.
   * @param clock - the time source
   * @param ms - the period
   * @param fn - what runs each period
   */
  constructor(private readonly clock: Clock, private readonly ms: number, private readonly fn: () => void) {
    this.arm();
  }

  /** Stops it for good (idempotent). */
  stop(): void {
    this.stopped = true;
    if (this.handle !== undefined) this.clock.clearTimer(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    this.handle = this.clock.setTimer(() => {
      this.handle = undefined;
      if (this.stopped) return;
      // next period armed first, so a throwing fn does not stop the timer
      this.arm();
      this.fn();
    }, this.ms);
  }
}

/** A wait on a clock that can be cut short. */
export interface ClockWait {
  /** Resolves after the time, or at once when cancelled. */
  readonly done: Promise<void>;
  /** Resolves `done` now and clears the timer. */
  cancel(): void;
}

/** Waits `ms` on `clock`. */
export function wait(clock: Clock, ms: number): ClockWait {
  let handle: TimerHandle | undefined;
  let resolve!: () => void;
  const done = new Promise<void>((r) => { resolve = r; });
  handle = clock.setTimer(() => { handle = undefined; resolve(); }, ms);
  return {
    done,
    cancel: () => {
      if (handle !== undefined) clock.clearTimer(handle);
      handle = undefined;
      resolve();
    },
  };
}

/** Waits for `p`, but no longer than `ms` on `clock`; the timer is cleared either way. */
export async function waitAtMost(clock: Clock, p: Promise<unknown>, ms: number): Promise<void> {
  const w = wait(clock, ms);
  try {
    await Promise.race([p.then(() => undefined, () => undefined), w.done]);
  } finally {
    w.cancel();
  }
}

/**
 * Epoch milliseconds that move with `clock` (for timestamps stored with a recording and the
 * arrival times its timeline is built from). Without an app clock it is `Date.now` itself, as
 * before; with one it is the wall time at creation plus the clock's elapsed time, so a FakeClock
 * moves the recording's timeline too.
 */
export function epochNow(clock: Clock | undefined): () => number {
  if (clock === undefined) return Date.now;
  const offset = Date.now() - clock.now();
  return () => offset + clock.now();
}
