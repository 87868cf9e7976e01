/**
 * The SRS at scale (1 of 2; the kill -9 case is srs-cluster-kill.test.ts): real Kamailio (deploy/kamailio/dispatcher.cfg) spreading SIPREC INVITEs from
 * tsip's SrcManager over two `tsip srs` processes (separate OS processes, spawned here).
 * (1) 100 recordings of 4 s at 20/s; 2 s in, one SRS gets SIGTERM: it drains (OPTIONS and new
 *     INVITEs 503, so Kamailio takes it out and fails INVITEs over), its live recordings run to
 *     their BYE, it exits 0; every call succeeds and 100 complete recordings exist across the two.
 */
import t from 'tap';
import { requireKamailioModules } from './lib/index.js';
import { startSrsCluster } from './lib/srs-cluster.js';
import { CALLS, count, diagnostics, HOLD_MS, RATE, recordingsOf, runLoad, settled, VARS } from './lib/srs-cluster-load.js';

t.test('SIGTERM to one SRS mid-run: it drains, all 100 calls succeed, 100 complete recordings', async (t) => {
  if (!requireKamailioModules(t, ['dispatcher'])) return;
  const cluster = await startSrsCluster({ count: 2, drainTimeoutSeconds: 20, pingIntervalSeconds: 1, vars: VARS });
  t.teardown(() => cluster.stop());
  const victim = cluster.srs[0];
  const outcomes = await runLoad(t, cluster.uri, {
    calls: CALLS, rate: RATE, holdMs: HOLD_MS,
    at: { ms: 2000, fn: () => victim.proc.signal('SIGTERM') },
  });
  const exit = await victim.proc.waitOrKill(15_000);
  const ok = count(outcomes, (c) => c.stopped?.bye === 200);
  const failed = outcomes.filter((c) => c.failedStatus !== undefined || c.stopped?.bye !== 200);
  t.equal(outcomes.length, CALLS);
  t.equal(ok, CALLS, `every call recorded and ended with BYE 200 (${ok}/${CALLS})`, { failed: failed.slice(0, 5), ...(ok === CALLS ? {} : diagnostics(cluster)) });
  t.same({ code: exit.code, timedOut: exit.timedOut }, { code: 0, timedOut: false }, 'the drained SRS exited 0 by itself');
  const drained = /drained: (\d+) ended by BYE, (\d+) cut at the timeout/.exec(victim.out());
  t.ok(drained, 'it reported the drain');
  t.equal(drained?.[2], '0', 'none cut: every live recording ran to its BYE');
  const recs = await settled(cluster, outcomes.map((c) => c.recordingId));
  const complete = [...recs.values()].filter((r) => r.index.state === 'complete' && r.index.endReason === 'bye');
  t.equal(complete.length, CALLS, `${complete.length} complete recordings across the two SRSs`);
  t.same(outcomes.filter((c) => !recs.has(c.recordingId ?? '')).map((c) => c.callId), [], 'each call has its recording');
  const perSrs = cluster.srs.map((s) => count(complete, (r) => r.srs === s.index));
  // Set-ups that had passed the checks when the drain began still start (the drain waits for them).
  const afterTerm = victim.out().split(/draining \(/)[1]?.match(/^started /gm)?.length ?? 0;
  // one line per refusal kind per second, the rest summed in a line of their own (lib/cli/repeat-log.ts)
  const refused503 = (victim.out().match(/^rejected .*: 503 Draining$/gm) ?? []).length +
    [...victim.out().matchAll(/^rejected 503 Draining: (\d+) more/gm)].reduce((n, m) => n + Number(m[1]), 0);
  t.ok(Number(/draining \((\d+) live/.exec(victim.out())?.[1]) > 0, 'recordings were live on it when it got SIGTERM');
  t.ok(perSrs.every((n) => n > 0), `both SRSs recorded: ${perSrs.join(' + ')}`);
  t.comment(`SIGTERM: ${ok}/${CALLS} calls ok; recordings per SRS ${perSrs.join(' + ')}; drained ${drained?.[1]} by BYE; ${refused503} INVITEs answered 503 while draining and failed over; ${afterTerm} set-ups in flight at the signal finished on it`);
});
