/**
 * PersistentReopener (lib/siprec/src/persistent-reopen.ts) on a FakeClock: the delay doubles from
 * initialDelayMs up to maxDelayMs, at most maxAttempts per loss, a success starts the count anew,
 * halt() cancels what is pending, bad settings are refused.
 */
import t from 'tap';
import { PersistentReopener, REOPEN_DEFAULTS } from '../../../../lib/siprec/src/persistent-reopen.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** Lets the promise callbacks of fired timers run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('delays double up to the bound; attempts are bounded; each runs at its time', async (t) => {
  const clock = new FakeClock();
  const r = new PersistentReopener(clock, { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 300 });
  const ran: number[] = [];
  const delays: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const next = r.schedule('e1', () => ran.push(clock.now()))!;
    t.equal(next.attempt, i);
    delays.push(next.delayMs);
    t.ok(r.reopening('e1'));
    t.equal(r.attempt('e1'), i);
    clock.advance(next.delayMs - 1);
    await settle();
    t.equal(ran.length, i - 1, `attempt ${i} not before its delay`);
    clock.advance(1);
    await settle();
    t.equal(ran.length, i, `attempt ${i} at its delay`);
  }
  t.same(delays, [100, 200, 300, 300]);
  t.equal(r.schedule('e1', () => ran.push(-1)), undefined, 'none left after maxAttempts');
  t.notOk(r.reopening('e1'), 'the count is cleared');
  t.equal(r.schedule('e1', () => undefined)?.delayMs, 100, 'a later loss starts from the first delay');
});

t.test('a success resets the count; entries count apart; halt cancels', async (t) => {
  const clock = new FakeClock();
  const r = new PersistentReopener(clock, { initialDelayMs: 50 });
  t.equal(r.maxAttempts, REOPEN_DEFAULTS.maxAttempts);
  let runs = 0;
  r.schedule('a', () => runs++);
  clock.advance(50);
  await settle();
  t.equal(r.schedule('a', () => runs++)?.delayMs, 100, 'second attempt doubles');
  t.equal(r.schedule('b', () => runs++)?.delayMs, 50, 'another entry counts on its own');
  r.succeeded('a');
  t.equal(r.attempt('a'), 0);
  r.halt();
  t.equal(clock.pending(), 0, 'pending delays cancelled');
  clock.advance(10_000);
  await settle();
  t.equal(runs, 1, 'nothing runs after halt');
  t.equal(r.schedule('a', () => runs++), undefined, 'nothing scheduled after halt');
});

t.test('settings are checked', async (t) => {
  const clock = new FakeClock();
  t.throws(() => new PersistentReopener(clock, { maxAttempts: -1 }), RangeError);
  t.throws(() => new PersistentReopener(clock, { initialDelayMs: 1.5 }), RangeError);
  t.throws(() => new PersistentReopener(clock, { maxDelayMs: Number.NaN }), RangeError);
  t.equal(new PersistentReopener(clock, { maxAttempts: 0 }).schedule('x', () => undefined), undefined, '0: never');
  t.equal(new PersistentReopener(clock, { initialDelayMs: 5000, maxDelayMs: 10 }).schedule('x', () => undefined)?.delayMs, 5000, 'the bound is at least the first delay');
});
