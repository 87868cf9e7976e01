/** TransactionLayer, client side: branch and Via handling, §17.1.3 matching, limits, close. */
import t from 'tap';
import { SipRequest } from '../../../lib/message/index.js';
import { ClientRecorder, drain, flush, makeRequest, reply, single, source, target } from './harness.js';

t.test('a top Via without branch gets a z9hG4bK branch; an existing branch is kept', async (t) => {
  const { layer, transport } = single();
  const req = makeRequest({ method: 'OPTIONS', branch: null });
  const tx = layer.sendRequest(req, target(), new ClientRecorder());
  t.match(req.topVia.branch, /^z9hG4bK.{8,}$/);
  t.equal(tx.branch, req.topVia.branch);
  t.equal(transport.requests()[0].topVia.branch, req.topVia.branch, 'the sent request carries it');
  t.equal(req.topVia.host, '192.0.2.10', 'the rest of the Via is kept');
  const req2 = makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKmine' });
  layer.sendRequest(req2, target(), new ClientRecorder());
  t.equal(req2.topVia.branch, 'z9hG4bKmine');
  const a = makeRequest({ method: 'OPTIONS', branch: null });
  const b = makeRequest({ method: 'OPTIONS', branch: null });
  layer.sendRequest(a, target(), new ClientRecorder());
  layer.sendRequest(b, target(), new ClientRecorder());
  t.not(a.topVia.branch, b.topVia.branch, 'branches are unique');
  layer.close();
});

t.test('a request without Via gets one for the target transport', async (t) => {
  const { layer } = single();
  const req = makeRequest({ method: 'OPTIONS', noVia: true });
  t.equal(req.via.length, 0);
  layer.sendRequest(req, target('tcp'), new ClientRecorder());
  t.equal(req.via.length, 1);
  t.equal(req.topVia.transport, 'TCP');
  t.match(req.topVia.branch, /^z9hG4bK/);
  layer.close();
});

t.test('refusals: ACK, duplicate branch+method, limit, closed', async (t) => {
  const { layer } = single({ maxClient: 2 });
  t.throws(() => layer.sendRequest(makeRequest({ method: 'ACK' }), target(), new ClientRecorder()), { code: 'MethodNotAllowed' });
  const req = makeRequest({ branch: 'z9hG4bKsame' });
  layer.sendRequest(req, target(), new ClientRecorder());
  t.throws(() => layer.sendRequest(makeRequest({ branch: 'z9hG4bKsame' }), target(), new ClientRecorder()), { code: 'InvalidArgument' });
  t.doesNotThrow(() => layer.sendRequest(makeRequest({ method: 'CANCEL', branch: 'z9hG4bKsame' }), target(), new ClientRecorder()), 'same branch, other method is another transaction');
  t.throws(() => layer.sendRequest(makeRequest(), target(), new ClientRecorder()), { name: 'SipError', code: 'LimitExceeded' });
  t.same(layer.stats(), { clientInvite: 1, clientNonInvite: 1, serverInvite: 0, serverNonInvite: 0, pendingCancels: 0, retransmitting2xx: 0, total: 2 });
  layer.close();
  t.throws(() => layer.sendRequest(makeRequest(), target(), new ClientRecorder()), { code: 'StackShutdown' });
});

