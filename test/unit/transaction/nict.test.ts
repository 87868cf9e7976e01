/** Non-INVITE client transaction (RFC 3261 §17.1.2) driven through the layer. */
import t from 'tap';
import { TransactionState } from '../../../include-types/states.js';
import { ClientRecorder, drain, flush, makeRequest, pair, reply, single, source, target } from './harness.js';

const options = () => makeRequest({ method: 'OPTIONS' });

t.test('unreliable: Timer E backs off to T2, Timer F times out at 64*T1', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const tx = layer.sendRequest(options(), target('udp'), user);
  t.equal(tx.kind, 'nict');
  t.equal(tx.state, TransactionState.Trying);
  clock.advance(31_999);
  await flush();
  t.same(transport.requestTimes('OPTIONS'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  t.same(user.events, []);
  clock.advance(1);
  await flush();
  t.same(user.events, ['timeout:Timeout', 'terminated']);
  t.equal(tx.endReason, 'Timeout');
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0);
});

t.test('Proceeding: Timer E fires at T2 intervals, Timer F still applies', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const req = options();
  const tx = layer.sendRequest(req, target('udp'), user);
  clock.advance(600);
  layer.receiveResponse(reply(req, 100), source());
  t.equal(tx.state, TransactionState.Proceeding);
  layer.receiveResponse(reply(req, 183), source());
  t.same(user.events, ['provisional:100', 'provisional:183'], 'every provisional goes to the TU');
  clock.advance(32_000 - 600);
  await flush();
  t.same(transport.requestTimes('OPTIONS'), [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
  t.same(user.events.slice(2), ['timeout:Timeout', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('reliable: no Timer E; Timer F', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  layer.sendRequest(options(), target('tcp'), user);
  clock.advance(32_000);
  await flush();
  t.equal(transport.requests('OPTIONS').length, 1);
  t.same(user.events, ['timeout:Timeout', 'terminated']);
});

t.test('final → Completed; retransmissions absorbed; Timer K = T4', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  const req = options();
  const tx = layer.sendRequest(req, target('udp'), user);
  clock.advance(100);
  layer.receiveResponse(reply(req, 200), source());
  t.equal(tx.state, TransactionState.Completed);
  t.same(user.events, ['final:200']);
  layer.receiveResponse(reply(req, 200), source());
  layer.receiveResponse(reply(req, 180), source());
  t.same(user.events, ['final:200'], 'Completed absorbs responses');
  clock.advance(10_000);
  t.equal(transport.requests('OPTIONS').length, 1, 'no retransmission after the final response');
  t.equal(tx.state, TransactionState.Terminated);
  t.same(user.events, ['final:200', 'terminated']);
});

t.test('Timer K boundary and a custom T4', async (t) => {
  const { clock, layer } = single({ timers: { t4: 2000 } });
  const req = options();
  const tx = layer.sendRequest(req, target('udp'), new ClientRecorder());
  layer.receiveResponse(reply(req, 404), source());
  clock.advance(1999);
  t.equal(tx.state, TransactionState.Completed);
  clock.advance(1);
  t.equal(tx.state, TransactionState.Terminated);
  t.equal(layer.stats().total, 0);
});

t.test('reliable: final terminates at once (Timer K = 0)', async (t) => {
  const { layer } = single();
  const user = new ClientRecorder();
  const req = options();
  layer.sendRequest(req, target('tcp'), user);
  layer.receiveResponse(reply(req, 500), source('tcp'));
  t.same(user.events, ['final:500', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('transport error ends the transaction (§17.1.4)', async (t) => {
  const { clock, transport, layer } = single();
  const user = new ClientRecorder();
  transport.failAll();
  layer.sendRequest(options(), target('udp'), user);
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(clock.pending(), 0);
  t.equal(layer.stats().total, 0);
});

t.test('a non-SipError rejection is wrapped as TransportError with the cause', async (t) => {
  const { transport, layer } = single();
  const user = new ClientRecorder();
  const cause = new Error('EHOSTUNREACH');
  transport.sendRequest = () => Promise.reject(cause);
  layer.sendRequest(options(), target('udp'), user);
  await flush();
  t.equal(user.errors[0].code, 'TransportError');
  t.equal(user.errors[0].cause, cause);
});

t.test('end to end: lost request is retransmitted by Timer E', async (t) => {
  const p = pair('udp');
  p.uacT.dropNth(1);
  p.ctl.onArrival = (d) => {
    if (d.kind === 'new') d.tx.respond(reply(d.tx.request, 200));
  };
  const user = new ClientRecorder();
  p.uac.sendRequest(makeRequest({ method: 'BYE', toTag: 'x' }), p.target, user);
  await p.step(0);
  t.equal(p.arrivals.length, 0);
  await p.step(500);
  t.same(p.arrivals.map((a) => a.kind), ['new']);
  t.same(user.events, ['final:200']);
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('end to end: lost response is resent on the retransmitted request', async (t) => {
  const p = pair('udp');
  p.uasT.dropNth(1);
  p.ctl.onArrival = (d) => {
    if (d.kind === 'new') d.tx.respond(reply(d.tx.request, 202));
  };
  const user = new ClientRecorder();
  p.uac.sendRequest(makeRequest({ method: 'MESSAGE' }), p.target, user);
  await p.step(0);
  t.same(user.events, []);
  await p.step(500);
  t.same(p.arrivals.map((a) => a.kind), ['new', 'absorbed']);
  t.same(user.events, ['final:202']);
  t.equal(p.uasT.responses(202).length, 2);
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('a request that went over TCP (above the MTU) is not retransmitted by Timer E', async (t) => {
  const { clock, transport, layer } = single();
  transport.usedProtocol = 'tcp';
  const user = new ClientRecorder();
  const req = options();
  layer.sendRequest(req, target('udp'), user);
  await flush();
  clock.advance(31_999);
  t.equal(transport.requests('OPTIONS').length, 1);
  clock.advance(1);
  t.same(user.events, ['timeout:Timeout', 'terminated'], 'Timer F still applies');
});

t.test('a transport that throws synchronously is handled like a rejected send', async (t) => {
  const { transport, layer, clock } = single();
  transport.sendRequest = () => {
    throw new Error('socket closed');
  };
  const user = new ClientRecorder();
  t.doesNotThrow(() => layer.sendRequest(options(), target('udp'), user));
  await flush();
  t.same(user.events, ['transportError:TransportError', 'terminated']);
  t.equal(layer.stats().total, 0);
  t.equal(clock.pending(), 0);
});
