/**
 * The SIPREC conformance probe against an SRS that authenticates (HTTP Digest, RFC 3261 §22),
 * on tsip's own Srs (the TLS side is probe-tls.test.ts):
 * - right credentials: auth-wrong-password and auth-challenge PASS, and every session check too;
 * - no credentials: one auth-challenge FAIL saying what to give, the rest SKIPped;
 * - a wrong password file: auth-challenge FAIL, exit 1; TSIP_PROBE_PASSWORD; option checks;
 * - credentials for an SRS that never challenges: WARN.
 */
import t from 'tap';
import { probeSrs } from '../../../lib/siprec/probe/index.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { startSrs } from './helpers.js';
import { cli, files, notPassed, probeAuth } from './probe-helpers.js';

const certs = testCerts();
const auth = probeAuth;

t.test('auth: right credentials → auth-wrong-password and auth-challenge PASS, every session check PASSes', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0, auth });
  const report = await probeSrs(srs.uri('tcp'), { timeoutMs: 3000, credentials: { username: 'src1', password: 'recording-secret' } });
  t.same(notPassed(report), [], 'no FAIL, WARN or SKIP');
  const ids = report.results.map((r) => r.id);
  t.same(ids.slice(0, 2), ['auth-wrong-password', 'options'], 'the wrong password goes first');
  t.match(report.results.find((r) => r.id === 'auth-challenge'), { level: 'PASS', message: /challenged \(401 INVITE, realm "srs\.example"\) and accepted the credentials of user "src1"/ });
  for (const id of ['invite-accepted', 'media-ports', 'metadata-reinvite', 'bye', 'require-unknown']) t.ok(ids.includes(id), id);
});

t.test('auth: no credentials → one auth-challenge FAIL naming the options, the rest SKIPped; exit 1', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0, auth });
  const r = await cli(['srs', srs.uri('udp'), '--timeout-ms', '3000']);
  t.equal(r.code, 1, r.err);
  const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
  t.equal(fails.length, 1, 'one FAIL only');
  t.match(fails[0], /auth-challenge\s+the SRS requires authentication \(401 Unauthorized, Digest challenge, realm "srs\.example"\): give credentials \(tsip probe: --user NAME --password-file FILE\)/);
  t.match(r.out, /SKIP .*malformed-metadata\s+not run: authentication failed/);
  t.notMatch(r.out, /^WARN/m, 'no warnings either');
});

t.test('auth: a wrong password file → auth-challenge FAIL, exit 1; the password never on the command line', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0, auth });
  const f = files(t, { wrong: 'not-the-secret\n', right: 'recording-secret\n' });
  const bad = await cli(['srs', srs.uri('tcp'), '--user', 'src1', '--password-file', f.wrong, '--timeout-ms', '3000']);
  t.equal(bad.code, 1);
  t.match(bad.out, /PASS .*auth-wrong-password/);
  t.match(bad.out, /FAIL .*auth-challenge\s+the SRS refused the credentials of user "src1" \(401 Unauthorized, realm "srs\.example"\)/);
  t.equal(bad.out.split('\n').filter((l) => l.startsWith('FAIL')).length, 1, 'one FAIL only');
  const env = await cli(['srs', srs.uri('tcp'), '--user', 'src1', '--timeout-ms', '3000', '--json'], 'recording-secret');
  t.equal(env.code, 0, 'TSIP_PROBE_PASSWORD works');
  t.match(JSON.parse(env.out), [{ id: 'auth-wrong-password', level: 'PASS' }]);
  t.equal((await cli(['srs', srs.uri('tcp'), '--password', 'x'])).code, 2, 'no --password option');
  t.equal((await cli(['srs', srs.uri('tcp'), '--user', 'src1'])).code, 2, '--user needs a password source');
  t.equal((await cli(['srs', srs.uri('tcp'), '--password-file', f.right])).code, 2, '--password-file needs --user');
});

t.test('auth: credentials for an SRS that never challenges → WARN auth-challenge', async (t) => {
  const srs = await startSrs(t, { minFreeDiskBytes: 0 });
  const report = await probeSrs(srs.uri('udp'), { timeoutMs: 3000, credentials: { username: 'src1', password: 'x' } });
  t.same(notPassed(report), [
    'SKIP auth-wrong-password: SIPREC INVITE not challenged (answered 200 OK): no password to get wrong',
    'WARN auth-challenge: never challenged although credentials were given (--user): the SRS records without authentication (RFC 7866 §12: recordings are sensitive)',
  ]);
  t.ok(report.ok);
});
