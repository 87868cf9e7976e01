/**
 * RFC 3261 §17 timer values (Table 4 of Appendix A, RFC 6026 Timers L and M) derived from T1, T2
 * and T4, and a small set of named timers per transaction on an injectable {@link Clock}.
 * @module
 */
import type { Clock, TimerHandle, TimerSettings } from '../../include-types/settings.js';

/** Defaults of {@link TimerSettings}: T1 500 ms, T2 4 s, T4 5 s, 100 Trying after 200 ms. */
export const DEFAULT_TIMER_SETTINGS: Readonly<TimerSettings> = Object.freeze({
  t1: 500,
  t2: 4000,
  t4: 5000,
  trying100Delay: 200,
});

/** Timer D's floor on unreliable transports (RFC 3261 Table 4: "> 32 s for UDP"). */
export const TIMER_D_UNRELIABLE = 32_000;

/** Every timer duration a machine needs, in ms. */
export interface TimerValues {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  /** 64*T1: Timers B, F, H, L, M and the 2xx retransmission window. */
  readonly timeout64: number;
  /** §17.2.1: delay before the INVITE server transaction sends 100 Trying itself. */
  readonly trying100Delay: number;
}

/**
 * Fills in defaults and checks the values.
 * @throws RangeError if a value is not a positive finite number or T2 < T1.
 */
export function timerValues(s: Partial<TimerSettings> = {}): TimerValues {
  const m = { ...DEFAULT_TIMER_SETTINGS, ...s };
  for (const k of ['t1', 't2', 't4'] as const) {
    if (!(Number.isFinite(m[k]) && m[k] > 0)) throw new RangeError(`timer ${k} must be a positive number`);
  }
  if (!(Number.isFinite(m.trying100Delay) && m.trying100Delay >= 0)) throw new RangeError('trying100Delay must be >= 0');
  if (m.t2 < m.t1) throw new RangeError('T2 must not be below T1');
  return { t1: m.t1, t2: m.t2, t4: m.t4, timeout64: 64 * m.t1, trying100Delay: m.trying100Delay };
}

const NO_SLOTS: readonly never[] = Object.freeze([]);

/**
 * Named one-shot timers of one transaction. Starting a name that runs replaces it; `stopAll`
 * clears everything (used on termination, so no timer outlives its transaction).
 *
 * A machine runs one or two timers at a time, so names and handles sit in one flat array of
 * exactly that size ([name, handle, name, handle ...]), replaced on each change, rather than a
 * Map (or an array grown by push, which reserves 17 slots), whose tables cost more than the
 * transaction itself once ~10^5 transactions wait out Timers L and J.
 */
export class NamedTimers<N extends string = string> {
  private slots: readonly (N | TimerHandle)[] = NO_SLOTS;

  constructor(private readonly clock: Clock) {}

  /** Starts (or restarts) timer `name` to call `fn` after `ms`. */
  start(name: N, ms: number, fn: () => void): void {
    this.stop(name);
    const h = this.clock.setTimer(() => {
      const i = this.slots.indexOf(h);
      if (i < 0) return;
      this.remove(i - 1);
      fn();
    }, ms);
    const old = this.slots;
    const next = new Array<N | TimerHandle>(old.length + 2);
    for (let i = 0; i < old.length; i++) next[i] = old[i];
    next[old.length] = name;
    next[old.length + 1] = h;
    this.slots = next;
  }

  /** Drops the pair at `at` (a name's index). */
  private remove(at: number): void {
    const old = this.slots;
    if (old.length === 2) {
      this.slots = NO_SLOTS;
      return;
    }
    const next = new Array<N | TimerHandle>(old.length - 2);
    for (let i = 0, j = 0; i < old.length; i++) if (i !== at && i !== at + 1) next[j++] = old[i];
    this.slots = next;
  }

  /** Stops timer `name` if it runs. */
  stop(name: N): void {
    const i = this.slots.indexOf(name);
    if (i < 0) return;
    this.clock.clearTimer(this.slots[i + 1] as TimerHandle);
    this.remove(i);
  }

  /** True if timer `name` runs. */
  running(name: N): boolean {
    return this.slots.indexOf(name) >= 0;
  }

  /** Stops every timer. */
  stopAll(): void {
    for (let i = 1; i < this.slots.length; i += 2) this.clock.clearTimer(this.slots[i] as TimerHandle);
    this.slots = NO_SLOTS;
  }

  /** Number of running timers. */
  get size(): number {
    return this.slots.length >> 1;
  }
}
