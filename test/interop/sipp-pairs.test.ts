/**
 * SIPp pairs for features tsip's stack implements, run against each other so both sides are known
 * to work in SIPp before tsip is put on either side:
 * - digest: uas-digest.xml challenges INVITEs, uac-digest.xml answers (tsip's HttpDigest);
 * - 100rel: uas-100rel.xml answers in a reliable 183, uac-100rel.xml PRACKs it (RFC 3262);
 * - REFER: refer-uac.xml transfers, refer-uas.xml accepts and reports by NOTIFY (RFC 3515);
 * - rejection: uas-reject.xml answers every INVITE with a chosen code (SRC failover tests);
 * - no answer: uas-silent.xml never answers; uac-cancel.xml CANCELs (200 + 487 + ACK).
 */
import t from 'tap';
import { describeSipp, requireTool, runSipp, startSipp } from './lib/index.js';
import { scenarioPath } from './lib/paths.js';

async function call(password: string, transport: 'u1' | 't1') {
  const uas = await startSipp({
    scenario: scenarioPath('uas-digest.xml'),
    transport,
    calls: 1,
    timeoutSeconds: 15,
    keys: { realm: 'tsip.test', auth_user: 'alice', auth_pass: 'secret' },
  });
  try {
    await uas.ready;
    const uac = await runSipp({
      scenario: scenarioPath('uac-digest.xml'),
      target: { host: '127.0.0.1', port: uas.localPort },
      transport,
      calls: 1,
      timeoutSeconds: 10,
      service: 'bob',
      auth: { username: 'alice', password },
    });
    return { uac, uas: await uas.result };
  } finally {
    await uas.stop();
  }
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: INVITE challenged with 401, retried with credentials, call completes`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const { uac, uas } = await call('secret', transport);
    t.equal(uac.successful, 1, 'UAC: 401, ACK, INVITE with Authorization, 200, ACK, BYE, 200', { sipp: describeSipp(uac) });
    t.equal(uas.successful, 1, 'UAS: verifyauth accepted the digest response', { sipp: describeSipp(uas) });
  });
}

t.test('a wrong password is refused', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const { uac, uas } = await call('wrong', 'u1');
  t.equal(uac.successful, 0, 'UAC did not get a call');
  t.match(uac.errorsTail, /403 Forbidden/, 'it got 403 for bad credentials');
  t.equal(uas.successful, 0, 'UAS did not count a successful call');
});

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: reliable 183 (100rel) is PRACKed, then 200, ACK, BYE`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const uas = await startSipp({ scenario: scenarioPath('uas-100rel.xml'), transport, calls: 1, timeoutSeconds: 15 });
    try {
      await uas.ready;
      const uac = await runSipp({
        scenario: scenarioPath('uac-100rel.xml'),
        target: { host: '127.0.0.1', port: uas.localPort },
        transport,
        calls: 1,
        timeoutSeconds: 10,
        service: 'bob',
      });
      t.equal(uac.successful, 1, 'UAC: 183 with RSeq, PRACK with RAck, 200s, ACK, BYE', { sipp: describeSipp(uac) });
      const got = await uas.result;
      t.equal(got.successful, 1, 'UAS: PRACK matched its RSeq; 200 built from the INVITE', { sipp: describeSipp(got) });
    } finally {
      await uas.stop();
    }
  });
}

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: in-dialog REFER, 202, NOTIFYs with sipfrag until terminated`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const uas = await startSipp({ scenario: scenarioPath('refer-uas.xml'), transport, calls: 1, timeoutSeconds: 15 });
    try {
      await uas.ready;
      const uac = await runSipp({
        scenario: scenarioPath('refer-uac.xml'),
        target: { host: '127.0.0.1', port: uas.localPort },
        transport,
        calls: 1,
        timeoutSeconds: 10,
        service: 'bob',
      });
      t.equal(uac.successful, 1, 'transferor: 202, NOTIFY 100 Trying, NOTIFY terminated 200 OK, BYE', { sipp: describeSipp(uac) });
      const got = await uas.result;
      t.equal(got.successful, 1, 'transferee: REFER accepted, both NOTIFYs answered 200', { sipp: describeSipp(got) });
    } finally {
      await uas.stop();
    }
  });
}

t.test('uas-reject answers INVITE with the chosen code and takes the ACK', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  for (const [code, reason] of [['503', 'Service Unavailable'], ['486', 'Busy Here']]) {
    const uas = await startSipp({
      scenario: scenarioPath('uas-reject.xml'),
      calls: 1,
      timeoutSeconds: 10,
      scenarioVars: { CODE: code, REASON: reason },
    });
    try {
      await uas.ready;
      // The plain SIPp UAC expects 200, so it fails on the rejection and shows what it got.
      const uac = await runSipp({ scenario: 'uac', target: { host: '127.0.0.1', port: uas.localPort }, calls: 1, timeoutSeconds: 8 });
      t.equal(uac.successful, 0, `${code}: the call is not established`);
      t.match(uac.errorsTail, new RegExp(`SIP/2\\.0 ${code} ${reason}`), `${code}: the UAC received "${code} ${reason}"`);
      const got = await uas.result;
      t.equal(got.successful, 1, `${code}: the rejecting side completed (final response, ACK)`, { sipp: describeSipp(got) });
    } finally {
      await uas.stop();
    }
  }
});

for (const transport of ['u1', 't1'] as const) {
  t.test(`${transport}: CANCEL of an unanswered INVITE: 200, 487, ACK`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const uas = await startSipp({ scenario: scenarioPath('uas-silent.xml'), transport, calls: 1, timeoutSeconds: 15, scenarioVars: { SILENCE_MS: 8000 } });
    try {
      await uas.ready;
      const uac = await runSipp({
        scenario: scenarioPath('uac-cancel.xml'),
        target: { host: '127.0.0.1', port: uas.localPort },
        transport,
        calls: 1,
        timeoutSeconds: 10,
        service: 'bob',
      });
      t.equal(uac.successful, 1, 'UAC: CANCEL answered 200, INVITE 487, ACK sent', { sipp: describeSipp(uac) });
      const got = await uas.result;
      t.equal(got.successful, 1, 'UAS: CANCEL matched the INVITE', { sipp: describeSipp(got) });
    } finally {
      await uas.stop();
    }
  });
}

t.test('uas-silent stays silent: the caller times out, the silent side ends normally', async (t) => {
  if (!requireTool(t, 'sipp')) return;
  const uas = await startSipp({ scenario: scenarioPath('uas-silent.xml'), calls: 1, timeoutSeconds: 10, scenarioVars: { SILENCE_MS: 1000 } });
  try {
    await uas.ready;
    const uac = await runSipp({
      scenario: 'uac',
      target: { host: '127.0.0.1', port: uas.localPort },
      calls: 1,
      timeoutSeconds: 8,
      extraArgs: ['-recv_timeout', '2500'],
    });
    t.equal(uac.successful, 0, 'no answer, no call');
    t.ok((uac.stats.failureReasons.FailedTimeoutOnRecv ?? 0) >= 1, 'the caller failed on its receive timeout', { reasons: uac.stats.failureReasons });
    t.equal((await uas.result).successful, 1, 'the silent side ended after SILENCE_MS without error');
  } finally {
    await uas.stop();
  }
});
