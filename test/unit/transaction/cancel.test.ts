/** CANCEL (RFC 3261 §9): construction, waiting for a provisional, server-side matching, the race. */
import t from 'tap';
import { CancelState } from '../../../lib/transaction/cancel.js';
import type { InviteClientTransaction } from '../../../lib/transaction/invite-client.js';
import { ClientRecorder, drain, flush, makeRequest, pair, reply, single, source, target } from './harness.js';

t.test('CANCEL after a provisional: built per §9.1, sent on its own transaction, never synchronously', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest({ routes: ['<sip:edge.example.com;lr>'], cseq: 314 });
  inv.body = Buffer.from('v=0\r\n');
  inv.headers.set('Content-Type', 'application/sdp');
  const tgt = target('udp');
  const tx = layer.sendRequest(inv, tgt, new ClientRecorder()) as InviteClientTransaction;
  layer.receiveResponse(reply(inv, 180, 'early'), source());
  const cu = new ClientRecorder();
  const pending = layer.cancel(tx, cu);
  t.equal(pending.state, CancelState.Waiting);
  t.equal(transport.requests('CANCEL').length, 0, 'not sent inside cancel()');
  await flush();
  t.equal(pending.state, CancelState.Sent);
  t.equal(pending.tx?.kind, 'nict');
  const [cancel] = transport.requests('CANCEL');
  t.ok(cancel);
  t.equal(cancel.uri.toString(), inv.uri.toString(), 'same Request-URI');
  t.equal(cancel.callId, inv.callId);
  t.equal(cancel.from.toString(), inv.from.toString());
  t.equal(cancel.to.toString(), inv.to.toString(), 'To of the INVITE (no tag from the 180)');
  t.same(cancel.cseq, { seq: 314, method: 'CANCEL' });
  t.equal(cancel.via.length, 1);
  t.equal(cancel.topVia.toString(), inv.topVia.toString(), 'Via equal to the INVITE top Via');
  t.same(cancel.headers.getAll('Route'), ['<sip:edge.example.com;lr>']);
  t.equal(cancel.body.length, 0);
  t.same(transport.sent.find((r) => r.message === cancel)?.target, tgt, 'sent where the INVITE went');
  t.equal(layer.cancel(tx, cu), pending, 'a second cancel() returns the same CANCEL');
  // 200 to the CANCEL, 487 to the INVITE
  layer.receiveResponse(reply(cancel, 200, 'early'), source());
  t.same(cu.events, ['final:200']);
  layer.receiveResponse(reply(inv, 487, 'early'), source());
  t.equal(tx.rfcState, 'Completed');
  t.equal(transport.requests('ACK').length, 1);
  await drain(clock);
  t.same(cu.events, ['final:200', 'terminated']);
  t.equal(layer.stats().total, 0);
});

