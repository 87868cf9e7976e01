/**
 * The SRS at scale (2 of 2; the SIGTERM drain is srs-cluster-drain.test.ts): real Kamailio
 * (deploy/kamailio/dispatcher.cfg) spreading SIPREC INVITEs from tsip's SrcManager over two
 * `tsip srs` processes.
 * (2) The same load; 2 s in, one SRS is killed -9: new calls go to the other (INVITE timeout and
 *     failover, then the OPTIONS probe keeps it out), every call whose BYE the SRS answered has a
 *     complete recording, and the killed SRS on restart marks its cut recordings partial and is
 *     taken back into rotation.
 */
import t from 'tap';
import { listRecordings } from '../../lib/siprec/srs/index.js';
import { requireKamailioModules } from './lib/index.js';
import { startSrsCluster } from './lib/srs-cluster.js';
import { CALLS, count, diagnostics, HOLD_MS, RATE, recordingsOf, runLoad, settled, VARS } from './lib/srs-cluster-load.js';

t.test('kill -9 one SRS mid-run: new calls go to the other, completed calls have complete recordings, restart marks the cut ones partial', async (t) => {
  if (!requireKamailioModules(t, ['dispatcher'])) return;
  const cluster = await startSrsCluster({ count: 2, drainTimeoutSeconds: 5, pingIntervalSeconds: 1, vars: VARS });
  t.teardown(() => cluster.stop());
  const victim = cluster.srs[1];
  let killedMs = Number.POSITIVE_INFINITY;
  const outcomes = await runLoad(t, cluster.uri, {
    calls: CALLS, rate: RATE, holdMs: HOLD_MS,
    at: { ms: 2000, fn: (elapsedMs) => { killedMs = elapsedMs; victim.proc.signal('SIGKILL'); } },
  });
  const exit = await victim.proc.exited;
  t.equal(exit.signal, 'SIGKILL', 'the SRS was killed -9');
  const completed = outcomes.filter((c) => c.stopped?.bye === 200);
  const before = await settled(cluster, completed.map((c) => c.recordingId));
  const cut = outcomes.filter((c) => c.recordingId !== undefined && c.stopped?.bye !== 200);
  const failedSetup = outcomes.filter((c) => c.recordingId === undefined);
  t.equal(failedSetup.length, 0, 'every call got a recording (INVITEs to the dead SRS failed over)', { failed: failedSetup.slice(0, 5), ...(failedSetup.length ? diagnostics(cluster) : {}) });
  t.same(completed.filter((c) => before.get(c.recordingId!)?.index.state !== 'complete').map((c) => c.callId), [], `each of the ${completed.length} completed calls has a complete recording`);
  t.ok(cut.length > 0, `${cut.length} calls were cut by the kill`);
  t.same(cut.filter((c) => before.get(c.recordingId!)?.srs !== victim.index).map((c) => c.callId), [], 'the cut calls were the killed SRS\'s');
  // sentMs counts from the first call; the kill was asked for at 2000 ms and sent at killedMs
  // (later on a loaded machine: a call due before it can go out after 2000 ms).
  const late = outcomes.filter((c) => c.sentMs > killedMs && before.get(c.recordingId ?? '')?.srs === victim.index);
  t.equal(late.length, 0, 'no call sent after the kill was recorded on the killed SRS');

  await victim.restart();
  const recovered = Number(/recovered (\d+) partial recordings/.exec(victim.out())?.[1] ?? 0);
  const after = recordingsOf(cluster);
  // Every directory on the victim, also a cut set-up's whose INVITE then failed over (its id is
  // recorded complete on the other SRS, which `after` prefers).
  const onVictim = listRecordings(victim.dir);
  const partial = onVictim.filter((r) => r.index.state === 'partial');
  t.equal(recovered, partial.length, `the restarted SRS recovered ${recovered} recordings as partial`);
  // More than the cut calls when the kill also cut a set-up whose INVITE then failed over.
  t.ok(recovered >= cut.length, `at least the ${cut.length} cut calls`);
  t.same(cut.filter((c) => after.get(c.recordingId!)?.index.state !== 'partial').map((c) => c.callId), [], 'each cut call\'s recording is now partial');
  t.equal(partial.length + count(onVictim, (r) => r.index.state === 'complete'), onVictim.length, 'nothing left "recording"');

  // The dispatcher's OPTIONS probe takes the restarted SRS back.
  await new Promise((r) => setTimeout(r, 2500));
  const again = await runLoad(t, cluster.uri, { calls: 6, rate: 20, holdMs: 200 });
  const back = await settled(cluster, again.map((c) => c.recordingId));
  t.equal(count(again, (c) => c.stopped?.bye === 200), 6, 'calls after the restart succeed');
  t.ok(count(again, (c) => back.get(c.recordingId ?? '')?.srs === victim.index) > 0, 'and the restarted SRS records again');
  t.comment(`kill -9: ${completed.length} calls completed (complete recordings), ${cut.length} cut (partial after restart: ${partial.length}, recovered ${recovered}), ${failedSetup.length} failed to start; per SRS before the kill ${cluster.srs.map((s) => count([...before.values()], (r) => r.srs === s.index)).join(' + ')}`);
});
