/**
 * Clocks for the transaction layer and everything above it: {@link RealClock} runs timers on the
 * Node.js event loop; {@link FakeClock} runs them by hand so tests drive every RFC 3261 §17 timer
 * path without sleeping.
 * @module
 */
import type { Clock, TimerHandle } from '../../include-types/settings.js';

/** A {@link RealClock} timer: the handle holds the Node.js Timeout itself. */
class RealTimerHandle implements TimerHandle {
  timeout: NodeJS.Timeout | undefined;
  constructor(readonly id: number, readonly owner: RealClock) {}
}

/**
 * Runs a RealClock timer. A module function with the handle and callback passed as timer
 * arguments: no closure and context per timer, which a UAS holding ~10^5 transactions (each with
 * a 32 s Timer L or J) pays for in memory.
 */
function fireReal(h: RealTimerHandle, fn: () => void): void {
  if (h.timeout === undefined) return;
  h.timeout = undefined;
  h.owner.settled();
  fn();
}

/**
 * The real clock: `performance.now()` and `setTimeout`. Timers are unref'd only if asked.
 * Per timer it keeps only the handle (id, Timeout) and a count, no table: the handle is all
 * `clearTimer` needs.
 */
export class RealClock implements Clock {
  private nextId = 1;
  private live = 0;

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
    const h = new RealTimerHandle(this.nextId++, this);
    h.timeout = setTimeout(fireReal, Math.max(0, ms), h, fn);
    if (this.unref) h.timeout.unref();
    this.live++;
    return h;
  }

  /** Cancels a timer; unknown, fired or cancelled handles (or another clock's) are ignored. */
  clearTimer(handle: TimerHandle): void {
    if (!(handle instanceof RealTimerHandle) || handle.owner !== this || handle.timeout === undefined) return;
    clearTimeout(handle.timeout);
    handle.timeout = undefined;
    this.live--;
  }

  /** @internal one of this clock's timers fired. */
  settled(): void {
    this.live--;
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pending(): number {
    return this.live;
  }
}

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

/** Orders timers by due time, then by the order they were set. */
function earlier(a: FakeTimer, b: FakeTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

/**
 * A clock that only moves when told. `advance(ms)` fires every timer that falls due within the
 * window in due-time order (ties in the order they were set), with `now()` set to each timer's due
 * time while it runs; timers set by a firing timer fire in the same call if they fall due in the
 * window. An exception thrown by a timer propagates out of `advance` after `now()` has been set to
 * that timer's due time (the remaining window is not consumed). Timers sit in a binary heap
 * (cancelled ones are skipped lazily), so tens of thousands of transactions stay cheap.
 */
export class FakeClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly live = new Map<number, FakeTimer>();
  private readonly heap: FakeTimer[] = [];

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
    const timer: FakeTimer = { id: this.nextId++, due: this.time + Math.max(0, ms), fn };
    this.live.set(timer.id, timer);
    this.push(timer);
    return { id: timer.id };
  }

  /** Cancels a timer; unknown, fired or cancelled handles are ignored. */
  clearTimer(handle: TimerHandle): void {
    this.live.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing due timers in order. Returns how many fired. */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('FakeClock.advance needs a non-negative number');
    const end = this.time + ms;
    let fired = 0;
    for (;;) {
      const next = this.peek();
      if (next === undefined || next.due > end) break;
      this.pop();
      this.live.delete(next.id);
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
      const next = this.peek();
      if (next === undefined || next.due > end) return fired;
      fired += this.advance(next.due - this.time);
    }
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  pending(): number {
    return this.live.size;
  }

  /** Due time of the earliest pending timer, or undefined. */
  nextTimerAt(): number | undefined {
    return this.peek()?.due;
  }

  /** The earliest live timer, dropping cancelled ones from the top of the heap. */
  private peek(): FakeTimer | undefined {
    while (this.heap.length > 0 && !this.live.has(this.heap[0].id)) this.pop();
    return this.heap[0];
  }

  private push(t: FakeTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && earlier(h[l], h[m])) m = l;
      if (r < h.length && earlier(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
