/**
 * The SRC's MSRP sender (RFC 4975) against an in-test TCP server: the binding SEND first, chunks
 * of `chunkSize` with Byte-Range and +/$, one transaction at a time (the next chunk only after the
 * 200), the transaction timeout, the bounded queue, pause, close (drain, or '#' for the message in
 * flight), error responses (413/415 drop the message, others fail the stream), connect failure.
 * Also the offer's MSRP attributes and the reading of the SRS's a=setup.
 */
import { createServer, type Server, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { buildMsrpResponse, firstUri, MsrpParser, parseByteRange, type MsrpFrame } from '../../../../lib/siprec/msrp/index.js';
import { MsrpSender, type MsrpSenderFailure, type MsrpSenderOptions } from '../../../../lib/siprec/src/msrp-sender.js';
import { MsrpStreams } from '../../../../lib/siprec/src/msrp-streams.js';
import { buildOfferSdp } from '../../../../lib/siprec/body/index.js';
import { parseSdp } from '../../../../lib/message/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

const FROM = 'msrp://127.0.0.1:9/src0001;tcp';

interface Peer {
  server: Server;
  port: number;
  path: string;
  frames: MsrpFrame[];
  socks: Socket[];
  /** Status per request (default 200); undefined: no response. */
  status: (f: MsrpFrame, n: number) => number | undefined;
  reply(f: MsrpFrame, status: number): void;
  waitFrames(n: number, ms?: number): Promise<void>;
}

/** A receiving MSRP endpoint that records every frame and answers as `status` says. */
async function peer(t: Test): Promise<Peer> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const p: Peer = {
    server, port, path: `msrp://127.0.0.1:${port}/srs0001;tcp`, frames: [], socks: [],
    status: () => 200,
    reply: (f, status) => p.socks[0]?.write(buildMsrpResponse(f.transactionId, status, status === 200 ? 'OK' : 'Error', firstUri(f.headers.get('from-path') ?? ''), p.path)),
    waitFrames: async (n, ms = 3000) => {
      for (let i = 0; i < ms / 10 && p.frames.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    },
  };
  server.on('connection', (s) => {
    p.socks.push(s);
    const parser = new MsrpParser();
    s.on('data', (d: Buffer) => {
      for (const f of parser.push(d)) {
        p.frames.push(f);
        const st = p.status(f, p.frames.length);
        if (st !== undefined) p.reply(f, st);
      }
    });
    s.on('error', () => undefined);
  });
  t.teardown(() => { for (const s of p.socks) s.destroy(); server.close(); });
  return p;
}

function sender(t: Test, p: Peer, extra: Partial<MsrpSenderOptions> = {}): { s: MsrpSender; failures: MsrpSenderFailure[]; drops: [string, number, number | undefined][] } {
  const failures: MsrpSenderFailure[] = [];
  const drops: [string, number, number | undefined][] = [];
  const s = new MsrpSender({ toPath: p.path, fromPath: FROM, onFailed: (f) => failures.push(f), onDropped: (r, b, st) => drops.push([r, b, st]), ...extra });
  t.teardown(() => s.close(0));
  return { s, failures, drops };
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  for (let i = 0; i < ms / 10 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

t.test('binding SEND, chunking, one transaction at a time', async (t) => {
  const p = await peer(t);
  const held: MsrpFrame[] = [];
  p.status = (f) => { held.push(f); return undefined; }; // answer by hand
  const { s, failures } = sender(t, p, { chunkSize: 4 });
  s.start();
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.from('0123456789') }), 'queued', 'queued while connecting');
  await p.waitFrames(1);
  const bind = p.frames[0];
  t.same([bind.method, bind.body, bind.headers.get('byte-range'), bind.headers.get('to-path'), bind.headers.get('from-path')], ['SEND', undefined, '1-0/0', p.path, FROM], 'a bodiless SEND binds the connection first (RFC 4975 §5.4)');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(p.frames.length, 1, 'nothing more before its 200');
  p.reply(held.shift()!, 200);
  for (const want of [['1-4/10', '0123', '+'], ['5-8/10', '4567', '+'], ['9-10/10', '89', '$']]) {
    await until(() => held.length > 0);
    const n = p.frames.length;
    await new Promise((r) => setTimeout(r, 50));
    t.equal(p.frames.length, n, 'no second chunk in flight while the first waits for its 200');
    const f = held.shift()!;
    t.same([f.headers.get('byte-range'), f.body?.toString(), f.flag], want);
    p.reply(f, 200);
  }
  await until(() => s.stats.sent === 1);
  t.same([s.stats.sent, s.stats.chunks, s.stats.bytes], [1, 3, 10]);
  const ids = new Set(p.frames.slice(1).map((f) => f.headers.get('message-id')));
  t.equal(ids.size, 1, 'one Message-ID for every chunk of the message');
  t.equal(new Set(p.frames.map((f) => f.transactionId)).size, p.frames.length, 'a new transact-id per request');
  t.same(failures, []);
});

