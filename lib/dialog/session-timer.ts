/**
 * The RFC 4028 §10 session timer on an injected clock.
 *
 * - The refresher gets `onRefreshDue` at half the interval (§10 recommends it), and
 *   `onExpired` like the other side if no refresh succeeded by then.
 * - The other side gets `onExpired` at interval − min(32, interval/3) seconds (§10: send the BYE
 *   slightly before the session expires) unless a refresh arrived.
 * `refreshed()` restarts both after each successful refresh (2xx sent or received).
 * @module
 */
import type { Clock, TimerHandle } from '../../include-types/settings.js';

/** What the timer calls. */
export interface SessionTimerEvents {
  /** Time for this side (the refresher) to send a session refresh request. */
  onRefreshDue(): void;
  /** No refresh in time: end the session with BYE (EndReason.SessionTimerExpired). */
  onExpired(): void;
}

/** The parameters of a running timer. */
export interface SessionTimerSettings {
  /** Session interval in seconds. */
  interval: number;
  /** True if this side sends the refreshes. */
  localRefreshes: boolean;
}

/** Seconds before expiry at which the non-refresher gives up (RFC 4028 §10). */
export function expiryMargin(interval: number): number {
  return Math.min(32, interval / 3);
}

/** One dialog's session timer. */
export class SessionTimer {
  private readonly clock: Clock;
  private readonly events: SessionTimerEvents;
  private settings: SessionTimerSettings;
  private refreshTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  private disposed = false;

  /** Creates and starts the timer. */
  constructor(clock: Clock, settings: SessionTimerSettings, events: SessionTimerEvents) {
    this.clock = clock;
    this.events = events;
    this.settings = { ...settings };
    this.arm();
  }

  /** The settings in force. */
  get current(): Readonly<SessionTimerSettings> {
    return this.settings;
  }

  /** True until it expired or was disposed. */
  get running(): boolean {
    return !this.disposed && this.expiryTimer !== undefined;
  }

  /** A refresh succeeded: restart, with new settings if the refresh renegotiated them. */
  refreshed(settings?: SessionTimerSettings): void {
    if (this.disposed) return;
    if (settings !== undefined) this.settings = { ...settings };
    this.arm();
  }

  /** Stops the timer for good (idempotent). */
  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  /** Same as {@link SessionTimer.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private arm(): void {
    this.clear();
    const { interval, localRefreshes } = this.settings;
    if (localRefreshes) {
      this.refreshTimer = this.clock.setTimer(() => {
        this.refreshTimer = undefined;
        this.events.onRefreshDue();
      }, (interval * 1000) / 2);
    }
    this.expiryTimer = this.clock.setTimer(() => {
      this.expiryTimer = undefined;
      this.clear();
      this.events.onExpired();
    }, (interval - expiryMargin(interval)) * 1000);
  }

  private clear(): void {
    if (this.refreshTimer !== undefined) this.clock.clearTimer(this.refreshTimer);
    if (this.expiryTimer !== undefined) this.clock.clearTimer(this.expiryTimer);
    this.refreshTimer = undefined;
    this.expiryTimer = undefined;
  }
}