t.test('CANCEL before any provisional waits for one (§9.1)', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = layer.sendRequest(inv, target('udp'), new ClientRecorder()) as InviteClientTransaction;
  const pending = layer.cancel(tx, new ClientRecorder());
  t.equal(layer.stats().pendingCancels, 1);
  clock.advance(1600);
  await flush();
  t.equal(transport.requests('CANCEL').length, 0, 'no CANCEL without a provisional response');
  t.equal(transport.requests('INVITE').length, 3, 'the INVITE is still retransmitted');
  t.equal(pending.state, CancelState.Waiting);
  layer.receiveResponse(reply(inv, 100), source());
  await flush();
  t.equal(pending.state, CancelState.Sent);
  t.equal(transport.requests('CANCEL').length, 1);
  t.equal(layer.stats().pendingCancels, 0);
  layer.receiveResponse(reply(pending.request, 200), source());
  layer.receiveResponse(reply(inv, 487), source());
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('a final response before any provisional drops the waiting CANCEL', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = layer.sendRequest(inv, target('udp'), new ClientRecorder()) as InviteClientTransaction;
  const cu = new ClientRecorder();
  const pending = layer.cancel(tx, cu);
  layer.receiveResponse(reply(inv, 200), source());
  await flush();
  t.equal(pending.state, CancelState.Dropped);
  t.same(cu.events, ['terminated'], 'the CANCEL user only hears it ended');
  t.equal(transport.requests('CANCEL').length, 0);
  t.equal(layer.cancel(tx, cu), pending, 'asking again returns the dropped CANCEL');
  const inv2 = makeRequest();
  const tx2 = layer.sendRequest(inv2, target('udp'), new ClientRecorder()) as InviteClientTransaction;
  layer.receiveResponse(reply(inv2, 486), source());
  t.throws(() => layer.cancel(tx2, cu), { code: 'InvalidState' }, 'nothing to cancel after a final response');
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('Timer B while waiting drops the CANCEL', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const iu = new ClientRecorder();
  const tx = layer.sendRequest(inv, target('udp'), iu) as InviteClientTransaction;
  const cu = new ClientRecorder();
  const pending = layer.cancel(tx, cu);
  clock.advance(32_000);
  await flush();
  t.same(iu.events, ['timeout:Timeout', 'terminated']);
  t.equal(pending.state, CancelState.Dropped);
  t.same(cu.events, ['terminated']);
  t.equal(transport.requests('CANCEL').length, 0);
  t.equal(layer.stats().total, 0);
});

t.test('close() drops a waiting CANCEL', async (t) => {
  const { layer } = single();
  const tx = layer.sendRequest(makeRequest(), target('udp'), new ClientRecorder()) as InviteClientTransaction;
  const cu = new ClientRecorder();
  const pending = layer.cancel(tx, cu);
  layer.close();
  await flush();
  t.equal(pending.state, CancelState.Dropped);
  t.same(cu.events, ['terminated']);
  t.equal(layer.stats().total, 0);
  t.throws(() => layer.cancel(tx, cu), { code: 'StackShutdown' });
});

t.test('CANCEL is not limited by maxClientTransactions', async (t) => {
  const { layer, transport, clock } = single({ maxClient: 1 });
  const inv = makeRequest();
  const tx = layer.sendRequest(inv, target('udp'), new ClientRecorder()) as InviteClientTransaction;
  layer.receiveResponse(reply(inv, 180), source());
  layer.cancel(tx, new ClientRecorder());
  await flush();
  t.equal(transport.requests('CANCEL').length, 1);
  await drain(clock);
});

t.test('server side: CANCEL matches its INVITE and gets its own transaction (§9.2)', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const d = layer.receiveRequest(inv, source());
  if (d.kind !== 'new') return t.fail('expected new');
  d.tx.respond(reply(inv, 180, 'uas'));
  const cancel = inv.clone();
  cancel.method = 'CANCEL';
  cancel.cseq = { seq: inv.cseq.seq, method: 'CANCEL' };
  cancel.body = Buffer.alloc(0);
  const c = layer.receiveRequest(cancel, source());
  if (c.kind !== 'cancel') return t.fail(`expected cancel, got ${c.kind}`);
  t.equal(c.inviteTx, d.tx, 'the INVITE transaction it cancels');
  t.equal(c.cancelTx.kind, 'nist');
  t.not(c.cancelTx, d.tx);
  c.cancelTx.respond(reply(cancel, 200, 'uas'));
  c.inviteTx?.respond(reply(inv, 487, 'uas'));
  t.same(layer.receiveRequest(cancel.clone(), source()), { kind: 'absorbed', tx: c.cancelTx }, 'CANCEL retransmission absorbed');
  t.same(transport.responses().map((r) => `${r.status} ${r.cseq.method}`), ['180 INVITE', '200 CANCEL', '487 INVITE', '200 CANCEL']);
  // a CANCEL for nothing known
  const orphan = makeRequest({ method: 'CANCEL' });
  const o = layer.receiveRequest(orphan, source());
  t.equal(o.kind, 'cancel');
  if (o.kind === 'cancel') {
    t.equal(o.inviteTx, undefined, 'no INVITE: the TU answers 481');
    o.cancelTx.respond(reply(orphan, 481));
  }
  layer.receiveRequest(Object.assign(inv.clone(), { method: 'ACK' }), source());
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('server side, RFC 2543: CANCEL without branch matches the INVITE', async (t) => {
  const { layer } = single();
  const inv = makeRequest({ branch: null });
  const d = layer.receiveRequest(inv, source());
  const cancel = inv.clone();
  cancel.method = 'CANCEL';
  cancel.cseq = { seq: inv.cseq.seq, method: 'CANCEL' };
  const c = layer.receiveRequest(cancel, source());
  t.equal(c.kind, 'cancel');
  if (c.kind === 'cancel' && d.kind === 'new') t.equal(c.inviteTx, d.tx);
  layer.close();
});

t.test('end to end: CANCEL before a provisional, the 100 Trying releases it, 200 CANCEL + 487 INVITE', async (t) => {
  const p = pair('udp');
  p.ctl.onArrival = (d, req) => {
    if (d.kind === 'cancel') {
      d.cancelTx.respond(reply(req, 200, 'uas'));
      if (d.inviteTx !== undefined && d.inviteTx.rfcState === 'Proceeding') d.inviteTx.respond(reply(d.inviteTx.request, 487, 'uas'));
    }
  };
  const iu = new ClientRecorder();
  const cu = new ClientRecorder();
  const tx = p.uac.sendRequest(makeRequest(), p.target, iu) as InviteClientTransaction;
  await p.step(0);
  const pending = p.uac.cancel(tx, cu);
  await p.step(100);
  t.equal(p.uacT.requests('CANCEL').length, 0, 'waiting for a provisional');
  await p.step(100);
  t.same(iu.events.slice(0, 1), ['provisional:100'], 'the UAS sent 100 Trying by itself at 200 ms');
  t.equal(pending.state, CancelState.Sent);
  await p.step(0);
  t.same(cu.events, ['final:200']);
  t.same(iu.events, ['provisional:100', 'final:487']);
  t.same(p.arrivals.map((a) => a.kind), ['new', 'cancel', 'absorbed'], 'INVITE, CANCEL, ACK for the 487');
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('end to end race: the 200 to the INVITE crosses the CANCEL', async (t) => {
  const p = pair('udp');
  let inviteTx: import('../../../lib/transaction/invite-server.js').InviteServerTransaction | undefined;
  p.ctl.onArrival = (d, req) => {
    if (d.kind === 'new' && d.tx.kind === 'ist') {
      inviteTx = d.tx;
      d.tx.respond(reply(req, 180, 'uas'));
    }
    if (d.kind === 'cancel') {
      d.cancelTx.respond(reply(req, 200, 'uas'));
      t.equal(d.inviteTx?.rfcState, 'Accepted', 'the INVITE was already answered');
    }
  };
  const iu = new ClientRecorder();
  const cu = new ClientRecorder();
  const tx = p.uac.sendRequest(makeRequest(), p.target, iu) as InviteClientTransaction;
  await p.step(0);
  t.same(iu.events, ['provisional:180']);
  p.uac.cancel(tx, cu);
  inviteTx?.respond(reply(inviteTx.request, 200, 'uas'));
  await p.step(0);
  await p.step(0);
  t.same(iu.events, ['provisional:180', 'final:200'], 'the 2xx still reaches the TU');
  t.same(cu.events, ['final:200']);
  await drain(p.clock);
  t.equal(p.uac.stats().total + p.uas.stats().total, 0);
});

t.test('a final response between cancel() and the send drops the CANCEL (§9.1)', async (t) => {
  const { layer, transport, clock } = single();
  const inv = makeRequest();
  const tx = layer.sendRequest(inv, target('udp'), new ClientRecorder()) as InviteClientTransaction;
  layer.receiveResponse(reply(inv, 180), source());
  const cu = new ClientRecorder();
  const pending = layer.cancel(tx, cu);
  layer.receiveResponse(reply(inv, 486), source());
  await flush();
  t.equal(pending.state, CancelState.Dropped);
  t.equal(transport.requests('CANCEL').length, 0);
  t.same(cu.events, ['terminated']);
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('server side: CANCEL is exempt from maxServerTransactions', async (t) => {
  const { layer, transport, clock } = single({ maxServer: 1 });
  const inv = makeRequest();
  const d = layer.receiveRequest(inv, source());
  const cancel = inv.clone();
  cancel.method = 'CANCEL';
  cancel.cseq = { seq: inv.cseq.seq, method: 'CANCEL' };
  const c = layer.receiveRequest(cancel, source());
  t.equal(c.kind, 'cancel');
  t.equal(transport.responses(503).length, 0);
  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()).kind, 'rejected', 'other requests are still refused');
  if (c.kind === 'cancel') c.cancelTx.respond(reply(cancel, 200));
  if (d.kind === 'new') d.tx.respond(reply(inv, 487));
  const ack = inv.clone();
  ack.method = 'ACK';
  ack.cseq = { seq: inv.cseq.seq, method: 'ACK' };
  t.equal(layer.receiveRequest(ack, source()).kind, 'absorbed');
  await drain(clock);
  t.equal(layer.stats().total, 0);
});
