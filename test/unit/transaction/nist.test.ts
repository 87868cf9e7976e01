/** Non-INVITE server transaction (RFC 3261 §17.2.2) driven through the layer. */
import t from 'tap';
import { TransactionState } from '../../../include-types/states.js';
import type { SipRequest } from '../../../lib/message/index.js';
import type { NonInviteServerTransaction } from '../../../lib/transaction/non-invite-server.js';
import { ServerRecorder, drain, flush, makeRequest, reply, single, source } from './harness.js';

function newNist(layer: ReturnType<typeof single>['layer'], req: SipRequest, proto: 'udp' | 'tcp' = 'udp'): NonInviteServerTransaction {
  const d = layer.receiveRequest(req, source(proto));
  if (d.kind !== 'new' || d.tx.kind !== 'nist') throw new Error(`expected a new non-INVITE server transaction, got ${d.kind}`);
  return d.tx;
}

t.test('Trying absorbs retransmissions; Proceeding resends the provisional; Completed the final; Timer J', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest({ method: 'REGISTER' });
  const tx = newNist(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  t.equal(tx.state, TransactionState.Trying);
  clock.advance(1000);
  t.equal(transport.sent.length, 0, 'no automatic 100 for non-INVITE');
  t.equal(layer.receiveRequest(req, source()).kind, 'absorbed');
  t.equal(transport.sent.length, 0, 'Trying absorbs silently');
  tx.respond(reply(req, 100));
  t.equal(tx.state, TransactionState.Proceeding);
  layer.receiveRequest(req, source());
  t.same(transport.responses().map((r) => r.status), [100, 100]);
  tx.respond(reply(req, 200));
  t.equal(tx.state, TransactionState.Completed);
  layer.receiveRequest(req, source());
  layer.receiveRequest(req, source());
  t.same(transport.responses().map((r) => r.status), [100, 100, 200, 200, 200]);
  t.throws(() => tx.respond(reply(req, 200)), { name: 'SipError', code: 'InvalidState' }, 'one final response only');
  clock.advance(31_999);
  t.equal(tx.state, TransactionState.Completed);
  t.equal(transport.responses(200).length, 3, 'no retransmission on its own');
  clock.advance(1);
  t.equal(tx.state, TransactionState.Terminated, 'Timer J = 64*T1');
  t.same(user.events, ['terminated']);
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0);
});

t.test('reliable: Timer J = 0 (ends once the transport took the final response)', async (t) => {
  const { layer, clock } = single();
  const req = makeRequest({ method: 'OPTIONS', transport: 'TCP' });
  const tx = newNist(layer, req, 'tcp');
  tx.respond(reply(req, 200));
  t.equal(clock.pending(), 0, 'no Timer J');
  await flush();
  t.equal(tx.state, TransactionState.Terminated);
  t.equal(layer.stats().total, 0);
  t.equal(layer.receiveRequest(req, source('tcp')).kind, 'new', 'a retransmission after J is a new request');
  layer.close();
});

t.test('final straight from Trying', async (t) => {
  const { clock, layer, transport } = single();
  const req = makeRequest({ method: 'BYE', toTag: 'x' });
  const tx = newNist(layer, req);
  tx.respond(reply(req, 481));
  t.equal(tx.state, TransactionState.Completed);
  layer.receiveRequest(req, source());
  t.equal(transport.responses(481).length, 2);
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('transport error terminates and tells the TU', async (t) => {
  const { clock, transport, layer } = single();
  const req = makeRequest({ method: 'OPTIONS' });
  const tx = newNist(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  transport.failAll();
  tx.respond(reply(req, 200));
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(clock.pending(), 0);
  t.equal(layer.stats().total, 0);
});

t.test('transport error when resending the final on a retransmission terminates', async (t) => {
  const { transport, layer } = single();
  const req = makeRequest({ method: 'OPTIONS' });
  const tx = newNist(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 200));
  transport.failNth(2);
  layer.receiveRequest(req, source());
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('invalid status is refused', async (t) => {
  const { layer } = single();
  const req = makeRequest({ method: 'OPTIONS' });
  const tx = newNist(layer, req);
  const res = reply(req, 200);
  res.status = 99;
  t.throws(() => tx.respond(res), { name: 'SipError', code: 'InvalidArgument' });
  layer.close();
});

t.test('reliable: a failed final response is reported to the TU (§17.2.4)', async (t) => {
  const { layer, transport } = single();
  const req = makeRequest({ method: 'OPTIONS', transport: 'TCP' });
  const tx = newNist(layer, req, 'tcp');
  const user = new ServerRecorder();
  tx.user = user;
  transport.failAll();
  tx.respond(reply(req, 200));
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(tx.endReason, 'TransportError');
  t.equal(layer.stats().total, 0);
});

t.test('the network comes back: failAll(null) stops failing', async (t) => {
  const { transport, layer } = single();
  transport.failAll();
  transport.failAll(null);
  const req = makeRequest({ method: 'OPTIONS' });
  const tx = newNist(layer, req);
  const user = new ServerRecorder();
  tx.user = user;
  tx.respond(reply(req, 200));
  await flush();
  t.same(user.events, []);
  t.equal(transport.sent[0].failed, false);
  layer.close();
});