t.test('a SEND without a response in time fails the stream (timeout)', async (t) => {
  const p = await peer(t);
  p.status = (f, n) => (n === 1 ? 200 : undefined);
  const { s, failures, drops } = sender(t, p, { transactionTimeoutMs: 200 });
  s.start();
  s.send({ contentType: 'text/plain', body: Buffer.from('never answered') });
  s.send({ contentType: 'text/plain', body: Buffer.from('queued behind it') });
  await until(() => failures.length > 0);
  t.same(failures.map((f) => f.reason), ['timeout']);
  t.equal(s.state, 'failed');
  t.same(drops, [['failed', 16, undefined]], 'what was queued is dropped and reported');
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.from('late') }), 'closed');
});

t.test('bounded queue: messages and bytes', async (t) => {
  const p = await peer(t);
  p.status = (f, n) => (n === 1 ? 200 : undefined); // the first message hangs: the rest queue up
  const { s, drops } = sender(t, p, { maxQueueMessages: 3, maxQueueBytes: 100 });
  s.start();
  await p.waitFrames(1);
  await until(() => s.state === 'open');
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.alloc(10) }), 'queued', 'in flight');
  await p.waitFrames(2);
  const results = [1, 2, 3, 4].map(() => s.send({ contentType: 'text/plain', body: Buffer.alloc(10) }));
  t.same(results, ['queued', 'queued', 'queued', 'full'], 'a fourth waiting message is over maxQueueMessages');
  t.equal(s.queued, 3);
  t.same(drops, [['queueFull', 10, undefined]]);
  const { s: s2, drops: d2 } = sender(t, p, { maxQueueMessages: 100, maxQueueBytes: 100 });
  t.same([s2.send({ contentType: 'x/y', body: Buffer.alloc(60) }), s2.send({ contentType: 'x/y', body: Buffer.alloc(41) }), s2.send({ contentType: 'x/y', body: Buffer.alloc(40) })], ['queued', 'full', 'queued'], 'maxQueueBytes counts body bytes');
  t.same(d2, [['queueFull', 41, undefined]]);
  t.equal(s.stats.dropped, 1);
});

t.test('pause: the message in flight finishes, later ones are counted, resume sends the queue', async (t) => {
  const p = await peer(t);
  const { s } = sender(t, p, { chunkSize: 5 });
  s.start();
  await until(() => s.state === 'open');
  s.send({ contentType: 'text/plain', body: Buffer.from('queued before the pause') });
  s.setPaused(true);
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.from('fed while paused') }), 'paused');
  await until(() => s.stats.sent === 1);
  await new Promise((r) => setTimeout(r, 100));
  const bodies = (): string[] => p.frames.filter((f) => f.body).map((f) => f.body!.toString());
  t.same(bodies().join(''), 'queued before the pause', 'the message in flight went out whole');
  t.same([s.stats.sent, s.stats.notSentPaused], [1, 1]);
  s.setPaused(true);
  s.setPaused(false);
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.from('after') }), 'queued');
  await until(() => s.stats.sent === 2);
  t.ok(bodies().join('').endsWith('after'));
  t.notOk(bodies().join('').includes('fed while paused'), 'nothing of the pause sent');
});

