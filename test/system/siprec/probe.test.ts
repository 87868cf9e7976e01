/**
 * The SIPREC conformance probe against tsip's own recording server and client, over UDP and TCP:
 * - `probeSrs` against Srs: every check PASSes, and the RTP the probe sent is in the recording's
 *   index (what the probe itself cannot see black-box);
 * - `probeSrc` against SrcManager (RTP fed, pause/resume, stop): every check PASSes;
 * - the CLI (`runProbe`) on both, with --json, and its exit codes.
 */
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { probeSrs, startSrcProbe } from '../../../lib/siprec/probe/index.js';
import { runProbe } from '../../../lib/cli/probe.js';
import { ProbeLevel, type ProbeCheckResult } from '../../../include-types/siprec-probe.js';
import { entry, startManager, startSrs } from './helpers.js';
import { notPassed, recordOneCall } from './probe-helpers.js';

for (const transport of ['udp', 'tcp'] as const) {
  t.test(`${transport}: probe srs against tsip's Srs passes every check`, async (t) => {
    const srs = await startSrs(t, { minFreeDiskBytes: 0 });
    const report = await probeSrs(srs.uri(transport), { timeoutMs: 3000 });
    t.same(notPassed(report), [], 'no FAIL, WARN or SKIP');
    t.ok(report.ok, 'report ok');
    t.ok(report.results.length >= 19, `${report.results.length} checks ran`);
    t.ok(report.results.some((r) => r.id === 'media-ports' && r.level === ProbeLevel.Pass), 'media-ports passed');
    // What black-box cannot show: the Srs stored the probe's RTP. Its files and index are final once
    // it has ended the session: shutdown waits for that.
    await srs.shutdown();
    const recs = listRecordings(srs.settings.dir).filter((r) => r.index.state === 'complete');
    t.equal(recs.length, 1, 'one recording kept (the refused INVITEs made none)');
    t.same(recs[0].index.streams.map((s) => [s.label, s.packets]), [['1', 10], ['2', 10]], 'the 10 packets per stream are counted');
  });

  t.test(`${transport}: probe src against tsip's SrcManager passes every check`, async (t) => {
    const probe = await startSrcProbe({ host: '127.0.0.1', port: 0, transport, timeoutMs: 5000 });
    t.teardown(() => probe.stop());
    const m = await startManager(t, [entry([probe.uri], { transport })]);
    await recordOneCall(m);
    const report = await probe.report;
    t.same(notPassed(report), [], 'no FAIL, WARN or SKIP');
    t.ok(report.ok);
    t.same(report.results.map((r) => r.id).sort(), [
      'src-body', 'src-bye', 'src-contact', 'src-metadata-part', 'src-metadata-participants', 'src-metadata-streams', 'src-metadata-valid',
      'src-reoffer', 'src-require', 'src-rtp', 'src-sdp-labels', 'src-sdp-sendonly', 'src-stop-time',
    ], 'every src check ran');
  });
}

t.test('CLI: probe srs --json exits 0 against the Srs and prints the result array', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0 });
  let out = '';
  let err = '';
  const code = await runProbe(['srs', srs.uri('udp'), '--json', '--timeout-ms', '3000'], { out: (x) => { out += x; }, err: (x) => { err += x; } });
  t.equal(code, 0, err);
  const results = JSON.parse(out) as ProbeCheckResult[];
  t.ok(Array.isArray(results) && results.length >= 19, 'a JSON array of results');
  t.same(notPassed(results), []);
  t.match(results[0], { id: 'options', rfc: 'RFC 3261 §11.2', level: 'PASS' });
});

t.test('CLI: probe src --calls 2 reports two calls and exits 0', async (t) => {
  let out = '';
  let started!: (uri: string) => void;
  const uri = new Promise<string>((r) => { started = r; });
  const run = runProbe(['src', '--listen', '127.0.0.1:0', '--calls', '2', '--timeout-ms', '5000'], {
    out: (x) => { out += x; }, err: () => undefined, listening: started, interrupted: new Promise(() => undefined),
  });
  const m = await startManager(t, [entry([await uri])]);
  await Promise.all([recordOneCall(m), recordOneCall(m)]);
  const code = await run;
  t.equal(code, 0, 'exit 0', { out });
  t.match(out, /src-require#1/, 'results of call 1');
  t.match(out, /src-require#2/, 'results of call 2');
  t.match(out, /^OK: SRC\(s\) at sip:srs@127\.0\.0\.1:\d+: 26 pass, 0 fail, 0 warn, 0 skip$/m, 'summary line');
});

t.test('probe src: no INVITE within the timeout is a FAIL', async (t) => {
  const probe = await startSrcProbe({ host: '127.0.0.1', port: 0, timeoutMs: 300 });
  const report = await probe.report;
  t.same(report.results.map((r) => [r.id, r.level]), [['src-invite', 'FAIL']]);
  t.notOk(report.ok);
});

t.test('CLI: usage errors exit 2, a failing probe exits 1', async (t) => {
  const io = { out: () => undefined, err: () => undefined };
  t.equal(await runProbe([], io), 2, 'no target');
  t.equal(await runProbe(['srs'], io), 2, 'no URI');
  t.equal(await runProbe(['srs', 'sip:127.0.0.1:5', '--transport', 'sctp'], io), 2, 'bad transport');
  t.equal(await runProbe(['srs', 'sip:127.0.0.1:5', '--timeout-ms', '-1'], io), 2, 'bad timeout');
  t.equal(await runProbe(['src'], io), 2, 'src without --listen');
  t.equal(await runProbe(['src', '--listen', '0.0.0.0:5090'], io), 2, 'wildcard listen address');
  t.equal(await runProbe(['srs', 'sip:127.0.0.1:5', '--bogus'], io), 2, 'unknown option');
  t.equal(await runProbe(['--help'], io), 0, 'help');
  // Nothing listens there: OPTIONS and the INVITE time out.
  const { freeSipPort } = await import('../../../lib/siprec/common/ports.js');
  const port = await freeSipPort('127.0.0.1');
  t.equal(await runProbe(['srs', `sip:127.0.0.1:${port}`, '--timeout-ms', '300'], io), 1, 'a dead SRS fails');
});
