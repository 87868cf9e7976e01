/** maxUnacknowledgedInvites: INVITEs answered 2xx and never ACKed cannot pile up without bound. */
import t from 'tap';
import type { SipRequest } from '../../../lib/message/index.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import { drain, makeRequest, reply, single, source } from './harness.js';

function ack2xx(invite: SipRequest, toTag: string): SipRequest {
  return makeRequest({ method: 'ACK', branch: 'z9hG4bKack' + toTag, callId: invite.callId, cseq: invite.cseq.seq, fromTag: invite.from.tag, toTag });
}

function answer(layer: ReturnType<typeof single>['layer'], inv: SipRequest, tag: string, onAckTimeout?: () => void): void {
  const d = layer.receiveRequest(inv, source());
  if (d.kind !== 'new') throw new Error(`expected new, got ${d.kind}`);
  layer.retransmit2xxUntilAck(d.tx as InviteServerTransaction, reply(inv, 200, tag), { onAckTimeout });
}

t.test('beyond maxUnacknowledgedInvites a new INVITE gets a stateless 503, counted; other requests and re-INVITEs pass', async (t) => {
  const { layer, transport, clock } = single({ maxUnacknowledged: 2 });
  const a = makeRequest();
  const b = makeRequest();
  answer(layer, a, 'ta');
  answer(layer, b, 'tb');
  t.equal(layer.stats().retransmitting2xx, 2);

  const c = makeRequest();
  t.same(layer.receiveRequest(c, source()), { kind: 'rejected', status: 503 });
  const [r503] = transport.responses(503);
  t.equal(r503?.callId, c.callId, '503 to the refused INVITE');
  t.equal(r503?.headers.get('Retry-After'), '5', 'RFC 3261 §21.5.4: Retry-After (default 5 s), so a dispatcher may go elsewhere');
  t.equal(layer.stats().serverInvite, 2, 'no transaction for it');
  t.same(layer.limitRejections(), { serverTransactions: 0, unacknowledgedInvites: 1, retransmissions: 0, ackWaitsGivenUp: 0 });

  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()).kind, 'new', 'non-INVITE requests are not refused');
  t.equal(layer.receiveRequest(makeRequest({ toTag: 'existing' }), source()).kind, 'new', 'an INVITE inside a dialog is not refused');

  // an ACK frees a slot at once
  layer.receiveRequest(ack2xx(a, 'ta'), source());
  t.equal(layer.stats().retransmitting2xx, 1);
  const d = makeRequest();
  t.equal(layer.receiveRequest(d, source()).kind, 'new', 'room again after an ACK');

  // 64*T1 without an ACK frees the rest (RFC 3261 §13.3.1.4)
  clock.advance(32_000);
  t.equal(layer.stats().retransmitting2xx, 0, 'the never-ACKed 2xx gave up after 64*T1');
  layer.close();
  await drain(clock);
  t.equal(layer.stats().total, 0);
  t.equal(layer.limitRejections().unacknowledgedInvites, 1);
});

t.test('limitRetryAfter: the 503s of both limits carry it; 0 leaves it out; a bad value is refused', async (t) => {
  const { layer, transport } = single({ maxUnacknowledged: 1, maxServer: 3, retryAfter: 12 });
  answer(layer, makeRequest(), 'ta');
  t.same(layer.receiveRequest(makeRequest(), source()), { kind: 'rejected', status: 503 });
  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()).kind, 'new');
  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()).kind, 'new');
  t.same(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()), { kind: 'rejected', status: 503 }, 'over maxServerTransactions');
  t.same(layer.limitRejections(), { serverTransactions: 1, unacknowledgedInvites: 1, retransmissions: 0, ackWaitsGivenUp: 0 });
  t.same(transport.responses(503).map((r) => r.headers.get('Retry-After')), ['12', '12'], 'both limits');
  layer.close();

  const none = single({ maxUnacknowledged: 1, retryAfter: 0 });
  answer(none.layer, makeRequest(), 'tb');
  none.layer.receiveRequest(makeRequest(), source());
  t.equal(none.transport.responses(503)[0]?.headers.get('Retry-After'), undefined, '0: no Retry-After');
  none.layer.close();

  for (const bad of [-1, 1.5, Number.NaN]) t.throws(() => single({ retryAfter: bad }), { code: 'InvalidArgument' }, `limitRetryAfter ${bad}`);
});

