/** 2xx retransmission until ACK (RFC 3261 §13.3.1.4 under RFC 6026) and 2xx end to end. */
import t from 'tap';
import type { SipRequest } from '../../../lib/message/index.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import { dialogAckKey } from '../../../lib/transaction/matching.js';
import { ClientRecorder, drain, flush, makeRequest, pair, reply, single, source } from './harness.js';

function ack2xx(invite: SipRequest, toTag: string): SipRequest {
  return makeRequest({ method: 'ACK', branch: 'z9hG4bKack' + toTag, callId: invite.callId, cseq: invite.cseq.seq, fromTag: invite.from.tag, toTag });
}

function newIst(layer: ReturnType<typeof single>['layer'], req: SipRequest, proto: 'udp' | 'tcp' = 'udp'): InviteServerTransaction {
  const d = layer.receiveRequest(req, source(proto));
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected a new INVITE server transaction');
  return d.tx;
}

t.test('retransmits at T1 doubling to T2 and stops at the ACK', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = newIst(layer, inv);
  const ok = reply(inv, 200, 'uas');
  const key = layer.retransmit2xxUntilAck(tx, ok);
  t.equal(key, dialogAckKey(ok));
  t.equal(tx.rfcState, 'Accepted');
  t.equal(layer.stats().retransmitting2xx, 1);
  clock.advance(8000);
  t.same(transport.responseTimes(200), [0, 500, 1500, 3500, 7500]);
  const d = layer.receiveRequest(ack2xx(inv, 'uas'), source());
  t.same(d, { kind: 'ack2xx', retransmissionStopped: true });
  clock.advance(20_000);
  t.equal(transport.responses(200).length, 5, 'no more after the ACK');
  t.equal(layer.stats().retransmitting2xx, 0);
  t.same(layer.receiveRequest(ack2xx(inv, 'uas'), source()), { kind: 'ack2xx', retransmissionStopped: false }, 'ACK retransmission');
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('an ACK for another dialog does not stop it', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = newIst(layer, inv);
  layer.retransmit2xxUntilAck(tx, reply(inv, 200, 'uas'));
  t.equal(layer.receiveRequest(ack2xx(inv, 'other'), source()).kind, 'ack2xx');
  clock.advance(600);
  t.equal(transport.responses(200).length, 2);
  layer.close();
  t.equal(layer.stats().total, 0);
});

t.test('no ACK in 64*T1: retransmissions T2-capped, then onAckTimeout', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = newIst(layer, inv, 'tcp');
  let timedOut = 0;
  layer.retransmit2xxUntilAck(tx, reply(inv, 200), { onAckTimeout: () => timedOut++ });
  clock.advance(31_999);
  t.same(transport.responseTimes(200), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], 'also over TCP: the 2xx is end to end');
  t.equal(timedOut, 0);
  clock.advance(1);
  t.equal(timedOut, 1);
  t.equal(layer.stats().total, 0, 'Timer L ended the transaction at the same time');
  t.equal(clock.pending(), 0);
});

t.test('stop2xxRetransmission and transport errors', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const key = layer.retransmit2xxUntilAck(newIst(layer, inv), reply(inv, 200));
  t.ok(layer.stop2xxRetransmission(key));
  t.notOk(layer.stop2xxRetransmission(key));
  clock.advance(1000);
  t.equal(transport.responses(200).length, 1);

  const inv2 = makeRequest();
  const errors: string[] = [];
  transport.failNth(transport.sent.length + 2);
  layer.retransmit2xxUntilAck(newIst(layer, inv2), reply(inv2, 200), { onTransportError: (e) => errors.push(e.code) });
  clock.advance(500);
  await flush();
  t.same(errors, ['TransportError']);
  t.equal(layer.stats().retransmitting2xx, 0, 'a failed retransmission stops it');
  t.throws(() => layer.retransmit2xxUntilAck(newIst(layer, makeRequest()), reply(inv, 486)), { code: 'InvalidArgument' });
  layer.close();
});

