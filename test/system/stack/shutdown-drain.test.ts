/**
 * SipStack.shutdown() lets sends already handed to the transport finish before the sockets close
 * (bounded by its grace): a final response given to the stack just before shutdown reaches the
 * peer, over real loopback TCP.
 */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { ResolvedTarget, Resolver } from '../../../include-types/settings.js';
import { createResponse, parseMessage, type SipResponse } from '../../../lib/message/index.js';
import { MAX_SHUTDOWN_GRACE_MS, SipStack, type StackUser } from '../../../lib/stack/index.js';
import type { ServerTransaction } from '../../../lib/transaction/index.js';

const timers = { t1: 40, t2: 320, t4: 200, trying100Delay: 200 };

function request(method: string, viaTransport: string, viaHost: string, viaPort: number, n: number, viaParams = ''): string {
  return (
    `${method} sip:uas@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/${viaTransport} ${viaHost}:${viaPort};branch=z9hG4bKdrain${n}${viaParams}\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:peer@test>;tag=p${n}\r\n` +
    'To: <sip:uas@test>\r\n' +
    `Call-ID: drain${n}@test\r\n` +
    `CSeq: 1 ${method}\r\n` +
    `Contact: <sip:peer@${viaHost}:${viaPort}>\r\n` +
    'Content-Length: 0\r\n\r\n'
  );
}

/** A TCP server standing for the peer's listening port; collects every SIP response it gets. */
async function peerListener(t: Tap): Promise<{ port: number; responses: SipResponse[]; got: (n: number, ms: number) => Promise<boolean> }> {
  const responses: SipResponse[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    let buf = Buffer.alloc(0);
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return; // bodies are empty here
      const msg = parseMessage(buf.subarray(0, end + 4));
      buf = buf.subarray(end + 4);
      if (msg.isResponse()) responses.push(msg);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  const port = (server.address() as { port: number }).port;
  const got = async (n: number, ms: number): Promise<boolean> => {
    const end = Date.now() + ms;
    while (responses.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return responses.length >= n;
  };
  return { port, responses, got };
}

interface Tap {
  teardown(fn: () => unknown): void;
}

async function tcpStack(resolver?: Resolver): Promise<{ stack: SipStack; port: number; handed: ServerTransaction[]; warnings: string[] }> {
  const handed: ServerTransaction[] = [];
  const warnings: string[] = [];
  const user: StackUser = { uid: 'uas', methods: ['OPTIONS', 'MESSAGE'], claim: () => 'connection', onRequest: (tx) => void handed.push(tx) };
  const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
  const listen = [{ protocol: 'tcp' as const, address: '127.0.0.1', port: 0 }, { protocol: 'udp' as const, address: '127.0.0.1', port: 0 }];
  const stack = new SipStack({ iaps: [{ id: 'main', listen }], timers, logger, resolver });
  stack.addUser(user);
  await stack.start();
  return { stack, port: stack.boundAddresses('main').find((b) => b.protocol === 'tcp')?.port ?? 0, handed, warnings };
}

/** Sends one request over a fresh TCP connection, then closes it once the stack has the request. */
async function sendAndHangUp(port: number, text: string, until: () => boolean): Promise<void> {
  const s = connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined);
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.write(text);
  const end = Date.now() + 2000;
  while (!until() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  s.end();
  await new Promise<void>((r) => s.once('close', () => r()));
}

t.test('a final response handed over just before shutdown reaches the peer (new connection, RFC 3261 §18.2.2)', async (t) => {
  const peer = await peerListener(t);
  const { stack, port, handed, warnings } = await tcpStack();
  await sendAndHangUp(port, request('OPTIONS', 'TCP', '127.0.0.1', peer.port, 1), () => handed.length === 1);
  // the request's connection is gone: the response must open a new one to the Via's sent-by
  const end = Date.now() + 2000;
  while (stack.stats().transport.connections > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  t.equal(stack.stats().transport.connections, 0, "the request's connection closed");
  const tx = handed[0];
  tx.respond(createResponse(tx.request, 200, undefined, 'uas'));
  const started = Date.now();
  await stack.shutdown();
  t.ok(Date.now() - started < MAX_SHUTDOWN_GRACE_MS, 'shutdown did not wait for the grace to run out');
  t.ok(await peer.got(1, 1000), 'the 200 arrived');
  t.equal(peer.responses[0]?.status, 200);
  t.equal(peer.responses[0]?.callId, 'drain1@test');
  t.same(warnings, []);
  t.equal(stack.stats().transport.connections, 0, 'every socket closed after the drain');
  t.equal(stack.stats().transport.streamListeners, 0);
});

t.test('responses on the open connection and on a new one, both just before shutdown', async (t) => {
  const peer = await peerListener(t);
  const { stack, port, handed } = await tcpStack();
  // one request whose connection stays open, one whose connection is gone
  const open = connect({ host: '127.0.0.1', port });
  open.on('error', () => undefined);
  const onOpen: Buffer[] = [];
  open.on('data', (c: Buffer) => onOpen.push(c));
  const closed = new Promise<void>((r) => open.once('close', () => r()));
  await new Promise<void>((r) => open.once('connect', () => r()));
  t.teardown(() => open.destroy());
  open.write(request('MESSAGE', 'TCP', '127.0.0.1', peer.port, 2));
  await sendAndHangUp(port, request('OPTIONS', 'TCP', '127.0.0.1', peer.port, 3), () => handed.length === 2);
  const end = Date.now() + 2000;
  while (stack.stats().transport.connections > 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  for (const tx of handed) tx.respond(createResponse(tx.request, 202, undefined, 'uas'));
  await stack.shutdown();
  t.ok(await peer.got(1, 1000), 'the response needing a new connection arrived');
  await closed;
  t.match(Buffer.concat(onOpen).toString('latin1'), /^SIP\/2\.0 202 /, 'the response on the open connection arrived before it closed');
});

t.test('a send that never finishes holds shutdown back only for the grace, with a warning', async (t) => {
  // a resolver that never answers: a response to a Via host name stays in flight
  const stuck: Resolver = { resolve: () => new Promise<ResolvedTarget[]>(() => undefined) };
  const { stack, handed, warnings } = await tcpStack(stuck);
  // over UDP, a Via maddr names where the response goes (RFC 3261 §18.2.2): a name to resolve
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  t.teardown(() => udp.close());
  const udpPort = stack.boundAddresses('main').find((b) => b.protocol === 'udp')?.port ?? 0;
  udp.send(request('OPTIONS', 'UDP', '127.0.0.1', udp.address().port, 4, ';maddr=peer.invalid'), udpPort, '127.0.0.1');
  const end = Date.now() + 2000;
  while (handed.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  handed[0].respond(createResponse(handed[0].request, 200, undefined, 'uas'));
  const started = Date.now();
  await stack.shutdown({ graceMs: 200 });
  const took = Date.now() - started;
  t.ok(took >= 190 && took < 1500, `waited about the grace (${took} ms)`);
  t.equal(warnings.filter((w) => /grace/.test(w)).length, 1, 'warned');
  t.equal(stack.stats().transport.streamListeners, 0, 'closed anyway');
});

t.test('graceMs 0 closes at once; a second shutdown returns the same promise', async (t) => {
  const { stack } = await tcpStack();
  const a = stack.shutdown({ graceMs: 0 });
  const b = stack.shutdown();
  t.equal(a, b);
  await a;
  t.notOk(stack.isRunning);
});