t.test('close: the queue drains; past the grace the message in flight ends with #', async (t) => {
  const p = await peer(t);
  const { s } = sender(t, p, { chunkSize: 8 });
  s.start();
  s.send({ contentType: 'text/plain', body: Buffer.from('first message, two chunks') });
  s.send({ contentType: 'text/plain', body: Buffer.from('second') });
  await s.close(2000);
  t.same([s.stats.sent, s.stats.dropped, s.stats.aborted, s.state], [2, 0, 0, 'closed'], 'drained before closing');
  t.equal(s.send({ contentType: 'text/plain', body: Buffer.from('x') }), 'closed');

  const p2 = await peer(t);
  let chunks = 0;
  // The first chunk is answered at once; later ones only after 300 ms: the grace (50 ms) runs out mid-message.
  p2.status = (f) => {
    if (f.body === undefined) return 200;
    if (++chunks === 1) return 200;
    setTimeout(() => p2.reply(f, 200), 300);
    return undefined;
  };
  const { s: s2 } = sender(t, p2, { chunkSize: 4 });
  s2.start();
  s2.send({ contentType: 'text/plain', body: Buffer.from('0123456789abcdef') });
  s2.send({ contentType: 'text/plain', body: Buffer.from('never sent') });
  await until(() => chunks >= 2);
  await s2.close(50);
  const sends = p2.frames.filter((f) => f.method === 'SEND' && f.headers.get('byte-range') !== '1-0/0');
  const last = sends.at(-1)!;
  t.equal(last.flag, '#', "the message in flight ends with a '#' chunk");
  t.same([last.body, parseByteRange(last.headers.get('byte-range'))], [undefined, { start: 9, total: 16 }], 'after the 8 bytes sent');
  t.equal(new Set(sends.map((f) => f.headers.get('message-id'))).size, 1, 'the second message never started');
  t.same([s2.stats.sent, s2.stats.aborted, s2.stats.dropped], [0, 1, 1]);
});

t.test('error responses: 413/415 drop that message, others fail the stream', async (t) => {
  const p = await peer(t);
  p.status = (f) => (f.body?.toString() === 'too big' ? 413 : f.body?.toString() === 'bad type' ? 415 : 200);
  const { s, failures, drops } = sender(t, p);
  s.start();
  for (const b of ['ok 1', 'too big', 'bad type', 'ok 2']) s.send({ contentType: 'text/plain', body: Buffer.from(b) });
  await until(() => s.stats.sent === 2);
  t.same(drops, [['rejected', 7, 413], ['rejected', 8, 415]]);
  t.same(failures, []);
  p.status = () => 481;
  s.send({ contentType: 'text/plain', body: Buffer.from('gone') });
  await until(() => failures.length > 0);
  t.same(failures.map((f) => [f.reason, f.statusCode]), [['response', 481]]);

  const p2 = await peer(t);
  p2.status = () => 403;
  const { s: s2, failures: f2 } = sender(t, p2);
  s2.start();
  await until(() => f2.length > 0);
  t.same(f2.map((f) => [f.reason, f.statusCode]), [['response', 403]], 'the binding SEND refused');
});

t.test('connection refused, the SRS closing, an unusable a=path', async (t) => {
  const p = await peer(t);
  const port = p.port;
  await new Promise<void>((r) => p.server.close(() => r()));
  const { s, failures } = sender(t, { ...p, path: `msrp://127.0.0.1:${port}/x;tcp` });
  s.start();
  await until(() => failures.length > 0);
  t.same(failures.map((f) => f.reason), ['connect']);

  const p2 = await peer(t);
  const { s: s2, failures: f2 } = sender(t, p2);
  s2.start();
  await until(() => s2.state === 'open');
  p2.socks[0].destroy();
  await until(() => f2.length > 0);
  t.same(f2.map((f) => f.reason), ['closed']);

  for (const bad of ['msrps://127.0.0.1:1/x;tcp', 'msrp://127.0.0.1:1/x;udp', 'nonsense']) {
    const { s: s3, failures: f3 } = sender(t, { ...p2, path: bad });
    s3.start();
    t.same(f3.map((f) => f.reason), ['connect'], `${bad}: refused at once`);
  }
  t.throws(() => new MsrpSender({ toPath: p2.path, fromPath: FROM, chunkSize: 0 }), RangeError);
});

t.test('requests from the SRS: REPORT unanswered, SEND 403', async (t) => {
  const p = await peer(t);
  const { s } = sender(t, p);
  s.start();
  await until(() => s.state === 'open');
  const n = p.frames.length;
  const sock = p.socks[0];
  sock.write(`MSRP rep00001 REPORT\r\nTo-Path: ${FROM}\r\nFrom-Path: ${p.path}\r\nStatus: 000 200 OK\r\n-------rep00001$\r\n`);
  sock.write(`MSRP snd00001 SEND\r\nTo-Path: ${FROM}\r\nFrom-Path: ${p.path}\r\nMessage-ID: x1234\r\n-------snd00001$\r\n`);
  await p.waitFrames(n + 1);
  await new Promise((r) => setTimeout(r, 50));
  t.same(p.frames.slice(n).map((f) => [f.transactionId, f.status]), [['snd00001', 403]]);
});

