/**
 * The SIPREC conformance probe over TLS (RFC 3261 §26) with tsip's own Srs and SrcManager and
 * the test certificates (test/helpers/tls-cert.ts):
 * - probe srs with the test CA: tls-certificate PASS and every check; an untrusted CA: one clear
 *   FAIL; --tls-no-verify: a WARN; sips: with a client certificate against an Srs that requires one
 *   (and Digest), and no certificate there: one tls-connect FAIL;
 * - probe src --transport tls: an SrcManager records to it over TLS, every check PASSes;
 * - the TLS option checks (exit 2).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { probeSrs, startSrcProbe } from '../../../lib/siprec/probe/index.js';
import { runProbe } from '../../../lib/cli/probe.js';
import { ProbeLevel } from '../../../include-types/siprec-probe.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { entry, startManager, startSrs, twoParty, waitFor } from './helpers.js';
import { cli, files, notPassed, probeAuth, recordOneCall } from './probe-helpers.js';

const certs = testCerts();
const auth = probeAuth;

t.test('TLS: --transport tls with the test CA passes every check; an untrusted CA is one clear FAIL; --tls-no-verify a WARN', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0, transports: ['udp', 'tls'], tls: { cert: certs.cert, key: certs.key } });
  const f = files(t, { 'ca.pem': certs.ca, 'other.pem': certs.otherCa });
  const uri = srs.uri('tls');
  t.match(uri, /;transport=tls$/);
  const ok = await cli(['srs', uri, '--tls-ca', f['ca.pem'], '--timeout-ms', '3000']);
  t.equal(ok.code, 0, ok.out);
  t.match(ok.out, /^PASS .*tls-certificate\s+TLS connection up, the SRS's certificate verified$/m);
  t.notMatch(ok.out, /^(FAIL|WARN|SKIP)/m);

  const untrusted = await cli(['srs', uri, '--tls-ca', f['other.pem'], '--timeout-ms', '3000']);
  t.equal(untrusted.code, 1);
  const fails = untrusted.out.split('\n').filter((l) => l.startsWith('FAIL'));
  t.equal(fails.length, 1, 'one FAIL only');
  t.match(fails[0], /tls-certificate\s+the SRS's certificate did not verify \(.*\): trust the CA that signed it \(tls\.ca, --tls-ca FILE\), or test without verification \(--tls-no-verify\)/);

  const insecure = await cli(['srs', uri, '--tls-no-verify', '--timeout-ms', '3000']);
  t.equal(insecure.code, 0);
  t.match(insecure.out, /^WARN .*tls-certificate\s+the SRS's certificate was NOT verified \(--tls-no-verify\)/m);
});

t.test('TLS: sips: with a client certificate against an Srs that requires one, and with credentials', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0, transports: ['udp', 'tls'], tls: { cert: certs.cert, key: certs.key, ca: certs.ca, requireClientCertificate: true }, auth });
  const uri = srs.uri('tls', 'sips');
  const report = await probeSrs(uri, { timeoutMs: 3000, credentials: { username: 'src1', password: 'recording-secret' }, tls: { ca: certs.ca, cert: certs.cert, key: certs.key } });
  t.same(notPassed(report), [], 'mutual TLS and Digest: every check PASSes');
  const noCert = await probeSrs(srs.uri('tls'), { timeoutMs: 3000, tls: { ca: certs.ca } });
  t.match(notPassed(noCert)[0], /^FAIL tls-connect: no TLS connection to the SRS \(.*\); an SRS that requires a client certificate needs tls\.cert\/tls\.key \(--tls-cert, --tls-key\)$/, 'no client certificate: refused handshake, said so');
  t.equal(noCert.results.filter((r) => r.level === ProbeLevel.Fail).length, 1, 'one FAIL, the rest SKIP');
  t.rejects(probeSrs(uri, { tls: { ca: certs.ca } }), /needs a client certificate and key/, 'sips: without a certificate');
});

t.test('probe src --transport tls: an SrcManager records to it over TLS and every check PASSes', async (t) => {
  const probe = await startSrcProbe({ host: '127.0.0.1', port: 0, transport: 'tls', timeoutMs: 5000, tls: { cert: certs.cert, key: certs.key } });
  t.teardown(() => probe.stop());
  t.match(probe.uri, /;transport=tls$/);
  const m = await startManager(t, [entry([probe.uri], { tls: { ca: certs.ca } })]);
  await recordOneCall(m, 5);
  const report = await probe.report;
  t.same(notPassed(report), [], 'no FAIL, WARN or SKIP');
  t.ok(report.results.length >= 13);
});

t.test('CLI: probe src --transport tls --tls-cert --tls-key --tls-ca takes an SRC with a client certificate (mutual TLS), exit 0', async (t) => {
  const f = files(t, { 'ca.pem': certs.ca, 'cert.pem': certs.cert, 'key.pem': certs.key });
  let out = '';
  let started!: (uri: string) => void;
  const uri = new Promise<string>((r) => { started = r; });
  const run = runProbe(['src', '--listen', '127.0.0.1:0', '--transport', 'tls', '--tls-cert', f['cert.pem'], '--tls-key', f['key.pem'], '--tls-ca', f['ca.pem'], '--timeout-ms', '5000'], {
    out: (x) => { out += x; }, err: () => undefined, listening: started, interrupted: new Promise(() => undefined),
  });
  const m = await startManager(t, [entry([await uri], { tls: { ca: certs.ca, cert: certs.cert, key: certs.key } })]);
  const call = twoParty();
  m.startRecording(call);
  await waitFor(m, 'recordingStarted', (e) => e.callId === call.callId);
  await m.stopRecording(call.callId);
  t.equal(await run, 0, out);
  t.match(out, /^OK: SRC\(s\) at sip:srs@127\.0\.0\.1:\d+;transport=tls: \d+ pass, 0 fail/m);
});

t.test('TLS option checks: exit 2 with the reason', async (t) => {
  const f = files(t, { 'ca.pem': certs.ca, 'cert.pem': certs.cert, 'key.pem': certs.key, 'junk.pem': 'not a certificate' });
  const cases: Array<[string[], RegExp]> = [
    [['src', '--listen', '127.0.0.1:0', '--transport', 'tls'], /probe src --transport tls needs --tls-cert FILE and --tls-key FILE/],
    [['srs', 'sip:127.0.0.1:5;transport=tls', '--tls-cert', f['cert.pem']], /--tls-cert and --tls-key go together/],
    [['srs', 'sip:127.0.0.1:5;transport=tls', '--tls-ca', f['ca.pem'], '--tls-no-verify'], /--tls-no-verify and --tls-ca contradict each other/],
    [['srs', 'sips:127.0.0.1:5', '--tls-ca', f['ca.pem']], /the sips: URI sips:srs@127\.0\.0\.1:5 needs a client certificate and key/],
    [['srs', 'sips:127.0.0.1:5', '--transport', 'tcp'], /a sips: URI is reached over TLS only \(not tcp\)/],
    [['srs', 'sip:127.0.0.1:5', '--transport', 'tls', '--tls-ca', f['junk.pem']], /is not PEM/],
    [['srs', 'sip:127.0.0.1:5', '--transport', 'tls', '--tls-ca', join(tmpdir(), 'no-such-ca.pem')], /cannot be read \(ENOENT\)/],
    [['src', '--listen', '127.0.0.1:0', '--tls-cert', f['cert.pem'], '--tls-key', f['key.pem']], /--tls-cert, --tls-key and --tls-ca are for probe src --transport tls/],
    [['srs', 'sip:127.0.0.1:5;transport=tcp', '--tls-ca', f['ca.pem']], /--tls-ca, --tls-no-verify, --tls-cert and --tls-key are for TLS/],
  ];
  for (const [argv, why] of cases) {
    const r = await cli(argv);
    t.equal(r.code, 2, argv.join(' '));
    t.match(r.err, why, argv.join(' '));
  }
  const help = await cli(['--help']);
  t.match(help.out, /^usage: tsip probe srs/);
  t.match(help.out, /--password-file FILE/);
  t.match(help.out, /--tls-no-verify/);
  t.match(help.out, /exit codes: 0 .*, 1 .*, 2 /);
});
