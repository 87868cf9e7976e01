/**
 * The SRS's service parts without sockets: the drain's bookkeeping and deadline (DrainRun on a
 * hand-driven clock), the health verdict (assessHealth: order of problems, Retry-After), and the
 * cached free-space probe (DiskProbe: one statfs per second, errors reported by code).
 */
import t from 'tap';
import { DrainRun } from '../../../../lib/siprec/srs/srs-drain.js';
import { assessHealth, DiskProbe, healthReasonPhrase } from '../../../../lib/siprec/srs/srs-health.js';

/** A clock and one pending timer, moved by hand. */
function fakeTimers() {
  let now = 1000;
  let timer: { at: number; fn: () => void } | undefined;
  return {
    now: () => now,
    after: (ms: number, fn: () => void) => { timer = { at: now + ms, fn }; return () => { timer = undefined; }; },
    advance(ms: number) { now += ms; if (timer && timer.at <= now) { const f = timer.fn; timer = undefined; f(); } },
    get armed() { return timer !== undefined; },
  };
}

t.test('DrainRun: counts ends by reason and settles when nothing is live', async (t) => {
  const clock = fakeTimers();
  let live = 3;
  const done: unknown[] = [];
  const run = new DrainRun({ live: () => live, cutAll: () => t.fail('no cut'), after: clock.after, now: clock.now }, 10_000, (r) => done.push(r));
  run.begin();
  t.ok(clock.armed, 'deadline armed');
  t.equal(run.retryAfterSeconds(), 10);
  clock.advance(2500);
  t.equal(run.retryAfterSeconds(), 8, 'Retry-After: what is left, rounded up');
  live = 2; run.ended('bye'); run.check();
  live = 1; run.ended('timeout'); run.check();
  t.same(done, [], 'not done while one is live');
  live = 0; run.ended('bye'); run.check();
  const r = await run.done;
  t.same(r, { live: 3, endedByBye: 2, cutAtTimeout: 0, endedOtherwise: 1, timedOut: false, durationMs: 2500 });
  t.same(done, [r], 'onDone once');
  t.notOk(clock.armed, 'deadline cancelled');
  run.ended('bye');
  run.check();
  t.equal(done.length, 1, 'nothing after the end');
});

t.test('DrainRun: the timeout cuts the rest, counted as cut', async (t) => {
  const clock = fakeTimers();
  let live = 2;
  const run = new DrainRun({
    live: () => live,
    // the Srs ends them with reason 'drain' (asynchronously: files closing)
    cutAll: () => { queueMicrotask(() => { live = 0; run.ended('drain'); run.ended('drain'); run.check(); }); },
    after: clock.after, now: clock.now,
  }, 5000, () => undefined);
  run.begin();
  clock.advance(5000);
  t.ok(run.timedOut);
  const r = await run.done;
  t.match(r, { live: 2, endedByBye: 0, cutAtTimeout: 2, timedOut: true, durationMs: 5000 });
});

t.test('DrainRun: nothing live settles at begin()', async (t) => {
  const clock = fakeTimers();
  const run = new DrainRun({ live: () => 0, cutAll: () => undefined, after: clock.after, now: clock.now }, 5000, () => undefined);
  run.begin();
  t.match(await run.done, { live: 0, timedOut: false, durationMs: 0 });
});

t.test('assessHealth: ok, then every problem in order with its Retry-After', async (t) => {
  const base = { sessions: 1, maxSessions: 10, freePortPairs: 100, portCapacity: 100, disk: { floor: 1000, free: 5000 }, diskRetryAfter: 5 };
  const ok = assessHealth(base);
  t.match(ok, { state: 'ok', healthy: true, problems: [], freeDiskBytes: 5000 });
  t.notOk('retryAfter' in ok);
  const all = assessHealth({ ...base, draining: { why: 'draining', retryAfter: 20 }, sessions: 10, freePortPairs: 1, disk: { floor: 1000, free: 10 } });
  t.same(all.problems.map((p) => p.state), ['draining', 'lowDisk', 'noPorts', 'overSessions']);
  t.equal(all.state, 'draining');
  t.equal(all.retryAfter, 20, 'the longest wait');
  t.equal(healthReasonPhrase(all), 'Draining');
  const unknown = assessHealth({ ...base, disk: { floor: 1000, error: 'EIO' } });
  t.match(unknown, { state: 'lowDisk', retryAfter: 5 });
  t.match(unknown.problems[0].reason, /free disk space unknown \(EIO\)/);
  t.equal(assessHealth({ ...base, disk: { floor: 0, free: 1 } }).state, 'ok', 'floor 0: not checked');
  t.equal(assessHealth({ ...base, freePortPairs: 1, portCapacity: 1 }).state, 'ok', 'a one-pair range: one pair is enough');
  const full = assessHealth({ ...base, sessions: 10 });
  t.match(full, { state: 'overSessions', retryAfter: 5 });
  t.equal(healthReasonPhrase(full), 'Too many recording sessions');
});

t.test('DiskProbe: one probe per maxAge, shared by concurrent readers; errors by code', async (t) => {
  let now = 0;
  let calls = 0;
  let fail = false;
  const probe = new DiskProbe(async () => {
    calls++;
    if (fail) throw Object.assign(new Error('x'), { code: 'ENOENT' });
    return 42;
  }, () => now, 1000);
  const [a, b] = await Promise.all([probe.read(), probe.read()]);
  t.same([a, b], [{ free: 42 }, { free: 42 }]);
  t.equal(calls, 1, 'concurrent reads share one statfs');
  now = 500;
  t.same(await probe.read(), { free: 42 });
  t.equal(calls, 1, 'cached within a second');
  now = 1500;
  fail = true;
  t.same(await probe.read(), { error: 'ENOENT' });
  t.equal(calls, 2);
});
