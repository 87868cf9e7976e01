/**
 * TransactionLayer.onServerTerminated: one listener told once per server transaction when it
 * ends, before and regardless of `tx.user` (the UAS core's §8.2.2.2 and INVITE-owner cleanup).
 */
import t from 'tap';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { TransactionLayer } from '../../../lib/transaction/layer.js';
import type { ServerTransaction } from '../../../lib/transaction/layer-types.js';
import { FakeTransport, flush } from '../../helpers/fake-transport.js';
import { makeRequest, reply, source } from './harness.js';

function setup() {
  const clock = new FakeClock();
  const errors: string[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
  const layer = new TransactionLayer({ transport: new FakeTransport(() => clock.now()), clock, logger });
  const order: string[] = [];
  const seen: ServerTransaction[] = [];
  layer.onServerTerminated((tx) => {
    seen.push(tx);
    order.push(`hook:${tx.kind}`);
  });
  return { clock, layer, order, seen, errors };
}

t.test('told once per server transaction, before tx.user.onTerminated, whatever tx.user is', async (t) => {
  const { clock, layer, order, seen } = setup();
  const inv = makeRequest({ method: 'INVITE' });
  const opt = makeRequest({ method: 'OPTIONS' });
  const d1 = layer.receiveRequest(inv, source());
  const d2 = layer.receiveRequest(opt, source());
  if (d1.kind !== 'new' || d2.kind !== 'new') throw new Error('expected new transactions');
  d1.tx.user = { onTerminated: () => void order.push('user:ist') };
  d2.tx.user = {}; // nothing of the user's own
  d1.tx.respond(reply(inv, 486));
  d2.tx.respond(reply(opt, 200));
  await flush();
  clock.advance(64 * 500 + 1);
  await flush();
  t.same(seen.map((x) => x.kind).sort(), ['ist', 'nist']);
  t.ok(seen.includes(d1.tx) && seen.includes(d2.tx), 'the transactions themselves');
  t.ok(order.indexOf('hook:ist') < order.indexOf('user:ist'), 'the hook runs first');
  clock.runAll();
  await flush();
  t.equal(seen.length, 2, 'once each');
  layer.close();
  t.equal(seen.length, 2, 'close() does not repeat it');
});

t.test('close() ends live server transactions through the hook; a throwing hook is logged, not thrown', async (t) => {
  const { layer, seen, errors } = setup();
  layer.receiveRequest(makeRequest({ method: 'INVITE' }), source());
  const d = layer.receiveRequest(makeRequest({ method: 'MESSAGE' }), source());
  if (d.kind !== 'new') throw new Error('expected a new transaction');
  layer.onServerTerminated((tx) => {
    seen.push(tx);
    throw new Error('listener failed');
  });
  t.doesNotThrow(() => layer.close());
  t.equal(seen.length, 2);
  t.equal(errors.length, 2);
  t.equal(d.tx.endReason, 'Closed');
});

t.test('client transactions do not reach it', async (t) => {
  const { layer, seen } = setup();
  const tx = layer.sendRequest(makeRequest({ method: 'OPTIONS', branch: null }), { protocol: 'udp', address: '198.51.100.7', port: 5060, iapId: 'test' }, {
    onProvisional() {},
    onFinal() {},
    onTimeout() {},
    onTransportError() {},
  });
  layer.close();
  t.ok(tx.terminated);
  t.equal(seen.length, 0);
  layer.onServerTerminated(undefined);
});
