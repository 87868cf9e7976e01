/**
 * A refused INVITE (300-699) waits in Completed for Timer H (32 s on UDP) and keeps only what
 * retransmission and ACK matching need: the response as its wire form and the layer's key (RFC
 * 2543: plus the request's To tag). Neither the request nor the response object is held, so a
 * hostile or large INVITE is not kept 32 s after its refusal (issue 15). RFC 3261 §17.2.1 still
 * holds: a retransmitted INVITE gets the same final response, Timer G resends it, the ACK is absorbed.
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SipErrorCode } from '../../../include-types/errors.js';
import { serializeMessage, type SipRequest, type SipResponse } from '../../../lib/message/index.js';
import type { InviteServerTransaction } from '../../../lib/transaction/invite-server.js';
import { makeRequest, reply, single, source, type RequestOptions } from './harness.js';

setFlagsFromString('--expose-gc');
const gcNow = runInNewContext('gc') as () => void;
/** A full GC in a later job: WeakRef targets touched in this job are kept until it ends. */
async function gc(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gcNow();
}

interface Refused {
  layer: ReturnType<typeof single>['layer'];
  clock: ReturnType<typeof single>['clock'];
  transport: ReturnType<typeof single>['transport'];
  tx: InviteServerTransaction;
  twin: SipRequest;
  wire: string;
  gone: { request: WeakRef<SipRequest>; response: WeakRef<SipResponse> };
}

/**
 * An INVITE answered 503 and dropped by everyone but the machine, and a twin of it (same branch,
 * not the same object) to retransmit. Made in a function of its own so no local keeps them.
 */
function refusedIst(opts: RequestOptions): Refused {
  const { layer, clock, transport } = single();
  const made = (): SipRequest => makeRequest({ ...opts, callId: 'completed-memory@example.com', fromTag: 'ft', cseq: 3 });
  const req = made();
  const d = layer.receiveRequest(req, source());
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  const res = reply(req, 503);
  d.tx.respond(res);
  const wire = serializeMessage(res).toString('latin1');
  transport.sent.length = 0; // the fake transport would keep the response alive
  return { layer, clock, transport, tx: d.tx, twin: made(), wire, gone: { request: new WeakRef(req), response: new WeakRef(res) } };
}

function sentWire(transport: Refused['transport']): string[] {
  return transport.sent.map((s) => serializeMessage(s.message as SipResponse).toString('latin1'));
}

for (const [name, branch] of [
  ['RFC 3261', 'z9hG4bKcompleted1'],
  ['RFC 2543 (no magic cookie)', null],
] as const) {
  t.test(`${name}: a refused INVITE in Completed holds neither the request nor the response object`, async (t) => {
    const r = refusedIst({ branch });
    t.equal(r.tx.rfcState, 'Completed');
    await gc();
    t.equal(r.gone.request.deref(), undefined, 'the request was collected');
    t.equal(r.gone.response.deref(), undefined, 'the response object was collected (only its wire form is kept)');
    t.throws(() => r.tx.request, { code: SipErrorCode.InvalidState }, 'the request is not re-parsed from a kept copy');

    // RFC 3261 §17.2.1: a retransmitted INVITE gets the same final response again
    t.equal(r.layer.receiveRequest(r.twin, source()).kind, 'absorbed');
    t.same(sentWire(r.transport), [r.wire], 'the very same 503, from its wire form');
    r.transport.sent.length = 0;

    // Timer G (UDP) resends it
    r.clock.advance(500);
    t.same(sentWire(r.transport), [r.wire], 'Timer G resent the 503');

    // the ACK (To tag of the 503) is absorbed and confirms
    const ack = makeRequest({ method: 'ACK', branch, callId: r.twin.callId, cseq: 3, fromTag: 'ft', toTag: 'totag' });
    t.equal(r.layer.receiveRequest(ack, source()).kind, 'absorbed');
    t.equal(r.tx.rfcState, 'Confirmed');
    r.layer.close();
  });
}

t.test('RFC 2543: an ACK with another To tag does not match the refused INVITE', async (t) => {
  const r = refusedIst({ branch: null });
  await gc();
  const ack = makeRequest({ method: 'ACK', branch: null, callId: r.twin.callId, cseq: 3, fromTag: 'ft', toTag: 'other' });
  t.not(r.layer.receiveRequest(ack, source()).kind, 'absorbed');
  t.equal(r.tx.rfcState, 'Completed');
  r.layer.close();
});
