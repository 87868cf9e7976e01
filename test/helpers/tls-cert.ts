/**
 * Test-time TLS material: a throw-away CA and a server certificate it signed, for 127.0.0.1, ::1
 * and localhost, made with the `openssl` command in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM strings of a test CA and a server certificate/key signed by it. */
export interface TestCerts {
  /** CA certificate, to trust on the client side. */
  ca: string;
  /** Server certificate (SAN: 127.0.0.1, ::1, localhost). */
  cert: string;
  /** Server private key. */
  key: string;
  /** A second, unrelated CA, for "untrusted" tests. */
  otherCa: string;
}

let cached: TestCerts | undefined;

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 30000 });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
  ]);
}

/** Creates (once per process) the test certificates; the temporary directory is removed again. */
export function testCerts(): TestCerts {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'tsip-tls-'));
  try {
    makeCa(dir, 'tsip-test-ca');
    makeCa(dir, 'tsip-other-ca');
    openssl(dir, [
      'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost',
    ]);
    writeFileSync(
      join(dir, 'ext.cnf'),
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
    );
    openssl(dir, [
      'x509', '-req', '-in', 'server.csr', '-CA', 'tsip-test-ca.pem', '-CAkey', 'tsip-test-ca.key',
      '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf',
    ]);
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    cached = {
      ca: read('tsip-test-ca.pem'),
      cert: read('server.pem'),
      key: read('server.key'),
      otherCa: read('tsip-other-ca.pem'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
