import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { TransportLayer } from '../../../lib/transport/index.js';
import { isSipError } from '../../../include-types/errors.js';
import { Collector, iap, makeRequest, rawUdp, requestText, startLayer } from './fixtures.js';
import { nodeArgsFor } from '../../helpers/ts-entry.js';

t.test('several IAPs and listeners; port 0 reported; stop is idempotent and closes all', async (t) => {
  const layer = new TransportLayer({
    iaps: [iap('one', '127.0.0.1', ['udp', 'tcp']), iap('two', '::1', ['udp', 'tcp'])],
    user: new Collector(),
  });
  t.teardown(() => layer.stop());
  await layer.start();
  for (const id of ['one', 'two']) {
    const bound = layer.boundAddresses(id);
    t.equal(bound.length, 2);
    t.ok(bound.every((b) => b.port > 0), `${id}: chosen ports reported`);
  }
  t.equal(layer.boundAddresses('two')[0].family, 6);
  t.match(layer.stats(), { udpSockets: 2, streamListeners: 2, connections: 0 });
  await t.rejects(layer.start(), { code: 'InvalidState' }, 'start twice');
  t.throws(() => layer.boundAddresses('nope'), { code: 'UnknownIap' });
  await t.rejects(
    layer.sendRequest(makeRequest(), { protocol: 'udp', address: '127.0.0.1', port: 9, iapId: 'nope' }),
    { code: 'UnknownIap' },
  );
  await layer.stop();
  await layer.stop();
  t.match(layer.stats(), { udpSockets: 0, streamListeners: 0, connections: 0 });
  await t.rejects(
    layer.sendRequest(makeRequest(), { protocol: 'udp', address: '127.0.0.1', port: 9, iapId: 'one' }),
    { code: 'StackShutdown' },
  );
});

t.test('bad settings are refused', async (t) => {
  t.throws(() => new TransportLayer({ iaps: [iap('x', '127.0.0.1', ['udp']), iap('x', '::1', ['udp'])] }), {
    code: 'InvalidArgument',
  });
  t.throws(() => new TransportLayer({ iaps: [{ id: 'x', listen: [] }] }), { code: 'InvalidArgument' });
  t.throws(() => new TransportLayer({ iaps: [], limits: { maxConnections: -1 } }), { code: 'InvalidArgument' });
  t.throws(() => new TransportLayer({ iaps: [], limits: { idleConnectionTimeout: 1.5 } }), { code: 'InvalidArgument' });
  t.match(new TransportLayer({ iaps: [], limits: { maxMessageSize: 4000 } }).limits, {
    maxMessageSize: 4000,
    maxBufferedBytesPerConnection: 4000,
    maxConnections: 1024,
    idleConnectionTimeout: 120000,
    keepAliveInterval: 0,
  }, 'defaults as documented');
  const noCert = new TransportLayer({ iaps: [iap('x', '127.0.0.1', ['tls'])] });
  await t.rejects(noCert.start(), { code: 'InvalidArgument' }, 'tls without cert/key');
});

t.test('a port already in use fails start() and leaves nothing bound', async (t) => {
  const taken = createSocket('udp4');
  await new Promise<void>((r) => taken.bind(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => taken.close(() => r())));
  const layer = new TransportLayer({
    iaps: [{ id: 'x', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }, { protocol: 'udp', address: '127.0.0.1', port: taken.address().port }] }],
  });
  const err = await layer.start().catch((e: unknown) => e);
  t.ok(isSipError(err, 'TransportError'));
  t.match((err as Error).message, /EADDRINUSE/);
  t.match(layer.stats(), { udpSockets: 0, streamListeners: 0 });
  const tcpPort = layer.boundAddresses('x')[0].port;
  t.ok(tcpPort > 0, 'the TCP listener had been bound');
  const again = createServer();
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.listen(tcpPort, '127.0.0.1', resolve);
  });
  await new Promise<void>((r) => again.close(() => r()));
  t.pass('its port was released');
});

t.test('a throwing TransportUser or no user at all does not break the socket', async (t) => {
  const user = new Collector();
  let calls = 0;
  user.onRequest = () => {
    calls += 1;
    throw new Error('app bug');
  };
  const layer = new TransportLayer({ iaps: [iap('b', '127.0.0.1', ['udp'])] });
  t.teardown(() => layer.stop());
  await layer.start();
  const port = layer.boundAddresses('b')[0].port;
  const peer = await rawUdp(t);
  peer.socket.send(requestText(), port, '127.0.0.1');
  const deadline = Date.now() + 2000;
  while (layer.stats().dropped.noUser === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.equal(layer.stats().dropped.noUser, 1, 'dropped while no user was set');
  layer.setUser(user);
  peer.socket.send(requestText(), port, '127.0.0.1');
  peer.socket.send(requestText(), port, '127.0.0.1');
  while (calls < 2 && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 10));
  t.equal(calls, 2, 'both delivered although the first threw');
});

t.test('after stop() the process has no handles left: a child exits by itself', async (t) => {
  const child = fileURLToPath(new URL('./stop-child.ts', import.meta.url));
  const proc = spawn(process.execPath, nodeArgsFor(child), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const started = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve(null);
    }, 15000);
    proc.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  t.equal(code, 0, `child exited by itself (${Date.now() - started} ms) ${err}`);
  const report = JSON.parse(out.trim()) as Record<string, unknown>;
  t.match(report, {
    connectionsBefore: 8,
    udpBefore: 2,
    listenersBefore: 8,
    after: { connections: 0, udpSockets: 0, streamListeners: 0 },
    interruptedStart: 'StackShutdown',
    interruptedStats: { udpSockets: 0, streamListeners: 0, connections: 0 },
  });
});

t.test('startLayer fixture stops its layer (sanity for the other tests)', async (t) => {
  const { layer } = await startLayer(t, { iaps: [iap('z', '127.0.0.1', ['udp'])] });
  t.equal(layer.stats().udpSockets, 1);
});
