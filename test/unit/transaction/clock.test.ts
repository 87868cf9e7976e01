import t from 'tap';
import { FakeClock, RealClock } from '../../../lib/transaction/clock.js';
import { NamedTimers, timerValues } from '../../../lib/transaction/timers.js';
import { cpuMs } from '../../helpers/cpu-time.js';

t.test('FakeClock fires due timers in order and sets now() to each due time', async (t) => {
  const c = new FakeClock(1000);
  const seen: string[] = [];
  c.setTimer(() => seen.push(`b@${c.now()}`), 20);
  c.setTimer(() => seen.push(`a@${c.now()}`), 10);
  c.setTimer(() => seen.push(`c@${c.now()}`), 20);
  t.equal(c.advance(9), 0);
  t.same(seen, []);
  t.equal(c.advance(11), 3);
  t.same(seen, ['a@1010', 'b@1020', 'c@1020'], 'due order, ties in set order');
  t.equal(c.now(), 1020);
});

t.test('timers set by a firing timer fire in the same advance when due', async (t) => {
  const c = new FakeClock();
  const seen: number[] = [];
  const tick = (): void => {
    seen.push(c.now());
    if (seen.length < 10) c.setTimer(tick, 100);
  };
  c.setTimer(tick, 100);
  c.advance(350);
  t.same(seen, [100, 200, 300]);
  t.equal(c.now(), 350);
  t.equal(c.pending(), 1);
  t.equal(c.nextTimerAt(), 400);
  c.runAll();
  t.equal(seen.length, 10);
  t.equal(c.pending(), 0);
});

t.test('clearTimer cancels; clearing twice or after firing is harmless', async (t) => {
  const c = new FakeClock();
  let fired = 0;
  const h = c.setTimer(() => fired++, 5);
  c.clearTimer(h);
  c.clearTimer(h);
  c.advance(10);
  t.equal(fired, 0);
  const h2 = c.setTimer(() => fired++, 0);
  c.advance(0);
  c.clearTimer(h2);
  t.equal(fired, 1, 'a 0 ms timer fires on advance(0)');
  t.throws(() => c.advance(-1), RangeError);
});

t.test('runAll stops at its limit for self-rearming timers', async (t) => {
  const c = new FakeClock();
  const again = (): void => void c.setTimer(again, 1000);
  c.setTimer(again, 1000);
  const n = c.runAll(10_000);
  t.equal(n, 10);
  t.equal(c.pending(), 1);
});

t.test('RealClock runs and cancels timers on the event loop', async (t) => {
  const c = new RealClock();
  const t0 = c.now();
  let cancelled = false;
  const h = c.setTimer(() => (cancelled = true), 1);
  c.clearTimer(h);
  await new Promise<void>((resolve) => c.setTimer(resolve, 5));
  t.ok(c.now() >= t0);
  t.equal(cancelled, false);
  t.equal(c.pending(), 0);
});

t.test('timerValues: defaults, overrides and validation', async (t) => {
  t.same(timerValues(), { t1: 500, t2: 4000, t4: 5000, timeout64: 32000, trying100Delay: 200 });
  t.equal(timerValues({ t1: 100 }).timeout64, 6400);
  t.throws(() => timerValues({ t1: 0 }), RangeError);
  t.throws(() => timerValues({ t1: 5000, t2: 4000 }), RangeError);
  t.throws(() => timerValues({ trying100Delay: -1 }), RangeError);
});

t.test('NamedTimers restart, stop and stopAll', async (t) => {
  const c = new FakeClock();
  const n = new NamedTimers<'x' | 'y'>(c);
  const seen: string[] = [];
  n.start('x', 10, () => seen.push('x1'));
  n.start('x', 20, () => seen.push('x2'));
  n.start('y', 5, () => seen.push('y'));
  t.equal(n.size, 2);
  c.advance(15);
  t.same(seen, ['y'], 'the replaced x did not fire');
  t.ok(n.running('x'));
  n.stopAll();
  c.advance(100);
  t.same(seen, ['y']);
  t.equal(n.size, 0);
  t.equal(c.pending(), 0);
});

t.test('FakeClock keeps order among many timers set and cleared at random', async (t) => {
  const c = new FakeClock();
  let x = 7;
  const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const fired: Array<[number, number]> = [];
  const handles = [];
  for (let i = 0; i < 2000; i++) {
    const due = Math.floor(rnd() * 1000);
    const id = i;
    handles.push(c.setTimer(() => fired.push([c.now(), id]), due));
  }
  const cleared = new Set<number>();
  for (let i = 0; i < 2000; i += 3) {
    c.clearTimer(handles[i]);
    cleared.add(i);
  }
  t.equal(c.pending(), 2000 - cleared.size);
  c.advance(1000);
  t.equal(fired.length, 2000 - cleared.size);
  t.notOk(fired.some(([, id]) => cleared.has(id)), 'no cleared timer fired');
  const sorted = [...fired].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  t.same(fired, sorted, 'fired by due time, ties in set order');
  t.equal(c.pending(), 0);
});

t.test('a layer-sized load: 20000 timers set and cleared stays fast', async (t) => {
  const c = new FakeClock();
  const start = cpuMs();
  const hs = [];
  for (let i = 0; i < 20_000; i++) hs.push(c.setTimer(() => {}, 32_000));
  for (const h of hs) c.clearTimer(h);
  c.advance(40_000);
  t.ok(cpuMs() - start < 2000, 'well under 2 s');
  t.equal(c.pending(), 0);
});
