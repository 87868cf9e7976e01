/**
 * The digest SIPp pair (uas-digest.xml challenges INVITEs, uac-digest.xml answers), run against
 * each other so both are known to work in SIPp before tsip's HttpDigest is put on either side.
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
