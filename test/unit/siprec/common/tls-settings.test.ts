/**
 * SIPREC TLS settings (lib/siprec/common/tls-settings.ts): checked up front with
 * SipError(InvalidArgument) naming the setting; the SRC's and SRS's Contacts name TLS / sips
 * (RFC 5630 §3.1.3); the stack checks a TLS hop given by name against that name (RFC 5922 §4).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { isSipError } from '../../../../include-types/errors.js';
import type { SrsEntrySettings } from '../../../../include-types/siprec.js';
import { loadTlsMaterial, srcTlsPlan, srsTlsPlan, uriWantsTls } from '../../../../lib/siprec/common/tls-settings.js';
import { srcContact, srcListen } from '../../../../lib/siprec/src/src-listen.js';
import { srsContact, srsUri } from '../../../../lib/siprec/srs/srs-contact.js';
import { SrcManager } from '../../../../lib/siprec/src/index.js';
import { Srs } from '../../../../lib/siprec/srs/index.js';
import { tlsServerName } from '../../../../lib/stack/next-hop.js';
import { testCerts } from '../../../helpers/tls-cert.js';

const certs = testCerts();

function invalidWith(t: Test, fn: () => unknown, message: RegExp, what: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  t.ok(isSipError(err, 'InvalidArgument'), `${what}: SipError(InvalidArgument)`);
  t.match((err as Error | undefined)?.message, message, what);
}

function entry(extra: Partial<SrsEntrySettings>): SrsEntrySettings {
  return { name: 'e1', srsUris: ['sip:srs@127.0.0.1:5060;transport=tls'], localAddress: '127.0.0.1', ...extra };
}

t.test('material: inline or files, checked', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsip-tls-settings-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'ca.pem');
  const junk = join(dir, 'junk.txt');
  writeFileSync(certFile, certs.cert);
  writeFileSync(keyFile, certs.key);
  writeFileSync(caFile, certs.ca);
  writeFileSync(junk, 'not a certificate');

  const fromFiles = loadTlsMaterial({ certFile, keyFile, caFile: [caFile, caFile] }, 'x');
  t.equal(fromFiles.cert?.toString(), certs.cert, 'certFile read');
  t.equal(fromFiles.key?.toString(), certs.key, 'keyFile read');
  t.equal(fromFiles.ca?.length, 2, 'every caFile read');
  t.same(loadTlsMaterial({ ca: certs.ca }, 'x'), { ca: [certs.ca] }, 'a CA alone (an SRC without client certificate)');

  invalidWith(t, () => loadTlsMaterial({ cert: certs.cert }, 'S.tls'), /S\.tls: a certificate needs its private key/, 'cert without key');
  invalidWith(t, () => loadTlsMaterial({ key: certs.key }, 'S.tls'), /a private key needs its certificate/, 'key without cert');
  invalidWith(t, () => loadTlsMaterial({ cert: certs.cert, certFile, key: certs.key }, 'S.tls'), /give cert or certFile, not both/, 'both inline and file');
  invalidWith(t, () => loadTlsMaterial({ certFile: join(dir, 'missing.pem'), key: certs.key }, 'S.tls'), /S\.tls\.certFile .*missing\.pem cannot be read \(ENOENT\)/, 'unreadable file');
  invalidWith(t, () => loadTlsMaterial({ caFile: junk }, 'S.tls'), /junk\.txt is not PEM/, 'a file that is not PEM');
  invalidWith(t, () => loadTlsMaterial({ ca: 'hello' }, 'S.tls'), /S\.tls\.ca is not PEM/, 'inline text that is not PEM');
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  invalidWith(t, () => loadTlsMaterial({ cert: certs.cert, key: other }, 'S.tls'), /the certificate, key or CA cannot be used/, 'a key that does not match the certificate');
});

t.test('SRC plan: TLS only when asked for; verify on by default; sips needs a certificate', async (t) => {
  t.equal(srcTlsPlan(entry({ srsUris: ['sip:srs@127.0.0.1:5060'] })), undefined, 'plain URIs, no tls settings: no TLS');
  const plain = srcTlsPlan(entry({}));
  t.same(plain, { client: { rejectUnauthorized: true }, port: 0 }, ';transport=tls alone: Node CAs, verified, no listener');
  const withCa = srcTlsPlan(entry({ tls: { ca: certs.ca, servername: 'srs.example.com', verify: false } }));
  t.same(withCa?.client, { ca: [certs.ca], rejectUnauthorized: false, servername: 'srs.example.com' });
  const mutual = srcTlsPlan(entry({ srsUris: ['sips:srs@127.0.0.1'], tls: { cert: certs.cert, key: certs.key, port: 5071 } }));
  t.same(mutual?.listener, { cert: certs.cert, key: certs.key }, 'a certificate: a listener too');
  t.equal(mutual?.port, 5071);
  invalidWith(t, () => srcTlsPlan(entry({ srsUris: ['sips:srs@127.0.0.1'], tls: { ca: certs.ca } })), /SrsEntrySettings\[e1\]\.tls: the sips: SRS URI sips:srs@127\.0\.0\.1 needs the SRC's certificate/, 'sips without certificate');
  invalidWith(t, () => srcTlsPlan(entry({ tls: { port: 70000 } })), /\.port must be an integer 0\.\.65535/, 'bad port');
  invalidWith(t, () => new SrcManager({ srs: [entry({ tls: { certFile: '/nonexistent/cert.pem', key: certs.key } })] }), /cannot be read/, 'new SrcManager checks the entries');
});

t.test('SRC sockets and Contact', async (t) => {
  const bound = [
    { protocol: 'udp' as const, address: '127.0.0.1', port: 5070 },
    { protocol: 'tcp' as const, address: '127.0.0.1', port: 5070 },
  ];
  const tlsBound = [...bound, { protocol: 'tls' as const, address: '127.0.0.1', port: 5071 }];
  const withCert = srcTlsPlan(entry({ tls: { cert: certs.cert, key: certs.key } }));
  t.same(srcListen(entry({ transport: 'tls' }), 5070, withCert).map((l) => `${l.protocol}:${l.port}`), ['tcp:5070', 'udp:5070', 'tls:0'], 'TLS on its own port');
  t.same(srcListen(entry({}), 5070, undefined).map((l) => l.protocol), ['udp', 'tcp'], 'no certificate: no TLS listener');
  t.equal(srcContact(entry({ srsUris: ['sips:srs@h'] }), tlsBound), '<sips:src@127.0.0.1:5071>;+sip.src', 'sips SRS: sips Contact');
  t.equal(srcContact(entry({}), tlsBound), '<sip:src@127.0.0.1:5071;transport=tls>;+sip.src', 'transport=tls SRS: TLS Contact');
  t.equal(srcContact(entry({}), bound), '<sip:src@127.0.0.1:5070;transport=tcp>;+sip.src', 'no TLS listener: TCP, never UDP');
  t.equal(srcContact(entry({ srsUris: ['sip:srs@h'] }), tlsBound), '<sip:src@127.0.0.1:5070>;+sip.src', 'no TLS wanted: as before');
  t.ok(uriWantsTls('<sip:srs@h;lr;Transport=TLS>') && uriWantsTls('SIPS:srs@h') && !uriWantsTls('sip:srs@h;transport=tcp'));
});

t.test('SRS plan and Contact', async (t) => {
  t.equal(srsTlsPlan({}), undefined);
  t.same(srsTlsPlan({ tls: { cert: certs.cert, key: certs.key, ca: certs.ca, requireClientCertificate: true, port: 5061 } }), {
    listener: { cert: certs.cert, key: certs.key, ca: [certs.ca], requireClientCertificate: true }, port: 5061,
  });
  invalidWith(t, () => srsTlsPlan({ transports: ['udp', 'tls'] }), /lists 'tls': SrsSettings\.tls needs a certificate and key/, "'tls' without settings");
  invalidWith(t, () => srsTlsPlan({ transports: ['udp'], tls: { cert: certs.cert, key: certs.key } }), /transports does not list 'tls'/, 'settings without tls transport');
  invalidWith(t, () => srsTlsPlan({ tls: { ca: certs.ca } }), /the SRS needs a certificate and key/, 'no certificate');
  invalidWith(t, () => srsTlsPlan({ tls: { cert: certs.cert, key: certs.key, requireClientCertificate: true } }), /requireClientCertificate needs ca or caFile/, 'mutual TLS without CA');
  invalidWith(t, () => new Srs({ host: '127.0.0.1', port: 0, dir: '/tmp/none', tls: { cert: certs.cert } }), /a certificate needs its private key/, 'new Srs checks them');

  const addrs = [{ protocol: 'udp', address: '::1', port: 5060 }, { protocol: 'tls', address: '::1', port: 5061 }];
  t.equal(srsUri(addrs, 'tls'), 'sip:srs@[::1]:5061;transport=tls');
  t.equal(srsUri(addrs, undefined, 'sips'), 'sips:srs@[::1]:5061');
  t.equal(srsContact(addrs, 'tls', 'sips:srs@[::1]:5061'), '<sips:srs@[::1]:5061>;+sip.srs', 'sips request over TLS: sips Contact');
  t.equal(srsContact(addrs, 'tls', 'sip:srs@[::1]:5061;transport=tls'), '<sip:srs@[::1]:5061;transport=tls>;+sip.srs', 'the Contact names TLS');
  t.equal(srsContact(addrs, 'udp', 'sip:srs@[::1]'), '<sip:srs@[::1]:5060>;+sip.srs');
  t.throws(() => srsUri(addrs, 'tcp'), /no tcp socket/);
});

t.test('the stack names a TLS hop by the URI host (RFC 5922 §4)', async (t) => {
  t.equal(tlsServerName({ host: 'srs.example.com', secure: true }), 'srs.example.com');
  t.equal(tlsServerName({ host: 'srs.example.com.', secure: true }), 'srs.example.com', 'trailing dot dropped');
  t.equal(tlsServerName({ host: '192.0.2.1', secure: true }), undefined, 'IP literal: checked against IP subjectAltNames');
  t.equal(tlsServerName({ host: '[2001:db8::1]', secure: true }), undefined);
});
