/**
 * Observer calls leave the API call that caused them (DESIGN §3: never re-entrant). Every callback
 * is queued as a microtask; an exception thrown by the app is logged and does not stop the queue.
 * @module
 */
import type { Logger } from '../../../include-types/settings.js';

/** The queue of observer calls of one client. */
export class EventQueue {
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** Runs `fn` after the current call stack unwinds (in order with other posts). */
  post(fn: () => void): void {
    if (this.closed) return;
    queueMicrotask(() => {
      if (this.closed) return;
      try {
        fn();
      } catch (e) {
        this.logger.error('observer callback threw', { error: e instanceof Error ? e.stack ?? e.message : String(e) });
      }
    });
  }

  /** Drops everything posted from now on. */
  close(): void {
    this.closed = true;
  }
}
