/**
 * The SRS's MSRP receiving endpoint (RFC 4975): framing of SEND chunks (with and without content,
 * split anywhere across TCP reads, the '$' '+' '#' flags), Byte-Range, chunks put together by
 * Message-ID (interleaved, out of order, aborted), and on a real TCP connection: 200 OK per chunk,
 * none with Failure-Report: no, 481 for another session, 400 / 501, a success REPORT on request.
 */
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { PortAllocator } from '../../../../lib/siprec/media/index.js';
import {
  buildMsrpFrame, MsrpAssembler, MsrpParser, MsrpReceiver, MsrpSyntaxError, parseByteRange, type MsrpFrame,
} from '../../../../lib/siprec/srs/index.js';
import type { ReceivedMessage } from '../../../../lib/siprec/srs/storage/message-log.js';

const chunk = (tid: string, id: string, range: string, data: string | undefined, flag: '$' | '+' | '#', extra = ''): Buffer => Buffer.from(
  `MSRP ${tid} SEND\r\nTo-Path: msrp://127.0.0.1:1/s1;tcp\r\nFrom-Path: msrp://127.0.0.1:2/c1;tcp\r\nMessage-ID: ${id}\r\nByte-Range: ${range}\r\n${extra}` +
  (data === undefined ? '' : `Content-Type: text/plain\r\n\r\n${data}\r\n`) + `-------${tid}${flag}\r\n`,
);

t.test('framing: content, no content, flags, any split', async (t) => {
  const wire = Buffer.concat([
    chunk('a1b2c3', 'm1', '1-5/11', 'Hello', '+'),
    chunk('d4e5f6', 'm1', '6-11/11', ' world', '$'),
    chunk('g7h8i9', 'm2', '1-*/*', undefined, '$'),
    chunk('j0k1l2', 'm3', '1-*/*', 'line1\r\n-------notme$\r\nline3', '#'),
    Buffer.from('MSRP zz9911 200 OK\r\nTo-Path: msrp://a:1/x;tcp\r\nFrom-Path: msrp://b:2/y;tcp\r\n-------zz9911$\r\n'),
  ]);
  const whole = new MsrpParser().push(wire);
  const check = (frames: MsrpFrame[]): void => {
    t.same(frames.map((f) => f.method ?? f.status), ['SEND', 'SEND', 'SEND', 'SEND', 200]);
    t.same(frames.map((f) => f.flag), ['+', '$', '$', '#', '$']);
    t.equal(frames[0].body?.toString(), 'Hello');
    t.equal(frames[1].body?.toString(), ' world');
    t.equal(frames[2].body, undefined, 'a SEND without content');
    t.equal(frames[3].body?.toString(), 'line1\r\n-------notme$\r\nline3', 'an end-line of another transaction inside the data');
    t.equal(frames[0].headers.get('byte-range'), '1-5/11');
    t.equal(frames[1].headers.get('message-id'), 'm1');
  };
  check(whole);
  // Every split point, byte by byte.
  const p = new MsrpParser();
  const frames: MsrpFrame[] = [];
  for (let i = 0; i < wire.length; i++) frames.push(...p.push(wire.subarray(i, i + 1)));
  check(frames);
  t.throws(() => new MsrpParser().push(Buffer.from('GET / HTTP/1.1\r\n')), MsrpSyntaxError);
  t.throws(() => new MsrpParser(100).push(Buffer.from(`MSRP abcd SEND\r\nTo-Path: x\r\n${'x'.repeat(200)}`)), MsrpSyntaxError, 'unbounded frame refused');
});

t.test('Byte-Range', async (t) => {
  t.same(parseByteRange('1-25/25'), { start: 1, end: 25, total: 25 });
  t.same(parseByteRange('26-*/*'), { start: 26 });
  t.same(parseByteRange(undefined), { start: 1 }, 'absent: the whole message');
  t.equal(parseByteRange('0-1/1'), undefined);
  t.equal(parseByteRange('x'), undefined);
});

t.test('assembly: interleaved messages, out-of-order chunks, abort', async (t) => {
  const a = new MsrpAssembler();
  t.equal(a.add('A', { start: 1, end: 3, total: 9 }, 'text/plain', Buffer.from('abc'), '+'), undefined);
  const b = a.add('B', { start: 1, total: 2 }, 'text/plain', Buffer.from('hi'), '$');
  t.same([b?.body.toString(), b?.complete], ['hi', true], 'a whole message between chunks of another');
  t.equal(a.add('A', { start: 7, end: 9, total: 9 }, undefined, Buffer.from('ghi'), '+'), undefined);
  const m = a.add('A', { start: 4, end: 6, total: 9 }, undefined, Buffer.from('def'), '$');
  t.same([m?.body.toString(), m?.complete, m?.contentType], ['abcdefghi', true, 'text/plain'], 'placed by Byte-Range');
  a.add('C', { start: 1, total: 10 }, 'text/plain', Buffer.from('abort'), '+');
  const c = a.add('C', { start: 6, total: 10 }, undefined, Buffer.alloc(0), '#');
  t.same([c?.body.toString(), c?.complete], ['abort', false], "'#' hands over what came, incomplete");
  a.add('D', { start: 1 }, 'text/plain', Buffer.from('cut'), '+');
  const left = a.drain();
  t.same(left.map((x) => [x.messageId, x.body.toString(), x.complete]), [['D', 'cut', false]], 'open messages drained on close');
});

