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

/**
 * Named one-shot timers of one transaction. Starting a name that runs replaces it; `stopAll`
 * clears everything (used on termination, so no timer outlives its transaction).
 */
export class NamedTimers<N extends string = string> {
  private readonly handles = new Map<N, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /** Starts (or restarts) timer `name` to call `fn` after `ms`. */
  start(name: N, ms: number, fn: () => void): void {
    this.stop(name);
    const h = this.clock.setTimer(() => {
      if (this.handles.get(name) !== h) return;
      this.handles.delete(name);
      fn();
    }, ms);
    this.handles.set(name, h);
  }

  /** Stops timer `name` if it runs. */
  stop(name: N): void {
    const h = this.handles.get(name);
    if (h === undefined) return;
    this.clock.clearTimer(h);
    this.handles.delete(name);
  }

  /** True if timer `name` runs. */
  running(name: N): boolean {
    return this.handles.has(name);
  }

  /** Stops every timer. */
  stopAll(): void {
    for (const h of this.handles.values()) this.clock.clearTimer(h);
    this.handles.clear();
  }

  /** Number of running timers. */
  get size(): number {
    return this.handles.size;
  }
}
