/**
 * The INVITE server transaction's 100 Trying delay (RFC 3261 §17.2.1) starts after the stack has
 * offered the INVITE to its user: a user that answers at once costs no timer, one that holds the
 * INVITE still gets 100 Trying exactly `trying100Delay` later (FakeClock).
 */
import t, { type Test } from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { parseMessage, type SipResponse } from '../../../lib/message/index.js';
import { SipStack } from '../../../lib/stack/index.js';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { createAnsweringUas } from '../../../lib/cli/answering-uas.js';

/** A distinctive delay, so its timers can be told from the others on the clock. */
const TRYING_DELAY = 123;

/** A FakeClock that counts the timers set for `ms`. */
class CountingClock extends FakeClock {
  counts = new Map<number, number>();
  override setTimer(fn: () => void, ms: number) {
    this.counts.set(ms, (this.counts.get(ms) ?? 0) + 1);
    return super.setTimer(fn, ms);
  }
}

function invite(localPort: number, callId: string): string {
  return [
    'INVITE sip:bob@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK${callId};rport`,
    'Max-Forwards: 70',
    'From: <sip:alice@tsip.test>;tag=a1',
    'To: <sip:bob@tsip.test>',
    `Call-ID: ${callId}@tsip.test`,
    'CSeq: 1 INVITE',
    `Contact: <sip:alice@127.0.0.1:${localPort}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function setup(t: Test, holdInvites: boolean) {
  const clock = new CountingClock(1000);
  const stack = new SipStack({
    iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }],
    clock,
    timers: { trying100Delay: TRYING_DELAY },
  });
  const uas = createAnsweringUas(stack, { host: '127.0.0.1', holdInvites });
  stack.addUser(uas.user);
  await stack.start();
  const port = stack.boundAddresses('main')[0].port;
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const got: SipResponse[] = [];
  sock.on('message', (buf) => {
    const m = parseMessage(buf);
    if (m.isResponse()) got.push(m);
  });
  t.teardown(async () => {
    sock.close();
    await stack.shutdown({ graceMs: 0 });
  });
  const send = (text: string) => sock.send(Buffer.from(text), port, '127.0.0.1');
  return { clock, uas, got, send, localPort: sock.address().port };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('an INVITE answered at once sets no 100 Trying timer', async (t) => {
  const { clock, got, send, localPort } = await setup(t, false);
  for (let i = 0; i < 3; i++) send(invite(localPort, `now${i}`));
  await until(() => got.filter((r) => r.status === 200).length === 3);
  t.equal(clock.counts.get(TRYING_DELAY) ?? 0, 0, 'no timer for the 100 Trying delay');
  clock.advance(TRYING_DELAY * 2);
  await new Promise((r) => setTimeout(r, 50));
  t.same(got.map((r) => r.status), [200, 200, 200], 'no 100 Trying after the answer');
});

t.test('a held INVITE gets 100 Trying exactly trying100Delay after it arrived', async (t) => {
  const { clock, uas, got, send, localPort } = await setup(t, true);
  send(invite(localPort, 'held'));
  await until(() => uas.held.length === 1);
  clock.advance(TRYING_DELAY - 1);
  await new Promise((r) => setTimeout(r, 50));
  t.same(got.map((r) => r.status), [], 'nothing before the delay');
  clock.advance(1);
  await until(() => got.length === 1);
  t.equal(got[0].status, 100);
  t.equal(got[0].to.tag, undefined, 'no To tag in the automatic 100 (§8.2.6.1)');
});
