/** INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1) driven through the layer. */
import t from 'tap';
import { TransactionState } from '../../../include-types/states.js';
import type { SipRequest } from '../../../lib/message/index.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import { ServerRecorder, drain, flush, makeRequest, reply, single, source } from './harness.js';

function ack(invite: SipRequest, toTag = 'totag'): SipRequest {
  const a = makeRequest({ method: 'ACK', branch: invite.topVia.branch ?? null, callId: invite.callId, cseq: invite.cseq.seq, fromTag: invite.from.tag, toTag });
  return a;
}

function newIst(layer: ReturnType<typeof single>['layer'], req: SipRequest, proto: 'udp' | 'tcp' = 'udp'): InviteServerTransaction {
  const d = layer.receiveRequest(req, source(proto));
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error(`expected a new INVITE server transaction, got ${d.kind}`);
  return d.tx;
}

t.test('sends 100 Trying itself after 200 ms when the TU is silent', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  req.headers.set('Timestamp', '54.3');
  const tx = newIst(layer, req);
  t.equal(tx.state, TransactionState.Proceeding);
  clock.advance(199);
  t.equal(transport.sent.length, 0);
  clock.advance(1);
  const [trying] = transport.responses(100);
  t.ok(trying, '100 Trying sent');
  t.equal(trying.to.tag, undefined, 'no To tag on 100');
  t.equal(trying.headers.get('Timestamp'), '54.3', 'Timestamp copied (§8.2.6.1)');
  t.ok(tx.sentAutomatic100);
  // a retransmitted INVITE now gets the 100 again
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed');
  t.equal(transport.responses(100).length, 2);
  layer.close();
});

t.test('no automatic 100 Trying when the TU answered within 200 ms', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  clock.advance(150);
  tx.respond(reply(req, 180));
  clock.advance(1000);
  t.same(transport.sent.map((r) => (r.message as { status: number }).status), [180]);
  t.equal(tx.sentAutomatic100, false);
  layer.close();
});

t.test('trying100Delay is configurable', async (t) => {
  const { clock, transport, layer } = single({ timers: { trying100Delay: 50 } });
  newIst(layer, makeRequest());
  clock.advance(50);
  t.equal(transport.responses(100).length, 1);
  layer.close();
});

t.test('retransmitted INVITE before any response is absorbed silently', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  newIst(layer, req);
  clock.advance(10);
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed');
  t.equal(transport.sent.length, 0);
  layer.close();
});

t.test('Proceeding resends the last provisional on a retransmitted INVITE', async (t) => {
  const { transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  tx.respond(reply(req, 180));
  tx.respond(reply(req, 183));
  layer.receiveRequest(req, source());
  t.same(transport.responses().map((r) => r.status), [180, 183, 183]);
  layer.close();
});

t.test('unreliable non-2xx: Timer G backs off to T2; Timer H reports timeout', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 486));
  t.equal(tx.state, TransactionState.Completed);
  clock.advance(31_999);
  t.same(transport.responseTimes(486), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.same(user.events, []);
  clock.advance(1);
  t.same(user.events, ['timeout:Timeout', 'terminated']);
  t.equal(tx.endReason, 'Timeout');
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0);
});

t.test('ACK → Confirmed stops G; Timer I = T4; Confirmed absorbs everything', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 603));
  clock.advance(600);
  t.equal(transport.responses(603).length, 2);
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed', 'INVITE retransmission in Completed');
  t.equal(transport.responses(603).length, 3, '... gets the final response again');
  const d = layer.receiveRequest(ack(req), source());
  t.same(d, { kind: 'absorbed', tx });
  t.equal(tx.state, TransactionState.Confirmed);
  clock.advance(4000);
  t.equal(transport.responses(603).length, 3, 'no Timer G in Confirmed');
  t.equal(layer.receiveRequest(ack(req), source()).kind, 'absorbed');
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed');
  t.equal(transport.responses(603).length, 3, 'Confirmed resends nothing');
  clock.advance(999);
  t.equal(tx.state, TransactionState.Confirmed);
  clock.advance(1);
  t.equal(tx.state, TransactionState.Terminated, 'Timer I = T4 after the ACK');
  t.same(user.events, ['terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('reliable non-2xx: no Timer G, Timer H still, ACK terminates at once (I = 0)', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest({ transport: 'TCP' });
  const tx = newIst(layer, req, 'tcp');
  tx.respond(reply(req, 404));
  clock.advance(20_000);
  t.equal(transport.responses(404).length, 1);
  layer.receiveRequest(ack(req), source('tcp'));
  t.equal(tx.state, TransactionState.Terminated);
  t.equal(layer.stats().total, 0);

  const req2 = makeRequest({ transport: 'TCP' });
  const tx2 = newIst(layer, req2, 'tcp');
  const user = new ServerRecorder();
  tx2.user = user;
  tx2.respond(reply(req2, 404));
  clock.advance(32_000);
  t.same(user.events, ['timeout:Timeout', 'terminated'], 'Timer H on TCP');
});

