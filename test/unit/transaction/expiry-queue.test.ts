import t from 'tap';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { ExpiryQueue, type ExpiryQueueMember } from '../../../lib/transaction/expiry-queue.js';

/** A member that records when it expired. */
function member(clock: FakeClock, name: string, seen: string[], then?: () => void): ExpiryQueueMember {
  return {
    expiryQueue: undefined,
    expirySlot: -1,
    onExpiry() {
      seen.push(`${name}@${clock.now()}`);
      then?.();
    },
  };
}

t.test('members expire at their own deadline, in the order added, on one clock timer', async (t) => {
  const clock = new FakeClock(1000);
  const q = new ExpiryQueue(clock, 100);
  const seen: string[] = [];
  q.add(member(clock, 'a', seen));
  clock.advance(30);
  q.add(member(clock, 'b', seen));
  q.add(member(clock, 'c', seen));
  t.equal(clock.pending(), 1, 'one sweep timer for three members');
  t.equal(q.size, 3);
  clock.advance(69);
  t.same(seen, [], 'nothing before the first deadline');
  clock.advance(1);
  t.same(seen, ['a@1100']);
  clock.advance(29);
  t.same(seen, ['a@1100'], 'b not a millisecond early');
  clock.advance(1);
  t.same(seen, ['a@1100', 'b@1130', 'c@1130'], 'ties in the order added');
  t.equal(clock.pending(), 0, 'empty queue: no timer');
  t.equal(q.size, 0);
});

t.test('a removed member never fires and is not held; removing the last stops the timer', async (t) => {
  const clock = new FakeClock();
  const q = new ExpiryQueue(clock, 50);
  const seen: string[] = [];
  const a = member(clock, 'a', seen);
  const b = member(clock, 'b', seen);
  q.add(a);
  clock.advance(10);
  q.add(b);
  q.remove(a);
  t.equal(a.expiryQueue, undefined);
  t.equal(a.expirySlot, -1);
  q.remove(a); // harmless twice
  clock.advance(45);
  t.same(seen, [], 'a removed: the sweep at 50 expires nothing');
  clock.advance(5);
  t.same(seen, ['b@60']);
  q.add(a);
  q.remove(a);
  t.equal(clock.pending(), 0, 'the last member removed: timer cleared');
  clock.runAll();
  t.same(seen, ['b@60']);
});

t.test('a lingering queue keeps its sweep when emptied, yet every member expires at its own deadline', async (t) => {
  const clock = new FakeClock(1000);
  const q = new ExpiryQueue(clock, 100, true);
  const seen: string[] = [];
  const a = member(clock, 'a', seen);
  q.add(a);
  q.remove(a);
  t.equal(clock.pending(), 1, 'emptied: the sweep is left running');
  clock.advance(30);
  const b = member(clock, 'b', seen);
  q.add(b);
  t.equal(clock.pending(), 1, 'refilled: the running sweep serves');
  clock.advance(70);
  t.same(seen, [], 'the sweep at a\'s old deadline expires nothing');
  t.equal(clock.pending(), 1, 'and waits for b');
  clock.advance(29);
  t.same(seen, []);
  clock.advance(1);
  t.same(seen, ['b@1130'], 'b at its own deadline');
  t.equal(clock.pending(), 0, 'empty after a sweep: no timer');
  q.add(a);
  q.remove(a);
  t.equal(clock.pending(), 1);
  q.stopIfEmpty();
  t.equal(clock.pending(), 0, 'stopIfEmpty stops the lingering sweep');
  q.add(b);
  q.stopIfEmpty();
  t.equal(clock.pending(), 1, 'but not while a member waits');
  clock.runAll();
  t.same(seen, ['b@1130', 'b@1230']);
});

t.test('re-adding moves a member to the back with a new deadline; other queues give it up', async (t) => {
  const clock = new FakeClock();
  const q = new ExpiryQueue(clock, 100);
  const other = new ExpiryQueue(clock, 10);
  const seen: string[] = [];
  const a = member(clock, 'a', seen);
  q.add(a);
  clock.advance(40);
  q.add(a);
  clock.advance(60);
  t.same(seen, [], 'the first deadline no longer counts');
  other.add(a);
  t.equal(q.size, 0, 'it left the first queue');
  clock.advance(10);
  t.same(seen, ['a@110']);
  clock.runAll();
  t.same(seen, ['a@110'], 'once');
});

t.test('a member added or removed from inside a sweep', async (t) => {
  const clock = new FakeClock();
  const q = new ExpiryQueue(clock, 20);
  const seen: string[] = [];
  const c = member(clock, 'c', seen);
  const again = member(clock, 'again', seen);
  const a = member(clock, 'a', seen, () => {
    q.remove(c);
    q.add(again);
  });
  q.add(a);
  q.add(c);
  clock.advance(20);
  t.same(seen, ['a@20'], 'c was removed by a, before its turn in the same sweep');
  t.equal(clock.pending(), 1);
  clock.advance(20);
  t.same(seen, ['a@20', 'again@40']);
  t.equal(clock.pending(), 0);
});

t.test('a member that throws does not stop the others', async (t) => {
  const clock = new FakeClock();
  const q = new ExpiryQueue(clock, 5);
  const seen: string[] = [];
  q.add(member(clock, 'x', seen, () => {
    throw new Error('boom');
  }));
  clock.advance(1);
  q.add(member(clock, 'y', seen));
  t.throws(() => clock.advance(10), /boom/);
  clock.advance(10);
  t.same(seen, ['x@5', 'y@6']);
  t.equal(clock.pending(), 0);
});

t.test('many members: the arrays are compacted and order is kept', async (t) => {
  const clock = new FakeClock();
  const q = new ExpiryQueue(clock, 1000);
  const seen: string[] = [];
  for (let i = 0; i < 5000; i++) {
    q.add(member(clock, String(i), seen));
    clock.advance(1);
  }
  // now 5000: deadlines 1000..5000 have come while members were still being added
  t.equal(seen.length, 4001);
  t.equal(seen[0], '0@1000');
  t.equal(seen[4000], '4000@5000');
  t.equal(q.size, 999);
  clock.runAll();
  t.equal(seen.length, 5000);
  t.ok(seen.every((s, i) => s === `${i}@${i + 1000}`), 'each at its deadline, in order');
});
