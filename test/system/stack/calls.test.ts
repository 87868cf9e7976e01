/**
 * Two SipStacks on loopback: calls and stand-alone requests over UDP and TCP, IPv4 and IPv6,
 * through a lossy link, CANCEL, and the live-object counts returning to zero.
 */
import t, { type Test } from 'tap';
import type { TransportProtocol } from '../../../include-types/settings.js';
import { SipStack } from '../../../lib/stack/index.js';
import { createAnsweringUas } from '../../../samples/lib/answering-uas.js';
import { startLossyProxy } from '../../helpers/lossy-udp-proxy.js';
import { buildRequest, placeCall, request, silentUser, sipUri } from '../../helpers/stack-uac.js';

// Short timers keep the test quick; retransmission behaviour is the same at any scale.
const timers = { t1: 40, t2: 320, t4: 200, trying100Delay: 200 };

async function pair(protocol: TransportProtocol, host = '127.0.0.1') {
  const uasStack = new SipStack({ iaps: [{ id: 'uas', listen: [{ protocol, address: host, port: 0 }] }], timers });
  const uacStack = new SipStack({ iaps: [{ id: 'uac', listen: [{ protocol, address: host, port: 0 }] }], timers });
  const uas = createAnsweringUas(uasStack, { host });
  uasStack.addUser(uas.user);
  uacStack.addUser(silentUser('uac'));
  await Promise.all([uasStack.start(), uacStack.start()]);
  const port = uasStack.boundAddresses('uas')[0].port;
  return { uasStack, uacStack, uas, port };
}

/** Waits until both stacks hold no transaction, dialog or pending INVITE (bounded). */
async function drained(t: Test, ...stacks: SipStack[]): Promise<void> {
  const deadline = Date.now() + 8000;
  const live = () => stacks.map((s) => { const st = s.stats(); return st.transactions.total + st.dialogs + st.dialogSets + st.pendingInvites + st.requestsInProgress; });
  while (live().some((n) => n > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.same(live(), stacks.map(() => 0), 'no live transactions, dialogs or pending INVITEs left');
  if (live().some((n) => n > 0)) t.comment(JSON.stringify(stacks.map((s) => ({ ...s.stats(), transport: undefined }))));
}

for (const [protocol, host] of [['udp', '127.0.0.1'], ['tcp', '127.0.0.1'], ['udp', '::1'], ['tcp', '::1']] as const) {
  t.test(`call over ${protocol} ${host}`, async (t) => {
    const { uasStack, uacStack, uas, port } = await pair(protocol, host);
    t.teardown(async () => { await uacStack.shutdown(); await uasStack.shutdown(); });
    const to = sipUri('bob', host, port, protocol === 'tcp' ? 'tcp' : undefined);
    const outcomes = await Promise.all([1, 2, 3].map(() => placeCall(uacStack, 'uac', to, { holdMs: 20, contactHost: host })));
    for (const o of outcomes) {
      t.equal(o.inviteStatus, 200, 'INVITE answered');
      t.equal(o.byeStatus, 200, 'BYE answered');
    }
    t.same(uas.counts, { invites: 3, acks: 3, byes: 3, options: 0, registers: 0, messages: 0, ackTimeouts: 0, hangups: 0 }, 'UAS saw INVITE, ACK, BYE of each call');
    await drained(t, uacStack, uasStack);
  });
}

t.test('OPTIONS and INVITE complete through a link that drops every 2nd datagram', async (t) => {
  const { uasStack, uacStack, uas, port } = await pair('udp');
  const proxy = await startLossyProxy({ host: '127.0.0.1', port }, 2);
  t.teardown(async () => { await uacStack.shutdown(); await uasStack.shutdown(); await proxy.close(); });
  const to = sipUri('bob', '127.0.0.1', proxy.port);
  const opt = await request(uacStack, 'uac', buildRequest('OPTIONS', to));
  t.equal(opt.status, 200, 'OPTIONS answered despite losses');
  const call = await placeCall(uacStack, 'uac', to, { holdMs: 10 });
  t.equal(call.inviteStatus, 200);
  t.equal(call.byeStatus, 200);
  t.ok(proxy.dropped.forward >= 1 && proxy.dropped.back >= 1, `datagrams were dropped both ways (${JSON.stringify(proxy.dropped)})`);
  t.equal(uas.counts.invites, 1, 'the INVITE retransmission was absorbed: one call for the UAS');
  t.equal(uas.counts.byes, 1);
});

t.test('a link that drops everything ends in Timeout (Timer F), not a hang', async (t) => {
  const { uasStack, uacStack, port } = await pair('udp');
  const proxy = await startLossyProxy({ host: '127.0.0.1', port }, 1);
  t.teardown(async () => { await uacStack.shutdown(); await uasStack.shutdown(); await proxy.close(); });
  const opt = await request(uacStack, 'uac', buildRequest('OPTIONS', sipUri('bob', '127.0.0.1', proxy.port)));
  t.equal(opt.error?.code, 'Timeout');
  t.ok(proxy.dropped.forward >= 5, `the request was retransmitted by Timer E (${proxy.dropped.forward} sends)`);
});

// Over TCP, since over UDP Timer D keeps the INVITE client transaction for 32 s whatever T1 is.
t.test('CANCEL: 200 to the CANCEL, 487 to the INVITE, the UAS user told', async (t) => {
  const uasStack = new SipStack({ iaps: [{ id: 'uas', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }] }], timers });
  const uacStack = new SipStack({ iaps: [{ id: 'uac', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }] }], timers });
  const uas = createAnsweringUas(uasStack, { host: '127.0.0.1', holdInvites: true });
  uasStack.addUser(uas.user);
  uacStack.addUser(silentUser('uac'));
  await Promise.all([uasStack.start(), uacStack.start()]);
  t.teardown(async () => { await uacStack.shutdown(); await uasStack.shutdown(); });
  const invite = buildRequest('INVITE', sipUri('bob', '127.0.0.1', uasStack.boundAddresses('uas')[0].port, 'tcp'), 'sip:uac@tsip.test', 'sip:uac@127.0.0.1;transport=tcp');
  const result = await new Promise<{ provisional: number[]; final?: number; cancelStatus?: number }>((resolve) => {
    const seen: { provisional: number[]; final?: number; cancelStatus?: number } = { provisional: [] };
    const out = uacStack.send('uac', invite, {
      onProvisional: (r) => {
        seen.provisional.push(r.status);
        out.cancel({
          onProvisional: () => undefined,
          onFinal: (c) => { seen.cancelStatus = c.status; },
          onTimeout: () => undefined,
          onTransportError: () => undefined,
        });
      },
      onFinal: (r) => { seen.final = r.status; setTimeout(() => resolve(seen), 50); },
      onTimeout: () => resolve(seen),
      onTransportError: () => resolve(seen),
    });
  });
  t.same(result.provisional, [100], '100 Trying sent by the server transaction after 200 ms');
  t.equal(result.cancelStatus, 200, 'CANCEL answered 200');
  t.equal(result.final, 487, 'INVITE answered 487');
  t.equal(uas.canceled, 1, 'the UAS user heard of the CANCEL');
  await drained(t, uacStack, uasStack);
});
