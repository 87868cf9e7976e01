/**
 * While a 2xx waits for its ACK (up to 64*T1), the retransmitter keeps it as its wire form once the
 * first retransmission is out: nothing else of the retransmitter may keep the parsed response (a
 * timer callback sharing a V8 context with it did, and so kept the INVITE's text through the
 * response's copied headers for the whole window).
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SipResponse } from '../../../lib/message/index.js';
import { makeRequest, reply, single, source } from './harness.js';

setFlagsFromString('--expose-gc');
const gcNow = runInNewContext('gc') as () => void;
/** A full GC in a later job: WeakRef targets touched in this job are kept until it ends. */
async function gc(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gcNow();
}

t.test('after the first retransmission the parsed 2xx is held by nobody, and is parsed again for the next', async (t) => {
  const { layer, transport, clock } = single();
  const invite = makeRequest({ branch: 'z9hG4bKretransmitmemory' });
  const d = layer.receiveRequest(invite, source());
  if (d.kind !== 'new' || d.tx.kind !== 'ist') throw new Error('expected an INVITE server transaction');
  let ok: SipResponse | undefined = reply(invite, 200, 'uas');
  ok.headers.set('X-Marker', 'kept-on-the-wire');
  const watch = new WeakRef(ok);
  const firstWire = ok.toString();
  layer.retransmit2xxUntilAck(d.tx, ok);
  ok = undefined;
  clock.advance(600); // the first retransmission, at T1
  t.same(transport.responseTimes(200), [0, 500]);
  transport.sent.length = 0; // the fake transport would keep the response alive
  await gc();
  t.equal(watch.deref(), undefined, 'the parsed 2xx was collected while its retransmission goes on');
  clock.advance(1000); // the second, at 3*T1
  const again = transport.responses(200);
  t.equal(again.length, 1, 'retransmitted again');
  t.equal(again[0]?.toString(), firstWire, 'from the wire form: the same bytes');
  t.equal(layer.stats().retransmitting2xx, 1);
  layer.close();
});
