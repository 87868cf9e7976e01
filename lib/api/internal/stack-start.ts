/**
 * Starting a stack once, however many clients share it.
 * @module
 */
import type { SipStack } from '../../stack/index.js';

const starts = new WeakMap<SipStack, Promise<void>>();

/** Resolves when the stack runs; starts it if nobody did. Rejects if it cannot start or was shut down. */
export function ensureStarted(stack: SipStack): Promise<void> {
  if (stack.isRunning) return Promise.resolve();
  let p = starts.get(stack);
  if (p === undefined) {
    p = stack.isNew ? stack.start() : Promise.reject(new Error('stack shut down'));
    starts.set(stack, p);
  }
  return p;
}
