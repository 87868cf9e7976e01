import t from 'tap';
import { TransportLayer, resolveLimits } from '../../../lib/transport/index.js';
import type { ConnectionClosedInfo } from '../../../lib/transport/types.js';
import { Collector, iap, rawTcp, requestText, sleep, startLayer, until } from './fixtures.js';

t.test('defaults of the hostile-input limits', async (t) => {
  const l = resolveLimits();
  t.equal(l.maxConnectionsPerAddress, 256);
  t.equal(l.partialMessageTimeout, 20000);
  t.throws(() => resolveLimits({ partialMessageTimeout: -1 }), /non-negative/);
});

t.test('partialMessageTimeout: a slowloris head, a silent connection and a half body are closed; a finished message is not', async (t) => {
  const closed: ConnectionClosedInfo[] = [];
  const user = new Collector();
  const layer = new TransportLayer({
    iaps: [iap('b', '127.0.0.1', ['tcp'])],
    // the idle timer is far away: only the partial-message timer can end these connections
    limits: { partialMessageTimeout: 200, idleConnectionTimeout: 60000 },
    user: Object.assign(user, { onConnectionClosed: (info: ConnectionClosedInfo) => closed.push(info) }),
  });
  t.teardown(() => layer.stop());
  await layer.start();
  const port = layer.boundAddresses('b')[0].port;

  const complete = await rawTcp(t, port);
  complete.socket.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-done' }));
  await user.nextRequest();

  const slow = await rawTcp(t, port);
  const head = requestText({ via: 'SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-slow' });
  let at = 0;
  // one byte every 20 ms: traffic all the time, so the idle timer alone would never fire
  const drip = setInterval(() => {
    if (!slow.socket.destroyed && at < head.length - 4) slow.socket.write(head[at++] as string);
  }, 20);
  t.teardown(() => clearInterval(drip));
  const silent = await rawTcp(t, port);
  const halfBody = await rawTcp(t, port);
  halfBody.socket.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-half', body: 'x'.repeat(100) }).slice(0, -50));

  await Promise.all([slow.closed, silent.closed, halfBody.closed]);
  clearInterval(drip);
  await until(() => closed.length === 3, 2000, 'three closes reported');
  t.same(closed.map((c) => c.reason), ['partialTimeout', 'partialTimeout', 'partialTimeout']);
  t.equal(layer.stats().dropped.partialTimeout, 3, 'counted');
  t.ok(at > 0 && at < head.length - 4, 'the slow peer was still dripping when it was cut');
  t.equal(user.all.length, 1, 'none of the unfinished messages reached the user');

  // the peer that finished its message keeps its connection past the timeout
  await sleep(300);
  t.notOk(complete.socket.destroyed, 'a connection between messages is not partial');
  t.equal(layer.stats().connections, 1);
});

t.test('partialMessageTimeout 0: only the idle timer applies', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])], limits: { partialMessageTimeout: 0, idleConnectionTimeout: 60000 } });
  const silent = await rawTcp(t, b.port('tcp'));
  silent.socket.write('INVITE sip:x@y SIP/2.0\r\n');
  await sleep(300);
  t.notOk(silent.socket.destroyed);
  t.equal(b.layer.stats().dropped.partialTimeout, 0);
});

t.test('maxConnectionsPerAddress: one more connection from the same address is closed at once and counted', async (t) => {
  const b = await startLayer(t, { iaps: [iap('b', '127.0.0.1', ['tcp'])], limits: { maxConnectionsPerAddress: 2 } });
  const port = b.port('tcp');
  const first = await rawTcp(t, port);
  await rawTcp(t, port);
  await until(() => b.layer.stats().connections === 2);
  const third = await rawTcp(t, port);
  await third.closed;
  t.equal(b.layer.stats().dropped.addressLimit, 1, 'counted as addressLimit');
  t.equal(b.layer.stats().dropped.connectionLimit, 0, 'not the IAP-wide limit');
  t.equal(b.layer.stats().connections, 2);

  // a slot freed by a close is free again: the per-address count follows the table
  first.socket.destroy();
  await until(() => b.layer.stats().connections === 1);
  const again = await rawTcp(t, port);
  again.socket.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-again' }));
  await b.user.nextRequest();
  t.equal(b.layer.stats().connections, 2);
  t.equal(b.layer.stats().dropped.addressLimit, 1);
});