t.test('the offer and the answer: a=path, a=accept-types, a=setup', async (t) => {
  const sdp = parseSdp(buildOfferSdp([{ label: 'chat', media: 'message', port: 9, msrp: { path: FROM, acceptTypes: ['text/plain', 'message/cpim'] } }], { address: '127.0.0.1', sessionId: 1, version: 1 }));
  const m = sdp.media[0];
  const attrs = ((m as { invalid?: { value: string }[] }).invalid ?? []).map((x) => x.value);
  t.same([m.type, m.port, m.protocol, m.payloads, m.setup, m.direction, m.label], ['message', 9, 'TCP/MSRP', '*', 'active', 'sendonly', 'chat']);
  t.same(attrs, ['accept-types:text/plain message/cpim', `path:${FROM}`]);
  const failed: string[] = [];
  const streams = new MsrpStreams({}, '127.0.0.1', { failed: (l, r) => failed.push(`${l}:${r}`), dropped: () => undefined });
  const offered = streams.add('chat');
  t.match(offered, { port: 9, acceptTypes: ['*'] });
  t.match(offered.path, /^msrp:\/\/127\.0\.0\.1:9\/[A-Za-z0-9_-]{12};tcp$/);
  const answer = (setup: string): string => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=message 7000 TCP/MSRP *', 'a=accept-types:*', 'a=path:msrp://127.0.0.1:1/zz;tcp', ...(setup ? [`a=setup:${setup}`] : []), 'a=recvonly', ''].join('\r\n');
  streams.applyAnswer(answer('holdconn'), ['chat']);
  t.same(failed, ['chat:setup'], 'holdconn: no connection, said so');
  streams.applyAnswer(answer('holdconn'), ['chat']);
  t.same(failed, ['chat:setup'], 'said once, not again on the next re-INVITE answer');
  const s2 = new MsrpStreams({}, '127.0.0.1', { failed: (l, r) => failed.push(`${l}:${r}`), dropped: () => undefined });
  s2.add('chat');
  s2.applyAnswer(answer('active'), ['chat']);
  t.same(failed, ['chat:setup', 'chat:setup'], 'active is no answer to an active offer (RFC 4145 §4.1)');
  t.equal(s2.send('chat', { contentType: 'text/plain', body: 'x' }), false);
  t.same(s2.stats().chat.dropped, 1, 'a message for a stream without a connection is counted');
  const s3 = new MsrpStreams({}, '127.0.0.1', { failed: (l, r) => failed.push(`${l}:${r}`), dropped: () => undefined });
  s3.add('chat');
  s3.applyAnswer(answer('passive').replace('a=path:msrp://127.0.0.1:1/zz;tcp\r\n', ''), ['chat']);
  s3.applyAnswer(answer('').replace('a=path:msrp://127.0.0.1:1/zz;tcp\r\n', ''), ['chat']);
  t.same(failed.slice(2), ['chat:connect'], 'no a=path in the answer: said once');
  await streams.close();
  await s2.close();
  await s3.close();
});

t.test('the connect and transaction timeouts run on the clock (FakeClock: exactly at the setting)', async (t) => {
  // connect: time moves past connectTimeoutMs before the loopback connection can complete
  const p = await peer(t);
  const clock = new FakeClock();
  const { s, failures } = sender(t, p, { clock, connectTimeoutMs: 7000 });
  s.start();
  clock.advance(6999);
  t.same(failures, [], 'not before connectTimeoutMs');
  clock.advance(1);
  t.same(failures.map((f) => f.reason), ['connect'], 'no TCP connection in time');
  t.equal(s.state, 'failed');

  // transaction: the binding SEND answered, the next never
  const p2 = await peer(t);
  p2.status = (_f, n) => (n === 1 ? 200 : undefined);
  const clock2 = new FakeClock();
  const { s: s2, failures: f2 } = sender(t, p2, { clock: clock2, transactionTimeoutMs: 30_000 });
  s2.start();
  s2.send({ contentType: 'text/plain', body: Buffer.from('never answered') });
  await p2.waitFrames(2);
  t.equal(p2.frames.length, 2, 'binding SEND and the message sent');
  clock2.advance(29_999);
  t.same(f2, [], 'still waiting at 30 s - 1 ms');
  clock2.advance(1);
  t.same(f2.map((f) => f.reason), ['timeout'], 'no response to the SEND within transactionTimeoutMs');
  t.equal(clock2.pending(), 0, 'no timer left');
});
