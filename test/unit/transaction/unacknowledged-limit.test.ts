/** maxUnacknowledgedInvites: INVITEs answered 2xx and never ACKed cannot pile up without bound. */
import t from 'tap';
import type { SipRequest } from '../../../lib/message/index.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import { drain, makeRequest, reply, single, source } from './harness.js';

function ack2xx(invite: SipRequest, toTag: string): SipRequest {
  return makeRequest({ method: 'ACK', branch: 'z9hG4bKack' + toTag, callId: invite.callId, cseq: invite.cseq.seq, fromTag: invite.from.tag, toTag });
}

function answer(layer: ReturnType<typeof single>['layer'], inv: SipRequest, tag: string): void {
  const d = layer.receiveRequest(inv, source());
  if (d.kind !== 'new') throw new Error(`expected new, got ${d.kind}`);
  layer.retransmit2xxUntilAck(d.tx as InviteServerTransaction, reply(inv, 200, tag));
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
  t.same(layer.limitRejections(), { serverTransactions: 0, unacknowledgedInvites: 1 });

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
  t.same(layer.limitRejections(), { serverTransactions: 1, unacknowledgedInvites: 1 });
  t.same(transport.responses(503).map((r) => r.headers.get('Retry-After')), ['12', '12'], 'both limits');
  layer.close();

  const none = single({ maxUnacknowledged: 1, retryAfter: 0 });
  answer(none.layer, makeRequest(), 'tb');
  none.layer.receiveRequest(makeRequest(), source());
  t.equal(none.transport.responses(503)[0]?.headers.get('Retry-After'), undefined, '0: no Retry-After');
  none.layer.close();

  for (const bad of [-1, 1.5, Number.NaN]) t.throws(() => single({ retryAfter: bad }), { code: 'InvalidArgument' }, `limitRetryAfter ${bad}`);
});
