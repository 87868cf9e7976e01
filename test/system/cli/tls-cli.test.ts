/**
 * The TLS options of `tsip record` and `tsip srs` (SIPREC over TLS, RFC 3261 §26): a recording
 * over TLS with SRTP to the embedded SRS, decrypted and verified; the option checks (exit 2).
 * Run in-process through runCommand (the dispatcher's exit codes).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { recordCommand } from '../../../lib/cli/record.js';
import { runCommand } from '../../../lib/cli/run.js';
import { parseSrsArgs, runSrs } from '../../../lib/cli/srs.js';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { testCerts } from '../../helpers/tls-cert.js';

const certs = testCerts();

function pemFiles(t: Test): { dir: string; cert: string; key: string; ca: string; otherCa: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-cli-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const f = { dir, cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), ca: join(dir, 'ca.pem'), otherCa: join(dir, 'other-ca.pem') };
  writeFileSync(f.cert, certs.cert);
  writeFileSync(f.key, certs.key);
  writeFileSync(f.ca, certs.ca);
  writeFileSync(f.otherCa, certs.otherCa);
  return f;
}

/** Runs with console output captured. */
async function quiet(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const log = console.log;
  const error = console.error;
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => { out += `${a.join(' ')}\n`; };
  console.error = (...a: unknown[]) => { err += `${a.join(' ')}\n`; };
  try {
    return { code: await fn(), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

t.test('tsip record --transport tls --srtp: recorded over TLS with SRTP, files verified; exit 0', async (t) => {
  const f = pemFiles(t);
  const dir = join(f.dir, 'rec');
  // 1.5 s: bob talks from 1 s on (each WAV is checked for its party's tone)
  const r = await quiet(() => runCommand(recordCommand, ['--seconds', '1.5', '--dir', dir, '--transport', 'tls', '--srtp', '--tls-cert', f.cert, '--tls-key', f.key, '--tls-ca', f.ca]));
  t.equal(r.code, 0, 'exit 0', { out: r.out, err: r.err });
  t.match(r.out, /\nrecording OK\n/);
  const [rec] = listRecordings(dir);
  t.equal(rec.index.state, 'complete');
  t.same(rec.index.streams.map((s) => s.srtp?.suite), ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80'], 'stored from SRTP');
});

t.test('tsip record: an SRS certificate the CA does not vouch for fails (exit 1, saying why)', async (t) => {
  const f = pemFiles(t);
  const r = await quiet(() => runCommand(recordCommand, ['--seconds', '1', '--dir', join(f.dir, 'rec'), '--transport', 'tls', '--tls-cert', f.cert, '--tls-key', f.key, '--tls-ca', f.otherCa]));
  t.equal(r.code, 1);
  t.match(r.err, /FAILED: recording failed: AllSrsFailed .*TransportError.*TLS certificate verification failed/);
});

t.test('tsip record option checks: exit 2', async (t) => {
  const f = pemFiles(t);
  const noCert = await quiet(() => runCommand(recordCommand, ['--transport', 'tls']));
  t.equal(noCert.code, 2);
  t.match(noCert.err, /--transport tls with the embedded SRS needs --tls-cert and --tls-key/);
  const half = await quiet(() => runCommand(recordCommand, ['--tls-cert', f.cert]));
  t.equal(half.code, 2);
  t.match(half.err, /--tls-cert and --tls-key go together/);
  t.match(recordCommand.help, /--tls-ca FILE/);
  t.match(recordCommand.help, /--transport udp\|tcp\|tls/);
});

t.test('tsip srs TLS options', async (t) => {
  const f = pemFiles(t);
  const p = parseSrsArgs(['--port', '5090', '--tls-cert', f.cert, '--tls-key', f.key, '--tls-ca', f.ca, '--require-client-cert', '--tls-port', '5095']);
  t.same(p.settings.tls, { certFile: f.cert, keyFile: f.key, caFile: f.ca, port: 5095, requireClientCertificate: true });
  t.equal(parseSrsArgs([]).settings.tls, undefined, 'no TLS without a certificate');
  t.throws(() => parseSrsArgs(['--tls-cert', f.cert]), /--tls-cert needs --tls-key/);
  t.throws(() => parseSrsArgs(['--tls-ca', f.ca]), /--tls-ca needs --tls-cert/);
  t.throws(() => parseSrsArgs(['--tls-cert', f.cert, '--tls-key', f.key, '--require-client-cert']), /--require-client-cert needs --tls-ca/);
  const r = await quiet(() => runSrs(['--port', '0', '--dir', join(f.dir, 'srs'), '--tls-cert', join(f.dir, 'missing.pem'), '--tls-key', f.key]));
  t.equal(r.code, 2, 'an unreadable certificate: bad arguments');
  t.match(r.err, /certFile .*missing\.pem cannot be read \(ENOENT\)/);
  const { srsCommand } = await import('../../../lib/cli/srs.js');
  t.match(srsCommand.help, /--tls-cert FILE/);
  t.match(srsCommand.help, /--require-client-cert/);
});
