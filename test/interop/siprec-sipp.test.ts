/**
 * The SIPREC SIPp scenarios, run against each other on loopback. SIPp has no dry-run check of a
 * scenario file, so this is how we know srs-uas.xml, src-uac.xml and src-uac-badmeta.xml load and
 * work in SIPp itself before tsip's SrcManager and Srs are put on either side of them:
 * - src-uac -> srs-uas: the SRS's RFC 7866 checks pass and the recording session completes;
 * - src-uac-pause -> srs-uas: pause (a=inactive) and resume by re-INVITE, metadata by UPDATE;
 * - src-uac-badmeta -> srs-uas: the SRS answers 400 and the SRC expects exactly that;
 * - a plain (non-SIPREC) INVITE -> srs-uas: the SRS's checks fail it, so they really check;
 * - src-uac -> Kamailio (registrar.cfg, record-routing) -> srs-uas: the ~3 kB multipart INVITE
 *   and the in-dialog ACK/BYE survive a real proxy, over UDP and TCP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import t from 'tap';
import {
  describeSipp,
  hasIpv6Loopback,
  requireTool,
  runSipp,
  startKamailio,
  startSipp,
  type SippTransport,
} from './lib/index.js';
import { kamailioConfig, scenarioPath } from './lib/paths.js';

/** IPv6 loopback may be disabled in a container: then the ::1 tests skip, saying why. */
const ipv6Skip = (await hasIpv6Loopback()) ? false : '::1 cannot be bound on this machine (IPv6 disabled)';

