/** The fake clock for tests lives with the transaction layer (the stack's tests use it too). */
export { FakeClock } from '../../lib/transaction/clock.js';
