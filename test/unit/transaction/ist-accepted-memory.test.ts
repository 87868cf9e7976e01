/**
 * RFC 6026 Accepted keeps neither message: for the 32 s of Timer L the machine only absorbs
 * retransmitted INVITEs by branch and passes the TU's 2xx on (the core resends the 2xx). A request
 * without the magic cookie keeps only its To tag, which the RFC 2543 ACK match reads.
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SipErrorCode } from '../../../include-types/errors.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import type { SipRequest } from '../../../lib/message/index.js';
import { makeRequest, reply, single, source, type RequestOptions } from './harness.js';

setFlagsFromString('--expose-gc');
const gcNow = runInNewContext('gc') as () => void;
/** A full GC in a later job: WeakRef targets touched in this job are kept until it ends. */
async function gc(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gcNow();
}

/** The machine, and a request that is a twin of the one it was made from (same branch, not the same object). */
function acceptedIst(opts: RequestOptions): { layer: ReturnType<typeof single>['layer']; tx: InviteServerTransaction; twin: SipRequest } {
  const { layer, transport } = single();
  const made = (): SipRequest => makeRequest({ ...opts, callId: 'accepted-memory@example.com', fromTag: 'ft', cseq: 7 });
  const d = layer.receiveRequest(made(), source());
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  const tx = d.tx;
  const twin = made();
  tx.respond(reply(twin, 200));
  transport.sent.length = 0; // the fake transport would keep the response alive
  return { layer, tx, twin };
}

t.test('an RFC 3261 INVITE in Accepted drops its request and response once nobody holds them', async (t) => {
  const { layer, tx, twin } = acceptedIst({ branch: 'z9hG4bKaccepted1' });
  t.equal(tx.rfcState, 'Accepted');
  await gc();
  t.throws(() => tx.request, { code: SipErrorCode.InvalidState }, 'the request is gone, not re-parsed from a kept copy');
  t.equal(tx.lastResponse, undefined, 'the response is gone too');
  // the machine still does its Accepted job without them
  t.equal(layer.receiveRequest(twin, source()).kind, 'absorbed', 'a retransmitted INVITE is absorbed by branch');
  const ack = makeRequest({ method: 'ACK', branch: 'z9hG4bKaccepted1', callId: twin.callId, cseq: 7, fromTag: 'ft', toTag: 'totag' });
  t.equal(layer.receiveRequest(ack, source()).kind, 'ack2xx', 'the ACK still goes to the TU');
  t.doesNotThrow(() => tx.respond(reply(twin, 200)), 'a 2xx from the TU is still checked against the CSeq and sent');
  t.throws(() => tx.respond(reply(makeRequest({ cseq: 8 }), 200)), { code: SipErrorCode.InvalidArgument }, 'another CSeq is still refused');
  layer.close();
});

t.test('in Accepted the machine gives the request up at once, even while the TU holds it (no weak reference)', async (t) => {
  const { layer } = single();
  const req = makeRequest({ branch: 'z9hG4bKaccepted2' });
  const d = layer.receiveRequest(req, source());
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  t.equal(d.tx.request, req, 'the very object until the final response');
  d.tx.respond(reply(req, 200));
  // No GC needed: nothing points to it from the machine any more. A WeakRef would have (V8's
  // young-generation collections keep WeakRef targets, so released messages went to the old
  // generation; wire.ts).
  t.throws(() => d.tx.request, { code: SipErrorCode.InvalidState }, 'the TU keeps its own reference');
  t.equal(req.method, 'INVITE', "the TU's object is untouched");
  layer.close();
});

t.test('an RFC 2543 INVITE (no magic cookie) keeps not its request, yet its ACK still matches', async (t) => {
  const { layer, tx, twin } = acceptedIst({ branch: null });
  await gc();
  t.throws(() => tx.request, { code: SipErrorCode.InvalidState }, 'not even the wire form is kept');
  t.equal(layer.receiveRequest(twin, source()).kind, 'absorbed', 'a retransmitted INVITE is absorbed by the RFC 2543 key');
  const ack = makeRequest({ method: 'ACK', branch: null, callId: twin.callId, cseq: 7, fromTag: 'ft', toTag: 'totag' });
  t.equal(layer.receiveRequest(ack, source()).kind, 'ack2xx', 'the ACK with the 2xx To tag matches (§17.2.3)');
  layer.close();
});
