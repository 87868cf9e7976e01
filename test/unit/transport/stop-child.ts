/**
 * Run by lifecycle.test.ts in a child process: exercises UDP, TCP, TLS, WS and WSS with keep-alive and idle
 * timers armed, stops both layers, and then must exit by itself (no handle left behind).
 */
import { createResponse } from '../../../lib/message/index.js';
import { TransportLayer } from '../../../lib/transport/index.js';
import { testCerts } from '../../helpers/tls-cert.js';
import { Collector, makeRequest } from './fixtures.js';

const certs = testCerts();
const tls = { cert: certs.cert, key: certs.key, ca: certs.ca };
const listen = (address: string) =>
  (['udp', 'tcp', 'tls', 'ws', 'wss'] as const).map((protocol) => ({ protocol, address, port: 0, tls }));
const limits = { keepAliveInterval: 1000, idleConnectionTimeout: 60000 };
const ua = new Collector();
const ub = new Collector();
const a = new TransportLayer({ iaps: [{ id: 'a', listen: [...listen('127.0.0.1'), ...listen('::1')] }], limits, user: ua });
const b = new TransportLayer({ iaps: [{ id: 'b', listen: [...listen('127.0.0.1'), ...listen('::1')] }], limits, user: ub });
await a.start();
await b.start();
for (const bound of b.boundAddresses('b')) {
  await a.sendRequest(makeRequest(), { protocol: bound.protocol, address: bound.address, port: bound.port, iapId: 'a' });
  const got = await ub.nextRequest();
  await b.sendResponse(createResponse(got.msg, 200), got.source);
  await ua.nextResponse();
}
const before = { a: a.stats(), b: b.stats() };
await a.stop();
await b.stop();
await a.stop(); // idempotent
const after = b.stats();
// stop() while start() is still binding must not leave a socket behind either.
const c = new TransportLayer({ iaps: [{ id: 'c', listen: [...listen('127.0.0.1'), ...listen('::1')] }], limits });
const starting = c.start().catch((e: unknown) => e);
await c.stop();
const startResult = await starting;
process.stdout.write(
  JSON.stringify({
    connectionsBefore: before.a.connections,
    udpBefore: before.a.udpSockets,
    listenersBefore: before.a.streamListeners,
    after: { connections: after.connections, udpSockets: after.udpSockets, streamListeners: after.streamListeners },
    interruptedStart: (startResult as { code?: string } | undefined)?.code ?? 'resolved',
    interruptedStats: c.stats(),
  }) + '\n',
);
