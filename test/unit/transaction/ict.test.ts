/** INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2) driven through the layer. */
import t from 'tap';
import { TransactionState } from '../../../include-types/states.js';
import type { InviteClientTransaction } from '../../../lib/transaction/invite-client.js';
import { ClientRecorder, drain, flush, makeRequest, pair, reply, single, source, target } from './harness.js';

t.test('unreliable: Timer A doubles from T1, Timer B times out at 64*T1', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const tx = layer.sendRequest(makeRequest(), target('udp'), user) as InviteClientTransaction;
  t.equal(tx.kind, 'ict');
  t.equal(tx.state, TransactionState.Calling);
  clock.advance(31_999);
  await flush();
  t.same(transport.requestTimes('INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  t.same(user.events, []);
  clock.advance(1);
  await flush();
  t.same(user.events, ['timeout:Timeout', 'terminated']);
  t.equal(tx.state, TransactionState.Terminated);
  t.equal(tx.endReason, 'Timeout');
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0, 'no timer outlives the transaction');
});

t.test('T1 from the settings scales A and B', async (t) => {
  const { clock, transport, layer } = single({ timers: { t1: 100 } });
  const user = new ClientRecorder();
  layer.sendRequest(makeRequest(), target('udp'), user);
  clock.advance(6400);
  await flush();
  t.same(transport.requestTimes('INVITE'), [0, 100, 300, 700, 1500, 3100, 6300]);
  t.same(user.events, ['timeout:Timeout', 'terminated']);
});