/** Starts srs-uas.xml for `calls` recording sessions and runs `uac` against it. */
async function srsAgainst(uac: string, transport: SippTransport, extraArgs: string[] = [], host = '127.0.0.1') {
  const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport, calls: 1, timeoutSeconds: 20, localHost: host });
  try {
    await srs.ready;
    const src = await runSipp({
      scenario: uac === 'uac' || isAbsolute(uac) ? uac : scenarioPath(uac),
      target: { host, port: srs.localPort },
      localHost: host,
      transport,
      calls: 1,
      timeoutSeconds: 15,
      extraArgs,
    });
    return { src, srs: await srs.result };
  } finally {
    await srs.stop();
  }
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: src-uac records to srs-uas`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { src, srs } = await srsAgainst('src-uac.xml', transport);
    t.equal(srs.successful, 1, 'SRS: INVITE passed every SIPREC check; 200, ACK, BYE, 200', { sipp: describeSipp(srs) });
    t.equal(src.successful, 1, 'SRC: 200 with +sip.srs and two labelled recvonly streams', { sipp: describeSipp(src) });
    t.equal(src.failed + srs.failed, 0, 'no failed call on either side');
  });

  t.test(`${transport}: src-uac-pause pauses, resumes and updates the recording`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { src, srs } = await srsAgainst('src-uac-pause.xml', transport);
    t.equal(src.successful, 1, 'SRC: pause answered inactive, resume recvonly, UPDATE 200, BYE 200', { sipp: describeSipp(src) });
    t.equal(srs.successful, 1, 'SRS: re-INVITEs and UPDATE handled in the session until BYE', { sipp: describeSipp(srs) });
  });

  t.test(`${transport}: src-uac-badmeta is refused with 400`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { src, srs } = await srsAgainst('src-uac-badmeta.xml', transport);
    t.equal(src.successful, 1, 'SRC got the 400 it expects and ACKed it', { sipp: describeSipp(src) });
    t.equal(srs.successful, 1, 'SRS took the reject path (400, ACK)', { sipp: describeSipp(srs) });
  });
}

t.test('src-uac records to srs-uas over IPv6 loopback (::1)', { skip: ipv6Skip }, async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const { src, srs } = await srsAgainst('src-uac.xml', 'u1', [], '::1');
  t.equal(srs.successful, 1, 'SRS checks passed over [::1]', { sipp: describeSipp(srs) });
  t.equal(src.successful, 1, 'SRC completed over [::1]', { sipp: describeSipp(src) });
});

t.test('srs-uas fails a plain INVITE (no Require: siprec, no +sip.src, no metadata)', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  // The SRS aborts the call without answering, so bound the plain UAC's wait for a response.
  const { src, srs } = await srsAgainst('uac', 'u1', ['-recv_timeout', '2000', '-max_retrans', '1']);
  t.equal(srs.failed, 1, 'SRS rejected the call on its checks', { sipp: describeSipp(srs) });
  const reasons = srs.stats.failureReasons;
  const byCheck = (reasons.FailedRegexpDoesntMatch ?? 0) + (reasons.FailedRegexpHdrNotFound ?? 0);
  t.ok(byCheck >= 1, 'because a check_it regexp failed (Require: missing -> header not found)', {
    reasons: srs.stats.failureReasons,
  });
  t.equal(src.successful, 0, 'the plain UAC did not get a call through');
});

t.test('src-uac records to srs-uas through Kamailio (registrar.cfg, record-routing proxy)', async (t) => {
  if (!requireTool(t, 'sipp') || !requireTool(t, 'kamailio')) return;
  const k = await startKamailio({
    config: kamailioConfig('registrar.cfg'),
    vars: { USER1: 'alice', PASSWORD1: 'secret', USER2: 'srs', PASSWORD2: 'srssecret' },
  });
  t.teardown(() => k.stop());
  for (const transport of ['u1', 't1'] as const) {
    const srs = await startSipp({ scenario: scenarioPath('srs-uas.xml'), transport, calls: 1, timeoutSeconds: 20 });
    try {
      await srs.ready;
      const reg = await runSipp({
        scenario: scenarioPath('register-auth.xml'),
        target: k,
        transport,
        calls: 1,
        timeoutSeconds: 10,
        service: 'srs',
        auth: { username: 'srs', password: 'srssecret' },
        keys: { contact_port: srs.localPort, expires: 60 },
      });
      t.equal(reg.successful, 1, `${transport}: the SRS registered`, { sipp: describeSipp(reg) });
      const src = await runSipp({ scenario: scenarioPath('src-uac.xml'), target: k, transport, calls: 1, timeoutSeconds: 15 });
      t.equal(src.successful, 1, `${transport}: SRC completed the recording session via the proxy`, { sipp: describeSipp(src) });
      const got = await srs.result;
      t.equal(got.successful, 1, `${transport}: SRS checks passed on the proxied INVITE`, { sipp: describeSipp(got) });
    } finally {
      await srs.stop();
    }
  }
});

/**
 * Each RFC 7866 check of srs-uas.xml bites on its own: src-uac.xml with exactly one thing broken
 * must fail at the SRS. (The SRS aborts such a call without answering, so the SRC's wait is short.)
 */
const BROKEN_SRC: ReadonlyArray<[string, (xml: string) => string]> = [
  ['no Require: siprec', (x) => x.replace('Require: siprec\n', '')],
  ['no +sip.src in Contact', (x) => x.replace(';+sip.src\n      Require', '\n      Require')],
  ['not multipart/mixed', (x) => x.replace('Content-Type: multipart/mixed;boundary=tsip-siprec-boundary', 'Content-Type: multipart/related;boundary=tsip-siprec-boundary')],
  ['no a=label', (x) => x.replaceAll('a=label:', 'a=xlabel:')],
  ['no a=sendonly', (x) => x.replaceAll('a=sendonly', 'a=sendrecv')],
  ['no recording-session disposition', (x) => x.replace('Content-Disposition: recording-session', 'Content-Disposition: render')],
  ['metadata not application/rs-metadata+xml', (x) => x.replace('Content-Type: application/rs-metadata+xml', 'Content-Type: application/xml')],
];

t.test('srs-uas rejects an INVITE missing any one SIPREC requirement', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const dir = mkdtempSync(join(tmpdir(), 'tsip-broken-src-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const original = readFileSync(scenarioPath('src-uac.xml'), 'latin1');
  for (const [what, breakIt] of BROKEN_SRC) {
    // Break the scenario itself, not the header comment that describes it.
    const at = original.indexOf('<scenario');
    const broken = original.slice(0, at) + breakIt(original.slice(at));
    t.not(broken, original, `${what}: the variant differs from src-uac.xml`);
    const file = join(dir, `${what.replace(/[^a-z0-9]+/gi, '-')}.xml`);
    writeFileSync(file, broken, 'latin1');
    const { srs } = await srsAgainst(file, 'u1', ['-recv_timeout', '1500', '-max_retrans', '1']);
    t.equal(srs.successful, 0, `${what}: the SRS does not accept it`, { sipp: describeSipp(srs) });
    t.equal(srs.failed, 1, `${what}: the SRS fails the call on its check`);
  }
});