/** A client connection that collects the frames it gets. */
async function client(port: number): Promise<{ sock: Socket; frames: MsrpFrame[]; wait: (n: number) => Promise<void> }> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const frames: MsrpFrame[] = [];
  const parser = new MsrpParser();
  sock.on('data', (d: Buffer) => frames.push(...parser.push(d)));
  const wait = async (n: number): Promise<void> => {
    for (let i = 0; i < 100 && frames.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  return { sock, frames, wait };
}

t.test('receiver on TCP: responses per chunk and per report setting', async (t) => {
  const alloc = new PortAllocator({ min: 47000 + (process.pid % 200) * 4, max: 47000 + (process.pid % 200) * 4 + 3 });
  const r = await MsrpReceiver.listen(alloc, '127.0.0.1');
  t.teardown(() => r.close());
  t.match(r.path, new RegExp(`^msrp://127\\.0\\.0\\.1:${r.port}/[A-Za-z0-9_-]+;tcp$`));
  const got: ReceivedMessage[] = [];
  r.onMessage((m) => got.push(m));
  const c = await client(r.port);
  const send = (tid: string, id: string, range: string, data: string | undefined, flag: '$' | '+' | '#', extra = ''): void => {
    c.sock.write(buildMsrpFrame(tid, 'SEND', [['To-Path', r.path], ['From-Path', 'msrp://127.0.0.1:9/me;tcp'], ['Message-ID', id], ['Byte-Range', range], ...parseExtra(extra)], data === undefined ? undefined : { contentType: 'text/plain', data: Buffer.from(data) }, flag));
  };
  send('t00001', 'e0', '1-0/0', undefined, '$');                                   // the empty SEND that opens a session
  send('t00002', 'm1', '1-6/12', 'Hello ', '+');
  send('t00003', 'm1', '7-12/12', 'there!', '$', 'Success-Report: yes');
  send('t00004', 'm2', '1-5/5', 'quiet', '$', 'Failure-Report: no');
  send('t00005', 'm3', '1-7/7', 'partial', '$', 'Failure-Report: partial');
  c.sock.write(buildMsrpFrame('t00006', 'SEND', [['To-Path', 'msrp://127.0.0.1:1/other;tcp'], ['From-Path', 'msrp://127.0.0.1:9/me;tcp'], ['Message-ID', 'x']], { contentType: 'text/plain', data: Buffer.from('lost') }));
  c.sock.write(buildMsrpFrame('t00007', 'SEND', [['To-Path', r.path], ['From-Path', 'msrp://127.0.0.1:9/me;tcp']], { contentType: 'text/plain', data: Buffer.from('no id') }));
  c.sock.write(buildMsrpFrame('t00008', 'FETCH', [['To-Path', r.path], ['From-Path', 'msrp://127.0.0.1:9/me;tcp']]));
  await c.wait(7);
  const byTid = new Map(c.frames.filter((f) => f.status !== undefined).map((f) => [f.transactionId, f.status]));
  t.same(Object.fromEntries(byTid), { t00001: 200, t00002: 200, t00003: 200, t00006: 481, t00007: 400, t00008: 501 }, '200 per chunk; none for Failure-Report no/partial; errors named');
  const reports = c.frames.filter((f) => f.method === 'REPORT');
  t.equal(reports.length, 1, 'one success REPORT');
  t.equal(reports[0].headers.get('message-id'), 'm1');
  t.equal(reports[0].headers.get('byte-range'), '1-12/12');
  t.match(reports[0].headers.get('status') ?? '', /^000 200/);
  t.equal(c.frames.find((f) => f.transactionId === 't00002')?.headers.get('to-path'), 'msrp://127.0.0.1:9/me;tcp', 'response goes back along the From-Path');
  t.same(got.map((m) => [m.messageId, m.body.toString(), m.complete]), [['m1', 'Hello there!', true], ['m2', 'quiet', true], ['m3', 'partial', true]], 'messages, not the empty SEND');
  // A message cut by the connection closing is kept, incomplete.
  send('t00009', 'm4', '1-4/10', 'half', '+');
  await new Promise((r2) => setTimeout(r2, 100));
  c.sock.end();
  for (let i = 0; i < 50 && got.length < 4; i++) await new Promise((r2) => setTimeout(r2, 20));
  t.same(got.slice(3).map((m) => [m.messageId, m.body.toString(), m.complete]), [['m4', 'half', false]]);
  await r.close();
  t.equal(alloc.inUse, 0, 'port released');
});

function parseExtra(extra: string): [string, string][] {
  if (!extra) return [];
  const i = extra.indexOf(':');
  return [[extra.slice(0, i), extra.slice(i + 1).trim()]];
}
