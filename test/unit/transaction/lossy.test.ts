/**
 * Randomised lossy network: two layers back to back lose a seeded random share of every message.
 * Whatever is lost, each client TU hears exactly one outcome (one final response or a timeout,
 * then `terminated`), and both layers end with no transaction and no timer.
 */
import t from 'tap';
import { SipRequest } from '../../../lib/message/index.js';
import { ClientRecorder, flush, makeRequest, pair, reply } from './harness.js';

/** mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Scenario = 'reject' | 'accept' | 'options';

async function run(seed: number, scenario: Scenario, loss: number) {
  const p = pair('udp');
  const rnd = prng(seed);
  p.uacT.dropIf = () => rnd() < loss;
  p.uasT.dropIf = () => rnd() < loss;
  p.ctl.onArrival = (d, req) => {
    if (d.kind !== 'new') return;
    if (scenario === 'options') d.tx.respond(reply(req, 200));
    else if (scenario === 'reject') {
      d.tx.respond(reply(req, 180));
      d.tx.respond(reply(req, 486));
    } else if (d.tx.kind === 'ist') {
      p.uas.retransmit2xxUntilAck(d.tx, reply(req, 200, 'uas'));
    }
  };
  const user = new ClientRecorder();
  const req = makeRequest({ method: scenario === 'options' ? 'OPTIONS' : 'INVITE' });
  // the UAC TU ACKs every 2xx straight through the transport (what the dialog layer does)
  const onFinal = user.onFinal.bind(user);
  user.onFinal = (res) => {
    onFinal(res);
    if (scenario === 'accept' && res.status < 300) {
      const ack = new SipRequest({
        method: 'ACK',
        uri: req.uri.clone(),
        headers: [
          ['Via', `SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKack${user.events.length}`],
          ['From', req.headers.get('From') ?? ''],
          ['To', res.headers.get('To') ?? ''],
          ['Call-ID', req.callId],
          ['CSeq', `${req.cseq.seq} ACK`],
          ['Max-Forwards', '70'],
        ],
      });
      void p.uacT.sendRequest(ack, p.target);
    }
  };
  p.uac.sendRequest(req, p.target, user);
  for (let i = 0; i < 1300; i++) {
    await p.step(100);
    if (p.uac.stats().total + p.uas.stats().total === 0 && p.clock.pending() === 0) break;
  }
  return { p, user };
}

for (const scenario of ['options', 'reject', 'accept'] as const) {
  t.test(`lossy network (${scenario}): one outcome per client, nothing left behind`, async (t) => {
    const problems: string[] = [];
    let dropped = 0;
    let finalsSeen = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const loss = 0.15 + (seed % 4) * 0.1; // 15 % .. 45 %
      const { p, user } = await run(seed, scenario, loss);
      await flush();
      const outcomes = user.events.filter((e) => e.startsWith('final:') || e.startsWith('timeout:'));
      const finals = outcomes.filter((e) => e.startsWith('final:'));
      const expectFinal = scenario === 'options' ? 'final:200' : scenario === 'reject' ? 'final:486' : 'final:200';
      const bad =
        user.events.at(-1) !== 'terminated' ||
        user.events.filter((e) => e === 'terminated').length !== 1 ||
        outcomes.length === 0 ||
        (scenario !== 'accept' && outcomes.length !== 1) ||
        finals.some((f) => f !== expectFinal) ||
        (outcomes.some((o) => o.startsWith('timeout:')) && finals.length > 0) ||
        p.uac.stats().total + p.uas.stats().total !== 0 ||
        p.clock.pending() !== 0;
      dropped += [...p.uacT.sent, ...p.uasT.sent].filter((r) => r.dropped).length;
      if (finals.length > 0) finalsSeen++;
      if (bad) problems.push(`seed ${seed}: ${user.events.join(',')} uac=${JSON.stringify(p.uac.stats())} uas=${JSON.stringify(p.uas.stats())} timers=${p.clock.pending()}`);
    }
    t.same(problems, [], 'every seed ends cleanly');
    t.ok(dropped > 60, `messages were really lost (${dropped})`);
    t.ok(finalsSeen > 30, `most seeds still got their final response (${finalsSeen}/60)`);
  });
}
