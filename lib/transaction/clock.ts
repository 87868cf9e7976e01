/**
 * Clocks for the transaction layer and everything above it: {@link RealClock} runs timers on the
 * Node.js event loop; {@link FakeClock} runs them by hand so tests drive every RFC 3261 §17 timer
 * path without sleeping.
 * @module
 */
import type { Clock, TimerHandle } from '../../include-types/settings.js';

/** The real clock: `performance.now()` and `setTimeout`. Timers are unref'd only if asked. */
export class RealClock implements Clock {
  private nextId = 1;
  private readonly live = new Map<number, NodeJS.Timeout>();

  /**
   * @param unref when true, pending timers do not keep the process alive (default false).
   */
  constructor(private readonly unref = false) {}

  /** Milliseconds since the process started (monotonic). */
  now(): number {
    return performance.now();
  }

  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.live.delete(id);
      fn();
    }, Math.max(0, ms));
    if (this.unref) t.unref();
    this.live.set(id, t);
    return { id };
  }

  /** Cancels a timer; unknown, fired or cancelled handles are ignored. */
  clearTimer(handle: TimerHandle): void {
    const t = this.live.get(handle.id);
    if (t === undefined) return;
    clearTimeout(t);
    this.live.delete(handle.id);
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pending(): number {
    return this.live.size;
  }
}

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock that only moves when told. `advance(ms)` fires every timer that falls due within the
 * window in due-time order (ties in the order they were set), with `now()` set to each timer's due
 * time while it runs; timers set by a firing timer fire in the same call if they fall due in the
 * window. An exception thrown by a timer propagates out of `advance` after `now()` has been set to
 * that timer's due time (the remaining window is not consumed).
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private timers: FakeTimer[] = [];

  /** @param start the initial `now()` (default 0). */
  constructor(start = 0) {
    this.time = start;
  }

  /** The current fake time in ms. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` at `now() + ms` (negative delays count as 0). */
  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, due: this.time + Math.max(0, ms), fn });
    return { id };
  }

  /** Cancels a timer; unknown, fired or cancelled handles are ignored. */
  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Moves time forward by `ms`, firing due timers in order. Returns how many fired. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('FakeClock.advance needs a non-negative number');
    const end = this.time + ms;
    let fired = 0;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.due > end) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = next.due;
      fired++;
      next.fn();
    }
    this.time = end;
    return fired;
  }

  /**
   * Fires timers until none is left, but not past `limitMs` from now (default 1 hour), so a timer
   * that re-arms itself forever cannot hang a test. Returns how many fired.
   */
  runAll(limitMs = 3_600_000): number {
    let fired = 0;
    const end = this.time + limitMs;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.due > end) return fired;
      fired += this.advance(next.due - this.time);
    }
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pending(): number {
    return this.timers.length;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextTimerAt(): number | undefined {
    return this.nextDue()?.due;
  }

  private nextDue(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (best === undefined || t.due < best.due) best = t;
    return best;
  }
}