t.test('2xx → Accepted: INVITE retransmissions absorbed, 2xx from TU sent, ACK to TU, Timer L', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  tx.respond(reply(req, 200));
  t.equal(tx.rfcState, 'Accepted');
  t.equal(tx.state, TransactionState.Terminated, 'Accepted is Terminated for the app');
  clock.advance(500);
  t.equal(transport.responses(200).length, 1, 'the transaction does not retransmit 2xx');
  t.same(layer.receiveRequest(req, source()), { kind: 'absorbed', tx });
  t.equal(transport.responses(200).length, 1, 'a retransmitted INVITE gets nothing from the transaction');
  tx.respond(reply(req, 200));
  t.equal(transport.responses(200).length, 2, 'a 2xx retransmission from the TU is sent');
  t.throws(() => tx.respond(reply(req, 500)), { name: 'SipError', code: 'InvalidState' });
  t.throws(() => tx.respond(reply(req, 180)), { name: 'SipError', code: 'InvalidState' });
  const d = layer.receiveRequest(ack(req), source());
  t.same(d, { kind: 'ack2xx', inviteTx: tx, retransmissionStopped: false }, 'an ACK matching an Accepted transaction goes to the TU');
  clock.advance(31_499);
  t.equal(tx.rfcState, 'Accepted');
  clock.advance(1);
  t.equal(tx.rfcState, 'Terminated', 'Timer L = 64*T1');
  t.equal(layer.stats().total, 0);
  const again = layer.receiveRequest(req, source());
  t.equal(again.kind, 'new', 'after Timer L the INVITE is new again (RFC 6026 window is over)');
  layer.close();
});

t.test('respond refuses responses the state does not allow', async (t) => {
  const { layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const other = makeRequest({ cseq: 99 });
  t.throws(() => tx.respond(reply(other, 180)), { name: 'SipError', code: 'InvalidArgument' }, 'CSeq must match');
  tx.respond(reply(req, 486));
  t.throws(() => tx.respond(reply(req, 200)), { name: 'SipError', code: 'InvalidState' });
  t.throws(() => tx.respond(reply(req, 180)), { name: 'SipError', code: 'InvalidState' });
  layer.close();
  t.throws(() => tx.respond(reply(req, 486)), { name: 'SipError', code: 'InvalidState' }, 'after termination');
});

t.test('transport error on a response terminates and tells the TU (§17.2.4)', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  transport.failNth(1);
  tx.respond(reply(req, 180));
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(tx.endReason, 'TransportError');
  t.equal(clock.pending(), 0);
  t.equal(layer.stats().total, 0);
});

t.test('transport error on Timer G retransmission terminates', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  transport.failNth(2);
  tx.respond(reply(req, 500));
  clock.advance(500);
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('transport error in Accepted is reported; the transaction stays until Timer L', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  transport.failNth(1);
  tx.respond(reply(req, 200));
  await flush();
  t.same(user.events, ['transportError:TransportError']);
  t.equal(tx.rfcState, 'Accepted');
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed');
  await drain(clock);
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('a failed automatic 100 Trying ends the transaction and tells the TU', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest();
  const tx = newIst(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  transport.failNth(1);
  clock.advance(200);
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.throws(() => tx.respond(reply(req, 180)), { code: 'InvalidState' });
  t.equal(layer.stats().total, 0);
});

t.test('Timer G of many refused INVITEs waits in the layer queues: a few clock timers, not one per transaction', async (t) => {
  const { clock, transport, layer } = single();
  const txs: InviteServerTransaction[] = [];
  for (let i = 0; i < 50; i++) {
    const req = makeRequest();
    const tx = newIst(layer, req);
    tx.respond(reply(req, 486));
    txs.push(tx);
    clock.advance(10); // staggered, so each queue holds deadlines in order
  }
  t.equal(txs[0].runningTimers, 2, 'G and H run');
  t.ok(clock.pending() <= 3, `${clock.pending()} clock timers for 50 transactions (H queue, G queues)`);
  clock.advance(4000);
  t.ok(clock.pending() <= 4, `${clock.pending()} clock timers while G backs off`);
  const last = transport.sent.filter((s) => s.kind === 'response').length;
  t.equal(last, 50 * 4, 'each sent its 486 at 0, 0.5, 1.5 and 3.5 s from its own start (T1 doubling), nothing else yet');
  // the first transaction's retransmissions are exact, whatever the others do
  const firstBranch = txs[0].branch;
  t.same(
    transport.sent.filter((s) => s.kind === 'response' && s.message.via[0]?.branch === firstBranch).map((s) => s.at),
    [0, 500, 1500, 3500],
  );
  // an ACK takes its Timer G out of the queue at once
  const ackFor = txs[1];
  t.equal(layer.receiveRequest(ack(makeRequest({ branch: ackFor.branch })), source()).kind, 'absorbed');
  t.equal(ackFor.state, TransactionState.Confirmed);
  t.equal(ackFor.runningTimers, 1, 'only Timer I');
  clock.advance(40_000);
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0, 'no timer left');
});
