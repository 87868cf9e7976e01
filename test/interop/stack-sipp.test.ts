/**
 * The SipStack against real SIPp: tsip answers `sipp -sn uac` over UDP and TCP, and tsip calls
 * `sipp -sn uas`, with no failed calls either way (issue 4).
 */
import t from 'tap';
import type { TransportProtocol } from '../../include-types/settings.js';
import { SipStack } from '../../lib/stack/index.js';
import { createAnsweringUas } from '../../samples/lib/answering-uas.js';
import { placeCall, silentUser, sipUri } from '../helpers/stack-uac.js';
import { describeSipp, requireTool, runSipp, startSipp, type SippTransport } from './lib/index.js';

const SIPP_TRANSPORT: Record<'udp' | 'tcp', SippTransport> = { udp: 'u1', tcp: 't1' };

for (const protocol of ['udp', 'tcp'] as const) {
  t.test(`tsip UAS answers sipp -sn uac over ${protocol}`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const stack = new SipStack({ iaps: [{ id: 'uas', listen: [{ protocol: protocol as TransportProtocol, address: '127.0.0.1', port: 0 }] }] });
    const uas = createAnsweringUas(stack, { host: '127.0.0.1' });
    stack.addUser(uas.user);
    await stack.start();
    t.teardown(() => stack.shutdown());
    const port = stack.boundAddresses('uas')[0].port;
    const r = await runSipp({ scenario: 'uac', target: { host: '127.0.0.1', port }, transport: SIPP_TRANSPORT[protocol], calls: 100, rate: 100, limit: 50, timeoutSeconds: 30 });
    t.equal(r.successful, 100, '100 successful calls', { sipp: describeSipp(r) });
    t.equal(r.failed, 0, 'no failed call', { sipp: describeSipp(r) });
    t.equal(r.exitCode, 0, 'sipp exits 0');
    t.same([uas.counts.invites, uas.counts.acks, uas.counts.byes], [100, 100, 100], 'the UAS saw every INVITE, ACK and BYE once');
  });

  t.test(`tsip UAC calls sipp -sn uas over ${protocol}`, async (t) => {
    if (!requireTool(t, 'sipp')) return;
    const sipp = await startSipp({ scenario: 'uas', transport: SIPP_TRANSPORT[protocol], calls: 20, timeoutSeconds: 30 });
    await sipp.ready;
    const stack = new SipStack({ iaps: [{ id: 'uac', listen: [{ protocol: protocol as TransportProtocol, address: '127.0.0.1', port: 0 }] }] });
    stack.addUser(silentUser('uac'));
    await stack.start();
    t.teardown(async () => { await stack.shutdown(); await sipp.stop(); });
    const to = sipUri('service', '127.0.0.1', sipp.localPort, protocol === 'tcp' ? 'tcp' : undefined);
    const outcomes = [];
    for (let i = 0; i < 20; i += 5) {
      outcomes.push(...(await Promise.all([0, 1, 2, 3, 4].map(() => placeCall(stack, 'uac', to, { holdMs: 10 })))));
    }
    t.equal(outcomes.filter((o) => o.inviteStatus === 200).length, 20, 'every INVITE answered 200 by SIPp');
    t.equal(outcomes.filter((o) => o.byeStatus === 200).length, 20, 'every BYE answered 200 by SIPp');
    const r = await sipp.result;
    t.equal(r.successful, 20, 'SIPp counts 20 successful calls', { sipp: describeSipp(r) });
    t.equal(r.failed, 0, 'SIPp counts no failed call', { sipp: describeSipp(r) });
  });
}