t.test('a retransmission of a refused INVITE is refused again, even once there is room: its client has the 503 (maxRememberedRefusals)', async (t) => {
  const { layer, transport, clock } = single({ maxUnacknowledged: 1, giveUpAfter: 0 });
  const a = makeRequest();
  answer(layer, a, 'ta');
  const refused = makeRequest();
  t.same(layer.receiveRequest(refused, source()), { kind: 'rejected', status: 503 });
  // the ACK for the first 2xx frees the only slot; then the refused INVITE's retransmission arrives
  layer.receiveRequest(ack2xx(a, 'ta'), source());
  t.equal(layer.stats().retransmitting2xx, 0, 'room now');
  clock.advance(500);
  t.same(layer.receiveRequest(refused, source()), { kind: 'rejected', status: 503 }, 'Timer A retransmission: the same answer');
  t.equal(transport.responses(503).length, 2);
  t.equal(layer.stats().serverInvite, 1, 'no transaction and no 2xx for it');
  t.same(layer.limitRejections(), { serverTransactions: 0, unacknowledgedInvites: 1, retransmissions: 1, ackWaitsGivenUp: 0 });
  t.equal(layer.receiveRequest(makeRequest(), source()).kind, 'new', 'a new INVITE is admitted meanwhile');
  // the client's Timer B (64*T1) has run out: the key is forgotten
  clock.advance(31_500);
  t.equal(layer.receiveRequest(refused, source()).kind, 'new', 'after 64*T1 it is a new request again');
  layer.close();
});

t.test('maxRememberedRefusals bounds what is remembered (oldest forgotten first); 0 remembers nothing; a bad value is refused', async (t) => {
  const { layer } = single({ maxUnacknowledged: 1, remembered: 2 });
  answer(layer, makeRequest(), 'ta');
  const [r1, r2, r3] = [makeRequest(), makeRequest(), makeRequest()];
  for (const r of [r1, r2, r3]) t.same(layer.receiveRequest(r, source()), { kind: 'rejected', status: 503 });
  t.same(layer.limitRejections(), { serverTransactions: 0, unacknowledgedInvites: 3, retransmissions: 0, ackWaitsGivenUp: 0 });
  layer.receiveRequest(r2, source());
  layer.receiveRequest(r3, source());
  t.equal(layer.limitRejections().retransmissions, 2, 'the two newest are remembered');
  layer.receiveRequest(r1, source());
  t.equal(layer.limitRejections().retransmissions, 2, 'the oldest was forgotten (refused again as new, for the limit)');
  t.equal(layer.limitRejections().unacknowledgedInvites, 4);
  layer.close();

  const off = single({ maxUnacknowledged: 1, remembered: 0 });
  const a = makeRequest();
  answer(off.layer, a, 'ta');
  const r = makeRequest();
  off.layer.receiveRequest(r, source());
  off.layer.receiveRequest(ack2xx(a, 'ta'), source());
  t.equal(off.layer.receiveRequest(r, source()).kind, 'new', '0: the retransmission is admitted (the old behaviour)');
  off.layer.close();

  for (const bad of [-1, 2.5, Number.NaN]) t.throws(() => single({ remembered: bad }), { code: 'InvalidArgument' }, `maxRememberedRefusals ${bad}`);
});

t.test('over maxServerTransactions too: a refused request\'s retransmission is refused again, a CANCEL never', async (t) => {
  const { layer } = single({ maxServer: 1 });
  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source()).kind, 'new');
  const msg = makeRequest({ method: 'MESSAGE' });
  t.same(layer.receiveRequest(msg, source()), { kind: 'rejected', status: 503 });
  t.same(layer.receiveRequest(msg, source()), { kind: 'rejected', status: 503 });
  t.same(layer.limitRejections(), { serverTransactions: 1, unacknowledgedInvites: 0, retransmissions: 1, ackWaitsGivenUp: 0 });
  t.equal(layer.receiveRequest(makeRequest({ method: 'CANCEL' }), source()).kind, 'cancel', 'CANCEL is exempt');
  layer.close();
});

