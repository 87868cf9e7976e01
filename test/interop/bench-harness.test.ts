/**
 * The benchmark harness (bench/lib) at toy rates, so `npm test` proves the numbers `npm run bench`
 * prints come from a working pipeline: SIPp load step, stats parsing, memory sampling of the
 * Kamailio pid tree, and an honest "not sustained" for a UAS that does not answer.
 */
import t from 'tap';
import { measureUas, formatComparison, formatMeasurement, pssAtSharedRate, type UasMeasurement, type UasStep } from '../../bench/lib/measure-uas.js';
import { runSippLoad } from '../../bench/lib/sipp-load.js';
import { measureSrs } from '../../bench/lib/measure-srs.js';
import { processTree, treePssKb } from '../../bench/lib/proc-mem.js';
import { describeSipp, freePort, requireTool, startKamailio, startSipp } from './lib/index.js';
import { kamailioConfig, scenarioPath } from './lib/paths.js';

t.test('measureUas against Kamailio at 50 cps', async (t) => {
  if (!requireTool(t, 'sipp') || !requireTool(t, 'kamailio')) return;
  const kam = await startKamailio({ config: kamailioConfig('uas.cfg'), children: 2 });
  t.teardown(() => kam.stop());
  t.ok(processTree(kam.pid).length > 2, 'Kamailio runs as a creator with forked workers');
  t.ok(treePssKb(kam.pid) > 0, 'its memory is readable from /proc');

  const m = await measureUas(
    { host: kam.host, port: kam.port, transport: 'u1' },
    { name: 'kamailio', rates: [50], secondsPerStep: 1, warmupCalls: 0, watchPid: kam.pid, print: false },
  );
  t.equal(m.steps.length, 1);
  const [step] = m.steps;
  t.equal(step.successful, 50, 'all 50 calls completed');
  t.equal(step.failed + step.unfinished, 0, 'none failed or hung');
  t.ok(step.sustained, 'the step is sustained');
  t.ok(m.maxSustainedCps > 30 && m.maxSustainedCps < 70, `about 50 cps achieved (${m.maxSustainedCps.toFixed(1)})`);
  t.ok(m.peakRssKb > 0 && m.peakTreePssKb >= m.peakRssKb / 4, 'peak memory sampled');
  t.match(formatMeasurement(m), /^kamailio: max sustained/);
  t.match(formatComparison(m, m), /calls\/s ratio 1\.00/);
});

t.test('memory at the same load: the highest offered rate both sustained', (t) => {
  const step = (offeredCps: number, sustained: boolean, pssMb: number): UasStep =>
    ({ offeredCps, sustained, peakTreePssKb: pssMb * 1024 }) as UasStep;
  const ladder = (name: string, steps: UasStep[]): UasMeasurement =>
    ({ name, steps, maxSustainedCps: 0, maxSustainedOfferedCps: 0, peakRssKb: 0, peakTreePssKb: Math.max(...steps.map((s) => s.peakTreePssKb)) }) as unknown as UasMeasurement;
  // the subject fails at 5 500 with its memory swollen; the peer holds 5 500 and fails at 6 000
  const subject = ladder('tsip', [step(4000, true, 150), step(5000, true, 260), step(5500, false, 360)]);
  const peer = ladder('kamailio', [step(4000, true, 220), step(5000, true, 270), step(5500, true, 300), step(6000, false, 320)]);
  t.same(pssAtSharedRate(subject, peer), { offeredCps: 5000, subjectKb: 260 * 1024, peerKb: 270 * 1024 }, 'not the failed step, not a rate only one side reached');
  t.match(formatComparison(subject, peer), /memory \(Pss\) ratio 1\.13 \(peak over the ladder\); at 5000 calls\/s \(the highest rate both sustained\) 260\.0 vs 270\.0 MB, ratio 0\.96/);
  t.equal(pssAtSharedRate(ladder('a', [step(1000, false, 10)]), peer), undefined, 'no rate both sustained');
  t.notMatch(formatComparison(ladder('a', [step(1000, false, 10)]), peer), /highest rate both sustained/);
  t.end();
});

t.test('a UAS that does not answer is reported, not thrown', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const port = await freePort(); // nothing listens here
  const r = await runSippLoad(
    { host: '127.0.0.1', port, transport: 'u1' },
    { rate: 10, calls: 5, timeoutSeconds: 6, recvTimeoutMs: 1000, extraArgs: ['-max_retrans', '1'] },
  );
  t.equal(r.successful, 0, 'no call succeeded');
  t.equal(r.failed + r.unfinished, 5, 'every call is counted as failed or unfinished');
  t.equal(r.achievedCps, 0);
});

t.test('measureSrs drives SIPREC sessions (src-uac.xml) into an SRS: SIPp srs-uas at 20 sessions/s', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const calls = 20; // one step of 1 s at 20/s, no warm-up: the SRS answers exactly that many
  const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), calls, timeoutSeconds: 20 });
  t.teardown(() => srs.stop());
  await srs.ready;
  const m = await measureSrs(
    { host: '127.0.0.1', port: srs.localPort, transport: 'u1' },
    { name: 'sipp-srs', rates: [20], secondsPerStep: 1, warmupCalls: 0, watchPid: srs.pid, print: false, pauseBetweenStepsMs: 0 },
  );
  t.equal(m.steps[0].successful, calls, 'every recording session completed (INVITE, 200, ACK, 1 s, BYE, 200)');
  t.ok(m.steps[0].sustained, 'sustained');
  const served = await srs.result;
  t.equal(served.successful, calls, 'the SRS passed its RFC 7866 checks on every INVITE', { sipp: describeSipp(served) });
});