t.test('reliable: no Timer A; Timer B still fires', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  layer.sendRequest(makeRequest(), target('tcp'), user);
  clock.advance(31_999);
  t.equal(transport.requests('INVITE').length, 1);
  clock.advance(1);
  await flush();
  t.same(user.events, ['timeout:Timeout', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('a request that went over TCP (above the MTU) is not retransmitted', async (t) => {
  const { clock, transport, layer } = single();
  transport.usedProtocol = 'tcp';
  layer.sendRequest(makeRequest(), target('udp'), new ClientRecorder());
  await flush();
  clock.advance(10_000);
  t.equal(transport.requests('INVITE').length, 1);
  layer.close();
});

t.test('provisional stops A and B; 486 is ACKed; retransmissions absorbed; Timer D', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const req = makeRequest({ routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
  const tx = layer.sendRequest(req, target('udp'), user) as InviteClientTransaction;
  clock.advance(100);
  t.equal(layer.receiveResponse(reply(req, 100), source()).kind, 'matched');
  t.equal(tx.state, TransactionState.Proceeding);
  t.equal(tx.runningTimers, 0, 'A and B stopped: no timer runs in Proceeding');
  clock.advance(60_000);
  t.equal(transport.requests('INVITE').length, 1, 'no retransmission in Proceeding');
  t.equal(tx.state, TransactionState.Proceeding, 'Timer B does not fire in Proceeding');
  layer.receiveResponse(reply(req, 180), source());
  layer.receiveResponse(reply(req, 486), source());
  t.same(user.events, ['provisional:100', 'provisional:180', 'final:486']);
  t.equal(tx.state, TransactionState.Completed);
  const acks = transport.requests('ACK');
  t.equal(acks.length, 1, 'the transaction ACKs a non-2xx');
  // retransmitted 486: absorbed, ACK resent
  layer.receiveResponse(reply(req, 486), source());
  t.equal(transport.requests('ACK').length, 2);
  t.equal(user.events.length, 3, 'retransmission not passed to the TU');
  clock.advance(31_999);
  t.equal(tx.state, TransactionState.Completed);
  clock.advance(1);
  t.equal(tx.state, TransactionState.Terminated);
  t.same(user.events.slice(3), ['terminated']);
  t.equal(layer.stats().total, 0);
  t.equal(layer.receiveResponse(reply(req, 486), source()).kind, 'stray', 'after Timer D it matches nothing');
});

t.test('ACK for a non-2xx is built per §17.1.1.3', async (t) => {
  const { transport, layer, clock } = single();
  const req = makeRequest({ routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], cseq: 7 });
  req.headers.append('Via', 'SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKlower');
  req.headers.set('Content-Type', 'application/sdp');
  req.body = Buffer.from('v=0\r\n');
  const tgt = target('udp');
  layer.sendRequest(req, tgt, new ClientRecorder());
  const res = reply(req, 603, 'rejtag');
  layer.receiveResponse(res, source());
  const rec = transport.sent.find((r) => r.kind === 'request' && (r.message as { method: string }).method === 'ACK');
  t.ok(rec);
  const ack = rec!.message as ReturnType<typeof makeRequest>;
  t.equal(ack.uri.toString(), req.uri.toString(), 'same Request-URI');
  t.equal(ack.callId, req.callId);
  t.equal(ack.from.toString(), req.from.toString());
  t.equal(ack.to.tag, 'rejtag', 'To from the response');
  t.same(ack.cseq, { seq: 7, method: 'ACK' });
  t.equal(ack.via.length, 1, 'one Via');
  t.equal(ack.topVia.toString(), req.topVia.toString(), 'equal to the INVITE top Via');
  t.same(ack.headers.getAll('Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  t.equal(ack.maxForwards, 70);
  t.equal(ack.body.length, 0);
  t.equal(ack.contentType, undefined);
  t.same(rec!.target, tgt, 'sent where the INVITE went');
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('reliable: non-2xx terminates once the ACK is sent (Timer D = 0)', async (t) => {
  const { layer, transport, clock } = single();
  const user = new ClientRecorder();
  const req = makeRequest();
  const tx = layer.sendRequest(req, target('tls'), user);
  layer.receiveResponse(reply(req, 404), source('tls'));
  t.same(user.events, ['final:404']);
  t.equal(clock.pending(), 0, 'no Timer D');
  await flush();
  t.same(user.events, ['final:404', 'terminated']);
  t.equal(tx.state, TransactionState.Terminated);
  t.equal(transport.requests('ACK').length, 1);
  t.equal(layer.stats().total, 0);
});

t.test('2xx → Accepted: every 2xx (retransmitted, forked) to the TU until Timer M', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const req = makeRequest();
  const tx = layer.sendRequest(req, target('udp'), user) as InviteClientTransaction;
  layer.receiveResponse(reply(req, 180, 'a'), source());
  layer.receiveResponse(reply(req, 200, 'a'), source());
  t.equal(tx.rfcState, 'Accepted');
  t.equal(tx.state, TransactionState.Terminated, 'Accepted is Terminated for the app');
  t.equal(transport.requests('ACK').length, 0, 'the transaction does not ACK a 2xx');
  clock.advance(1000);
  layer.receiveResponse(reply(req, 200, 'a'), source());
  layer.receiveResponse(reply(req, 200, 'b'), source());
  layer.receiveResponse(reply(req, 486, 'c'), source());
  layer.receiveResponse(reply(req, 183, 'c'), source());
  t.same(user.events, ['provisional:180', 'final:200', 'final:200', 'final:200']);
  t.same(user.responses.slice(1).map((r) => r.to.tag), ['a', 'a', 'b']);
  t.equal(layer.stats().clientInvite, 1);
  clock.advance(31_000 - 1);
  t.equal(tx.rfcState, 'Accepted');
  clock.advance(1);
  t.equal(tx.rfcState, 'Terminated', 'Timer M = 64*T1 after the first 2xx');
  t.equal(user.events.at(-1), 'terminated');
  const late = layer.receiveResponse(reply(req, 200, 'a'), source());
  t.equal(late.kind, 'stray', 'a 2xx after Timer M is stray, for the dialog layer');
  t.equal(layer.stats().total, 0);
});

t.test('Timer M is 64*T1 on reliable transports too', async (t) => {
  const { clock, layer } = single();
  const req = makeRequest();
  const tx = layer.sendRequest(req, target('tcp'), new ClientRecorder());
  layer.receiveResponse(reply(req, 200), source('tcp'));
  clock.advance(31_999);
  t.equal(tx.rfcState, 'Accepted');
  clock.advance(1);
  t.equal(tx.rfcState, 'Terminated');
});

t.test('2xx straight from Calling', async (t) => {
  const { layer, clock, transport } = single();
  const user = new ClientRecorder();
  const req = makeRequest();
  layer.sendRequest(req, target('udp'), user);
  layer.receiveResponse(reply(req, 202), source());
  clock.advance(5000);
  t.equal(transport.requests('INVITE').length, 1, 'Timer A stopped by the 2xx');
  t.same(user.events, ['final:202']);
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('transport error on the INVITE ends the transaction', async (t) => {
  const { clock, transport, layer } = single();
  transport.failNth(1);
  const user = new ClientRecorder();
  const tx = layer.sendRequest(makeRequest(), target('udp'), user);
  t.same(user.events, [], 'not reported inside sendRequest');
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(tx.endReason, 'TransportError');
  t.equal(clock.pending(), 0);
  t.equal(layer.stats().total, 0);
});

t.test('transport error on a Timer A retransmission ends the transaction', async (t) => {
  const { clock, transport, layer } = single();
  transport.failNth(3);
  const user = new ClientRecorder();
  layer.sendRequest(makeRequest(), target('udp'), user);
  clock.advance(500);
  await flush();
  t.same(user.events, []);
  clock.advance(1000);
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('transport error on the ACK is reported after the final response', async (t) => {
  const { transport, layer } = single();
  transport.failNth(2);
  const user = new ClientRecorder();
  const req = makeRequest();
  layer.sendRequest(req, target('udp'), user);
  layer.receiveResponse(reply(req, 500), source());
  await flush();
  t.same(user.events, ['final:500', 'transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('a user callback that throws does not break the machine', async (t) => {
  const { layer, clock } = single();
  const user = new ClientRecorder();
  user.onProvisional = () => {
    throw new Error('boom');
  };
  const req = makeRequest();
  const tx = layer.sendRequest(req, target('udp'), user);
  layer.receiveResponse(reply(req, 180), source());
  t.equal(tx.state, TransactionState.Proceeding);
  layer.receiveResponse(reply(req, 480), source());
  t.equal(tx.state, TransactionState.Completed);
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('end to end: lost INVITE is retransmitted by Timer A', async (t) => {
  const p = pair('udp');
  p.uacT.dropNth(1);
  const user = new ClientRecorder();
  p.uac.sendRequest(makeRequest(), p.target, user);
  await p.step(0);
  t.equal(p.arrivals.length, 0, 'first INVITE lost');
  await p.step(499);
  t.equal(p.arrivals.length, 0);
  await p.step(1);
  t.equal(p.arrivals.length, 1);
  t.equal(p.arrivals[0].kind, 'new', 'the retransmission reaches the server');
  const d = p.arrivals[0];
  if (d.kind !== 'new') return;
  await p.step(200);
  t.same(user.events, ['provisional:100'], 'server sent 100 Trying, which stopped Timer A');
  d.tx.respond(reply(d.tx.request, 486));
  await p.step(0);
  t.same(user.events, ['provisional:100', 'final:486']);
  t.equal(p.arrivals.at(-1)?.kind, 'absorbed', 'the ACK was absorbed by the server transaction');
  t.equal(d.tx.state, TransactionState.Confirmed);
  await drain(p.clock);
  t.same(p.uac.stats(), p.uas.stats());
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('end to end: lost final response is resent on the retransmitted INVITE', async (t) => {
  const p = pair('udp');
  const user = new ClientRecorder();
  p.ctl.onArrival = (d) => {
    if (d.kind === 'new') d.tx.respond(reply(d.tx.request, 480));
  };
  p.uasT.dropNth(1);
  p.uac.sendRequest(makeRequest(), p.target, user);
  await p.step(0);
  t.same(user.events, [], '480 lost');
  // the server retransmits by Timer G at T1 as well; the INVITE retransmission at T1 also draws it
  await p.step(500);
  t.same(user.events, ['final:480']);
  t.ok(p.arrivals.some((a) => a.kind === 'absorbed'), 'the retransmitted INVITE was absorbed');
  t.ok(p.uasT.responses(480).length >= 2, 'the 480 was resent');
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('reliable: a failed ACK is still reported (no Timer D hides it)', async (t) => {
  const { layer, transport } = single();
  transport.failNth(2);
  const user = new ClientRecorder();
  const req = makeRequest();
  const tx = layer.sendRequest(req, target('tcp'), user);
  layer.receiveResponse(reply(req, 603), source('tcp'));
  await flush();
  t.same(user.events, ['final:603', 'transportError:TransportError', 'terminated']);
  t.equal(tx.endReason, 'TransportError');
  t.equal(layer.stats().total, 0);
});