t.test('unacknowledgedGiveUpAfter: over the limit, a new INVITE takes the place of the oldest 2xx that waited that long for its ACK', async (t) => {
  const { layer, transport, clock } = single({ maxUnacknowledged: 2 });
  const timedOut: string[] = [];
  const [a, b, c] = [makeRequest(), makeRequest(), makeRequest()];
  answer(layer, a, 'ta', () => timedOut.push('a'));
  clock.advance(1000);
  answer(layer, b, 'tb', () => timedOut.push('b'));
  clock.advance(2999);
  t.same(layer.receiveRequest(makeRequest(), source()), { kind: 'rejected', status: 503 }, 'the oldest has waited 3 999 ms: refused');
  clock.advance(1);
  const sentBefore = transport.responses(200).filter((r) => r.callId === a.callId).length;
  t.equal(layer.receiveRequest(c, source()).kind, 'new', 'the oldest has waited 4 000 ms (default): the INVITE is admitted');
  t.same(layer.limitRejections(), { serverTransactions: 0, unacknowledgedInvites: 1, retransmissions: 0, ackWaitsGivenUp: 1 });
  t.equal(layer.stats().retransmitting2xx, 1, 'the oldest 2xx stopped');
  t.same(timedOut, [], 'its user is told on the next turn of the clock, not inside the receive path');
  clock.advance(0);
  t.same(timedOut, ['a'], 'told as at 64*T1 (RFC 3261 §13.3.1.4): the oldest one, a');
  clock.advance(8000);
  t.equal(transport.responses(200).filter((r) => r.callId === a.callId).length, sentBefore, 'a is retransmitted no more');
  t.ok(transport.responses(200).filter((r) => r.callId === b.callId).length > 2, 'b still is');
  t.same(layer.receiveRequest(ack2xx(a, 'ta'), source()), { kind: 'ack2xx', retransmissionStopped: false }, 'a late ACK finds nothing to stop');
  layer.close();
});

t.test('unacknowledgedGiveUpAfter: an ACKed 2xx is skipped (the oldest still waiting goes); 0 never gives up; a bad value is refused', async (t) => {
  const { layer, clock } = single({ maxUnacknowledged: 2, giveUpAfter: 100 });
  const timedOut: string[] = [];
  const [a, b] = [makeRequest(), makeRequest()];
  answer(layer, a, 'ta', () => timedOut.push('a'));
  answer(layer, b, 'tb', () => timedOut.push('b'));
  layer.receiveRequest(ack2xx(a, 'ta'), source());
  answer(layer, makeRequest(), 'td', () => timedOut.push('d'));
  t.equal(layer.stats().retransmitting2xx, 2, 'b and d wait');
  clock.advance(100);
  const kinds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const d = layer.receiveRequest(makeRequest(), source());
    kinds.push(d.kind);
    if (d.kind === 'new') layer.retransmit2xxUntilAck(d.tx as InviteServerTransaction, reply(d.tx.request, 200, `n${i}`));
    clock.advance(0);
  }
  t.same(kinds, ['new', 'new', 'rejected'], 'two took the places of b and d; the third found only 2xx younger than 100 ms');
  t.same(timedOut, ['b', 'd'], 'b then d, in the order they were sent; a was ACKed');
  t.equal(layer.limitRejections().ackWaitsGivenUp, 2);
  layer.close();

  const never = single({ maxUnacknowledged: 1, giveUpAfter: 0 });
  answer(never.layer, makeRequest(), 'ta');
  never.clock.advance(20_000);
  t.same(never.layer.receiveRequest(makeRequest(), source()), { kind: 'rejected', status: 503 }, '0: refused, however long it waited');
  never.layer.close();

  for (const bad of [-1, 0.5, Number.NaN]) t.throws(() => single({ giveUpAfter: bad }), { code: 'InvalidArgument' }, `unacknowledgedGiveUpAfter ${bad}`);
});