t.test('end to end: lost 200 is retransmitted by the UAS core; the UAC TU sees every 2xx', async (t) => {
  const p = pair('udp');
  let ist: InviteServerTransaction | undefined;
  p.ctl.onArrival = (d, req) => {
    if (d.kind === 'new' && d.tx.kind === 'ist') {
      ist = d.tx;
      p.uas.retransmit2xxUntilAck(d.tx, reply(req, 200, 'uas'));
    }
  };
  p.uasT.dropNth(1);
  const user = new ClientRecorder();
  const inv = makeRequest();
  p.uac.sendRequest(inv, p.target, user);
  await p.step(0);
  t.same(user.events, [], '200 lost');
  await p.step(500);
  t.ok(ist);
  // the INVITE retransmission (Timer A) was absorbed by the Accepted server transaction
  t.same(p.arrivals.map((a) => a.kind), ['new', 'absorbed']);
  t.same(user.events, ['final:200'], 'the retransmitted 2xx arrived');
  await p.step(1000);
  t.same(user.events, ['final:200', 'final:200'], 'and the next one too: every 2xx goes to the TU');
  // the UAC TU ACKs (the dialog layer would send it through the transport)
  const d = p.uas.receiveRequest(ack2xx(inv, 'uas'), source());
  t.same(d, { kind: 'ack2xx', retransmissionStopped: true });
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('end to end: forked 2xx from two UAS both reach the UAC TU in Accepted; a late one is stray', async (t) => {
  const { layer, clock } = single();
  const user = new ClientRecorder();
  const inv = makeRequest();
  layer.sendRequest(inv, { protocol: 'udp', address: '198.51.100.1', port: 5060, iapId: 'x' }, user);
  layer.receiveResponse(reply(inv, 180, 'fork1'), source());
  layer.receiveResponse(reply(inv, 183, 'fork2'), source());
  layer.receiveResponse(reply(inv, 200, 'fork1'), source());
  clock.advance(10_000);
  layer.receiveResponse(reply(inv, 200, 'fork2'), source());
  t.same(user.events, ['provisional:180', 'provisional:183', 'final:200', 'final:200']);
  t.same(user.responses.map((r) => r.to.tag), ['fork1', 'fork2', 'fork1', 'fork2']);
  clock.advance(22_000);
  const late = layer.receiveResponse(reply(inv, 200, 'fork3'), source());
  t.equal(late.kind, 'stray', 'after Timer M a 2xx is stray (the dialog layer re-ACKs or BYEs it)');
  t.same(user.events.at(-1), 'terminated');
  t.equal(layer.stats().total, 0);
});

t.test('a 2xx whose wire form no longer parses stops with a transport error instead of throwing out of the timer', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = newIst(layer, inv);
  const errors: string[] = [];
  const key = layer.retransmit2xxUntilAck(tx, reply(inv, 200, 'uas'), { onTransportError: (e) => errors.push(e.code) });
  clock.advance(500); // first retransmission: the entry now keeps only the wire form
  t.equal(transport.responses(200).length, 2);
  // reach the entry the way nothing but a test may, and break its wire form
  const entries = (layer as unknown as { twoXx: { entries: Map<string, { response: { replaceWireForTest(w: string): void } }> } }).twoXx.entries;
  entries.get(key)?.response.replaceWireForTest('SIP/2.0 2000 not a status line\r\n\r\n');
  t.doesNotThrow(() => clock.advance(1000), 'the timer does not throw');
  t.equal(transport.responses(200).length, 2, 'nothing more sent');
  t.same(errors, ['TransportError'], 'the TU is told, as for a transport error');
  t.equal(layer.stats().retransmitting2xx, 0, 'the retransmission stopped');
  await drain(clock);
});

t.test('many 2xx waiting for their ACK share the layer queues: a few clock timers, exact times, the window still ends at 64*T1', async (t) => {
  const { layer, transport, clock } = single();
  const invites: SipRequest[] = [];
  for (let i = 0; i < 40; i++) {
    const inv = makeRequest();
    layer.retransmit2xxUntilAck(newIst(layer, inv), reply(inv, 200, `uas${i}`));
    invites.push(inv);
    clock.advance(5);
  }
  clock.advance(10_000);
  t.ok(clock.pending() <= 5, `${clock.pending()} clock timers for 40 retransmitting 2xx`);
  const callId = invites[0].callId;
  clock.advance(21_799); // just before the first one's window ends (32 s)
  const first = () => transport.sent.filter((s) => s.kind === 'response' && s.message.callId === callId).map((s) => s.at);
  t.same(first(), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.equal(layer.stats().retransmitting2xx, 40);
  // an ACK stops one in the middle of its queue wait
  t.same(layer.receiveRequest(ack2xx(invites[39], 'uas39'), source()), { kind: 'ack2xx', retransmissionStopped: true });
  clock.advance(1);
  t.equal(layer.stats().retransmitting2xx, 38, 'the first ended at 64*T1 exactly');
  t.same(first(), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], 'no send at its end');
  await drain(clock);
  t.equal(layer.stats().retransmitting2xx, 0);
  t.equal(clock.pending(), 0);
});

t.test('giveUpOldest against a model: random starts, ACKs, restarts and give-ups always take the oldest still waiting', async (t) => {
  const { clock } = single();
  const { TwoXxRetransmitter } = await import('../../../lib/transaction/retransmit-2xx.js');
  const { timerValues } = await import('../../../lib/transaction/timers.js');
  const { ExpiryQueue, ExpiryQueuesByDuration } = await import('../../../lib/transaction/expiry-queue.js');
  const timers = timerValues({});
  const t1 = new ExpiryQueue(clock, timers.t1, true);
  const byDuration = new ExpiryQueuesByDuration(clock, [t1]);
  const sent: string[] = [];
  const rx = new TwoXxRetransmitter({
    transport: { sendResponse: async () => undefined, sendRequest: async () => undefined } as never,
    clock, timers, logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
    queues: { timeout64: new ExpiryQueue(clock, timers.timeout64), t1, t4: new ExpiryQueue(clock, timers.t4), trying100: new ExpiryQueue(clock, timers.trying100Delay), backoff: (ms: number) => byDuration.get(ms) },
  });
  // a seeded generator: the same sequence on every run
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const model: string[] = []; // keys in start order, the oldest first
  const invites = new Map<string, SipRequest>();
  let mismatches = 0;
  for (let step = 0; step < 3000; step++) {
    const op = rand(10);
    if (op < 5) {
      const inv = makeRequest();
      const ok = reply(inv, 200, `t${step}`);
      const key = rx.start(ok, source(), { onAckTimeout: () => sent.push(key) });
      invites.set(key, inv);
      model.push(key);
    } else if (op < 7 && model.length > 0) {
      const key = model.splice(rand(model.length), 1)[0];
      if (!rx.stop(key)) mismatches++;
    } else if (op < 8 && model.length > 0) {
      // the same 2xx started again (a re-sent final response): it becomes the youngest
      const i = rand(model.length);
      const key = model[i];
      const inv = invites.get(key) as SipRequest;
      rx.start(reply(inv, 200, key.split('\n')[2]), source(), { onAckTimeout: () => sent.push(key) });
      model.splice(i, 1);
      model.push(key);
    } else {
      const expected = model[0];
      const given = rx.giveUpOldest(0);
      if (given !== (expected !== undefined)) mismatches++;
      if (given) model.shift();
      clock.advance(0);
      if (given && sent[sent.length - 1] !== expected) mismatches++;
    }
    clock.advance(1);
    if (rx.size !== model.length) mismatches++;
  }
  t.equal(mismatches, 0, 'every give-up took the model\'s oldest, and the sizes agreed');
  t.ok(sent.length > 100, `${sent.length} given up`);
  rx.stopAll();
});

t.test('onAck: told once, on the next turn of the clock, when the ACK stops the retransmission; not for a repeated ACK', async (t) => {
  const { layer, clock } = single();
  const inv = makeRequest();
  const tx = newIst(layer, inv);
  let acked = 0;
  layer.retransmit2xxUntilAck(tx, reply(inv, 200, 'uas'), { onAck: () => void acked++ });
  t.same(layer.receiveRequest(ack2xx(inv, 'uas'), source()), { kind: 'ack2xx', retransmissionStopped: true });
  t.equal(acked, 0, 'not inside the receive path');
  clock.advance(0);
  t.equal(acked, 1);
  layer.receiveRequest(ack2xx(inv, 'uas'), source());
  clock.advance(0);
  t.equal(acked, 1, 'an ACK retransmission stops nothing and tells nobody');
  layer.close();
});