t.test('the limit frees up when transactions end', async (t) => {
  const { layer, clock } = single({ maxClient: 1 });
  const req = makeRequest({ method: 'OPTIONS' });
  layer.sendRequest(req, target('tcp'), new ClientRecorder());
  t.throws(() => layer.sendRequest(makeRequest({ method: 'OPTIONS' }), target(), new ClientRecorder()), { code: 'LimitExceeded' });
  layer.receiveResponse(reply(req, 200), source('tcp'));
  t.doesNotThrow(() => layer.sendRequest(makeRequest({ method: 'OPTIONS' }), target(), new ClientRecorder()));
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('§17.1.3: responses match on top Via branch and CSeq method only', async (t) => {
  const { layer } = single();
  const inv = makeRequest({ branch: 'z9hG4bKm1' });
  const user = new ClientRecorder();
  layer.sendRequest(inv, target(), user);
  const wrongBranch = reply(makeRequest({ branch: 'z9hG4bKother' }), 180);
  t.equal(layer.receiveResponse(wrongBranch, source()).kind, 'stray');
  const wrongMethod = reply(inv, 200);
  wrongMethod.cseq = { seq: 1, method: 'CANCEL' };
  t.equal(layer.receiveResponse(wrongMethod, source()).kind, 'stray', 'a 200 to CANCEL does not hit the INVITE');
  const noVia = reply(inv, 180);
  noVia.headers.delete('Via');
  t.equal(layer.receiveResponse(noVia, source()).kind, 'stray');
  const badCseq = reply(inv, 180);
  badCseq.headers.set('CSeq', 'garbage');
  t.equal(layer.receiveResponse(badCseq, source()).kind, 'stray', 'unparsable CSeq is stray, not a throw');
  t.same(user.events, []);
  const ok = layer.receiveResponse(reply(inv, 180), source());
  t.equal(ok.kind, 'matched');
  t.same(user.events, ['provisional:180']);
  layer.close();
});

t.test('stray 2xx to INVITE is returned to the caller with the response', async (t) => {
  const { layer } = single();
  const res = reply(makeRequest(), 200);
  const d = layer.receiveResponse(res, source());
  t.same(d, { kind: 'stray', response: res });
});

t.test('close() terminates every transaction, stops every timer, is idempotent', async (t) => {
  const { layer, clock, transport } = single();
  const users = [new ClientRecorder(), new ClientRecorder()];
  const inv = makeRequest();
  layer.sendRequest(inv, target(), users[0]);
  layer.sendRequest(makeRequest({ method: 'OPTIONS' }), target(), users[1]);
  layer.receiveRequest(makeRequest(), source());
  layer.receiveRequest(makeRequest({ method: 'INFO' }), source());
  t.equal(layer.stats().total, 4);
  layer.close();
  layer.close();
  t.ok(layer.isClosed);
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0);
  t.same(users.map((u) => u.events), [['terminated'], ['terminated']]);
  const before = transport.sent.length;
  clock.advance(100_000);
  await flush();
  t.equal(transport.sent.length, before, 'nothing is sent after close');
  t.equal(layer.receiveResponse(reply(inv, 200), source()).kind, 'stray');
  t.same(layer.receiveRequest(makeRequest(), source()), { kind: 'dropped', reason: 'closed' });
});

t.test('the request object handed in is the one the transaction keeps', async (t) => {
  const { layer } = single();
  const req = new SipRequest({
    method: 'OPTIONS',
    uri: 'sip:x@example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP h.example.com;rport'],
      ['From', '<sip:a@example.com>;tag=1'],
      ['To', '<sip:x@example.com>'],
      ['Call-ID', 'c@h'],
      ['CSeq', '5 OPTIONS'],
    ],
  });
  const tx = layer.sendRequest(req, target(), new ClientRecorder());
  t.equal(tx.request, req);
  t.equal(req.topVia.rport, true, 'Via parameters survive the branch insertion');
  layer.close();
});

t.test('unsendable requests are refused with InvalidArgument', async (t) => {
  const { layer } = single();
  const noCseq = makeRequest({ method: 'OPTIONS' });
  noCseq.headers.delete('CSeq');
  t.throws(() => layer.sendRequest(noCseq, target(), new ClientRecorder()), { name: 'SipError', code: 'InvalidArgument' });
  const mismatch = makeRequest({ method: 'OPTIONS' });
  mismatch.headers.set('CSeq', '1 INFO');
  t.throws(() => layer.sendRequest(mismatch, target(), new ClientRecorder()), { code: 'InvalidArgument' });
  const badVia = makeRequest({ method: 'OPTIONS' });
  badVia.headers.set('Via', 'garbage');
  t.throws(() => layer.sendRequest(badVia, target(), new ClientRecorder()), { code: 'InvalidArgument' });
  t.equal(layer.stats().total, 0);
});

t.test('connectionClosed fails the client transactions still waiting on that connection (§17.1.4)', async (t) => {
  const { layer, transport, clock } = single();
  transport.connectionId = 7;
  const waiting = new ClientRecorder();
  const answered = new ClientRecorder();
  const inv = makeRequest();
  layer.sendRequest(inv, target('tcp'), waiting);
  const opt = makeRequest({ method: 'OPTIONS' });
  layer.sendRequest(opt, target('tcp'), new ClientRecorder());
  const inv2 = makeRequest();
  layer.sendRequest(inv2, target('tcp'), answered);
  transport.connectionId = 8;
  const other = new ClientRecorder();
  layer.sendRequest(makeRequest(), target('tcp'), other);
  transport.connectionId = undefined;
  const udp = new ClientRecorder();
  layer.sendRequest(makeRequest(), target('udp'), udp);
  await flush();
  layer.receiveResponse(reply(inv, 180), source('tcp'));
  layer.receiveResponse(reply(inv2, 200), source('tcp'));
  t.equal(layer.connectionClosed({ connectionId: 7, reason: 'peer' }), 2, 'the INVITE in Proceeding and the OPTIONS');
  t.same(waiting.events, ['provisional:180', 'transportError:TransportError', 'terminated']);
  t.match(waiting.errors[0].message, /connection closed \(peer\)/);
  t.same(answered.events, ['final:200'], 'an INVITE in Accepted is left alone');
  t.same(other.events, [], 'other connections are untouched');
  t.same(udp.events, []);
  t.equal(layer.connectionClosed({ connectionId: 7 }), 0, 'idempotent');
  layer.close();
  t.equal(clock.pending(), 0);
});
