/**
 * Cleanup timers of every machine on an unreliable and a reliable transport, measured to the
 * millisecond (RFC 3261 Table 4, RFC 6026 Timers L and M), and the lost-ACK path.
 */
import t from 'tap';
import type { TransportProtocol } from '../../../include-types/settings.js';
import type { SipRequest } from '../../../lib/message/index.js';
import type { Transaction } from '../../../lib/transaction/transaction.js';
import { ClientRecorder, drain, flush, makeRequest, pair, reply, single, source, target } from './harness.js';

/**
 * How long after the last input the transaction takes to reach Terminated, in fake ms, once
 * pending sends settled (a 0 timer on a reliable transport ends it when the transport took the
 * last message).
 */
async function lifetime(clock: { advance(ms: number): number }, tx: Transaction, limit = 100_000): Promise<number> {
  await flush();
  for (let ms = 0; ms <= limit; ms++) {
    if (tx.terminated) return ms;
    clock.advance(1);
  }
  return -1;
}

function ackFor(inv: SipRequest): SipRequest {
  const a = inv.clone();
  a.method = 'ACK';
  a.cseq = { seq: inv.cseq.seq, method: 'ACK' };
  return a;
}

const cases: Array<[TransportProtocol, { D: number; K: number; I: number; J: number; L: number; M: number }]> = [
  ['udp', { D: 32_000, K: 5_000, I: 5_000, J: 32_000, L: 32_000, M: 32_000 }],
  ['tcp', { D: 0, K: 0, I: 0, J: 0, L: 32_000, M: 32_000 }],
];

for (const [proto, want] of cases) {
  t.test(`cleanup timers over ${proto}`, async (t) => {
    const { clock, layer } = single();
    // D: INVITE client, non-2xx
    const inv = makeRequest();
    const ict = layer.sendRequest(inv, target(proto), new ClientRecorder());
    layer.receiveResponse(reply(inv, 486), source(proto));
    t.equal(await lifetime(clock, ict), want.D, 'Timer D');
    // M: INVITE client, 2xx
    const inv2 = makeRequest();
    const ict2 = layer.sendRequest(inv2, target(proto), new ClientRecorder());
    layer.receiveResponse(reply(inv2, 200), source(proto));
    t.equal(await lifetime(clock, ict2), want.M, 'Timer M');
    // K: non-INVITE client
    const opt = makeRequest({ method: 'OPTIONS' });
    const nict = layer.sendRequest(opt, target(proto), new ClientRecorder());
    layer.receiveResponse(reply(opt, 200), source(proto));
    t.equal(await lifetime(clock, nict), want.K, 'Timer K');
    // I: INVITE server, ACK for non-2xx
    const sinv = makeRequest({ transport: proto.toUpperCase() });
    const d1 = layer.receiveRequest(sinv, source(proto));
    if (d1.kind !== 'new') throw new Error('new expected');
    d1.tx.respond(reply(sinv, 404));
    layer.receiveRequest(ackFor(sinv), source(proto));
    t.equal(await lifetime(clock, d1.tx), want.I, 'Timer I');
    // L: INVITE server, 2xx
    const sinv2 = makeRequest({ transport: proto.toUpperCase() });
    const d2 = layer.receiveRequest(sinv2, source(proto));
    if (d2.kind !== 'new') throw new Error('new expected');
    d2.tx.respond(reply(sinv2, 200));
    t.equal(await lifetime(clock, d2.tx), want.L, 'Timer L');
    // J: non-INVITE server
    const sopt = makeRequest({ method: 'OPTIONS', transport: proto.toUpperCase() });
    const d3 = layer.receiveRequest(sopt, source(proto));
    if (d3.kind !== 'new') throw new Error('new expected');
    d3.tx.respond(reply(sopt, 200));
    t.equal(await lifetime(clock, d3.tx), want.J, 'Timer J');
    t.equal(layer.stats().total, 0);
    t.equal(clock.pending(), 0, 'no timer left behind');
  });
}

t.test('a larger T1 stretches Timer D beyond 32 s (server retransmits for 64*T1)', async (t) => {
  const { clock, layer } = single({ timers: { t1: 1000, t2: 4000 } });
  const inv = makeRequest();
  const ict = layer.sendRequest(inv, target('udp'), new ClientRecorder());
  layer.receiveResponse(reply(inv, 486), source());
  t.equal(await lifetime(clock, ict), 64_000);
});

t.test('end to end: a lost ACK is recovered by Timer G and the ICT re-ACKing', async (t) => {
  const p = pair('udp');
  p.ctl.onArrival = (d, req) => {
    if (d.kind === 'new') d.tx.respond(reply(req, 486));
  };
  // sends of the UAC: 1 INVITE, 2 ACK (lost)
  p.uacT.dropNth(2);
  const user = new ClientRecorder();
  p.uac.sendRequest(makeRequest(), p.target, user);
  await p.step(0);
  await p.step(0);
  t.same(user.events, ['final:486']);
  const d = p.arrivals[0];
  if (d.kind !== 'new') return t.fail('expected new');
  t.equal(d.tx.rfcState, 'Completed', 'ACK lost: still Completed');
  await p.step(500);
  await p.step(0);
  t.equal(p.uacT.requests('ACK').length, 2, 'the retransmitted 486 drew a second ACK');
  t.equal(d.tx.rfcState, 'Confirmed');
  t.same(user.events, ['final:486'], 'the retransmission was not passed to the TU');
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('end to end over TCP: rejected INVITE and an OPTIONS leave nothing behind without any clock advance', async (t) => {
  const p = pair('tcp');
  p.ctl.onArrival = (d, req) => {
    if (d.kind !== 'new') return;
    if (d.tx.kind === 'ist') {
      d.tx.respond(reply(req, 180));
      d.tx.respond(reply(req, 486));
    } else d.tx.respond(reply(req, 200));
  };
  const iu = new ClientRecorder();
  const ou = new ClientRecorder();
  p.uac.sendRequest(makeRequest({ transport: 'TCP' }), p.target, iu);
  p.uac.sendRequest(makeRequest({ method: 'OPTIONS', transport: 'TCP' }), p.target, ou);
  for (let i = 0; i < 5; i++) await p.step(0);
  t.same(iu.events, ['provisional:180', 'final:486', 'terminated']);
  t.same(ou.events, ['final:200', 'terminated']);
  t.same(p.arrivals.map((a) => a.kind).sort(), ['absorbed', 'new', 'new'], 'INVITE, OPTIONS, the ACK absorbed');
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
  t.equal(p.clock.pending(), 0, 'Timers D, I, J, K are all 0 on TCP');
  t.equal(p.clock.now(), 0);
});
