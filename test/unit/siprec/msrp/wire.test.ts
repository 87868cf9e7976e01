/**
 * The shared MSRP wire module (RFC 4975): requests and responses round-trip through the parser,
 * chunked messages split at every byte come back whole, Byte-Range values, identifiers, paths and
 * URIs.
 */
import t, { type Test } from 'tap';
import {
  buildAbortChunk, buildBindSend, buildMsrpFrame, buildMsrpResponse, buildSendChunk, firstUri, formatByteRange, formatMsrpUri, isIdent,
  lastUri, MsrpParser, msrpSessionId, newMessageId, newSessionId, newTransactionId, parseByteRange, parseMsrpUri, pathHeaders,
  splitMessage, type MsrpFrame,
} from '../../../../lib/siprec/msrp/index.js';

const addr = { toPath: 'msrp://127.0.0.1:7000/srs1;tcp', fromPath: 'msrp://127.0.0.1:9/src1;tcp' };

/** Feeds `wire` to a fresh parser one byte at a time. */
function byteByByte(tt: Test, wire: Buffer): MsrpFrame[] {
  const p = new MsrpParser();
  const out: MsrpFrame[] = [];
  for (let i = 0; i < wire.length; i++) out.push(...p.push(wire.subarray(i, i + 1)));
  tt.equal(p.buffered, 0, 'nothing left over');
  return out;
}

t.test('requests and responses round-trip', async (t) => {
  const req = buildMsrpFrame('a1b2c3d4', 'SEND', [...pathHeaders(addr.toPath, addr.fromPath), ['Message-ID', 'm123'], ['Byte-Range', '1-5/5']], { contentType: 'text/plain', data: Buffer.from('hello') });
  const res = buildMsrpResponse('a1b2c3d4', 200, 'OK', addr.fromPath, addr.toPath);
  const rep = buildMsrpFrame('r9x8y7z6', 'REPORT', [['To-Path', `${addr.fromPath} msrp://relay:1/x;tcp`], ['From-Path', addr.toPath], ['Status', '000 200 OK']]);
  const wire = Buffer.concat([req, res, rep]);
  for (const frames of [new MsrpParser().push(wire), byteByByte(t, wire)]) {
    t.equal(frames.length, 3);
    const [a, b, c] = frames;
    t.same([a.transactionId, a.method, a.status, a.flag, a.body?.toString()], ['a1b2c3d4', 'SEND', undefined, '$', 'hello']);
    t.equal(a.headers.get('to-path'), addr.toPath);
    t.equal(a.headers.get('from-path'), addr.fromPath);
    t.equal(a.headers.get('content-type'), 'text/plain');
    t.same([b.transactionId, b.method, b.status, b.body], ['a1b2c3d4', undefined, 200, undefined], 'a response has no content');
    t.equal(b.headers.get('to-path'), addr.fromPath, 'the response goes back to the From-Path');
    t.same([c.method, firstUri(c.headers.get('to-path')!), lastUri(c.headers.get('to-path')!)], ['REPORT', addr.fromPath, 'msrp://relay:1/x;tcp']);
  }
  t.equal(req.toString('latin1').split('\r\n')[1], `To-Path: ${addr.toPath}`, 'To-Path first, then From-Path (RFC 4975 §7.1)');
  t.equal(req.toString('latin1').split('\r\n')[2], `From-Path: ${addr.fromPath}`);
});

t.test('a chunked message split at every byte comes back whole', async (t) => {
  // Non-ASCII UTF-8 (a 4-byte emoji, 2-byte letters) cut anywhere, and data that looks like an end-line.
  const body = Buffer.from(`Grüße 😀 ${'x'.repeat(40)}\r\n-------notme$\r\n ünïcödé`, 'utf8');
  const chunks = splitMessage(body, 7);
  t.equal(chunks.length, Math.ceil(body.length / 7));
  t.same(chunks.map((c) => c.flag), [...Array(chunks.length - 1).fill('+'), '$'], "'+' on all but the last, '$' on it");
  t.same(chunks.map((c) => [c.start, c.end, c.total]).slice(0, 2), [[1, 7, body.length], [8, 14, body.length]]);
  t.equal(chunks.at(-1)!.end, body.length);
  const tids = chunks.map(() => newTransactionId());
  const wire = Buffer.concat([buildBindSend(newTransactionId(), addr, 'bind0001'), ...chunks.map((c, i) => buildSendChunk(tids[i], addr, 'msg00001', 'text/plain; charset=utf-8', c))]);
  const frames = byteByByte(t, wire);
  t.equal(frames.length, chunks.length + 1);
  t.same([frames[0].body, frames[0].headers.get('byte-range'), frames[0].flag], [undefined, '1-0/0', '$'], 'the binding SEND has no body');
  const back = Buffer.alloc(body.length);
  for (const f of frames.slice(1)) {
    const r = parseByteRange(f.headers.get('byte-range'))!;
    t.equal(r.total, body.length);
    t.equal(r.end! - r.start + 1, f.body!.length, 'Byte-Range matches the data');
    f.body!.copy(back, r.start - 1);
    t.equal(f.headers.get('message-id'), 'msg00001');
  }
  t.ok(back.equals(body), 'the body put back by Byte-Range is byte-identical');
  t.equal(back.toString('utf8'), body.toString('utf8'));
  // Every chunk size from 1 to past the body: the chunks always cover the body exactly once.
  for (let size = 1; size <= body.length + 1; size++) {
    const cs = splitMessage(body, size);
    const joined = Buffer.concat(cs.map((c) => c.data));
    if (!joined.equals(body) || cs.some((c) => c.data.length > size) || cs.some((c, i) => i > 0 && c.start !== cs[i - 1].end + 1)) {
      t.fail(`chunk size ${size} broke the body`);
      break;
    }
  }
  t.same(splitMessage(Buffer.alloc(0)).map((c) => [c.start, c.end, c.total, c.flag]), [[1, 0, 0, '$']], 'an empty body is one empty chunk');
  t.throws(() => splitMessage(body, 0), RangeError);
  const abort = new MsrpParser().push(buildAbortChunk('abcd1234', addr, 'msg00001', 14, body.length))[0];
  t.same([abort.flag, abort.body, abort.headers.get('byte-range')], ['#', undefined, `15-*/${body.length}`], "an abort: '#', no data, the next byte on");
  const empty = new MsrpParser().push(buildSendChunk('abcd1235', addr, 'e1234567', 'text/plain', splitMessage(Buffer.alloc(0))[0]))[0];
  t.same([empty.body?.length, empty.headers.get('byte-range')], [0, '1-0/0'], 'an empty message keeps its (empty) content');
});

t.test('Byte-Range', async (t) => {
  t.same(parseByteRange('1-25/25'), { start: 1, end: 25, total: 25 });
  t.same(parseByteRange('26-*/*'), { start: 26 });
  t.same(parseByteRange('3-*/90'), { start: 3, total: 90 });
  t.same(parseByteRange(undefined), { start: 1 }, 'absent: the whole message');
  t.equal(parseByteRange('0-1/1'), undefined, '1-based');
  t.equal(parseByteRange('1-2'), undefined);
  t.equal(formatByteRange({ start: 1, end: 25, total: 25 }), '1-25/25');
  t.equal(formatByteRange({ start: 26 }), '26-*/*');
  for (const r of [{ start: 1, end: 2048, total: 5000 }, { start: 2049, total: 5000 }, { start: 7 }]) t.same(parseByteRange(formatByteRange(r)), r, `round trip ${formatByteRange(r)}`);
});

t.test('identifiers, URIs, paths', async (t) => {
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    for (const id of [newTransactionId(), newTransactionId('r'), newMessageId()]) {
      t.ok(isIdent(id), `${id} is an ident`) || t.bailout();
      ids.add(id);
    }
  }
  t.equal(ids.size, 600, 'all distinct');
  t.match(newTransactionId('r'), /^r/);
  t.notOk(isIdent('ab'), 'too short');
  t.notOk(isIdent('a_bcd'), "'_' is not an ident character");
  t.match(newSessionId(), /^[A-Za-z0-9_-]{12}$/);
  t.same(parseMsrpUri('msrp://127.0.0.1:7394/abc123;tcp'), { secure: false, host: '127.0.0.1', port: 7394, sessionId: 'abc123', transport: 'tcp' });
  t.same(parseMsrpUri('msrps://bob@[2001:db8::1]:9000/s.x;tcp;foo=bar'), { secure: true, host: '2001:db8::1', port: 9000, sessionId: 's.x', transport: 'tcp' });
  t.equal(parseMsrpUri('msrp://h.example/s1;tcp')?.port, 2855, 'default port');
  t.equal(parseMsrpUri('msrp://h:1/s1'), undefined, 'transport required');
  t.equal(parseMsrpUri('http://h:1/s1;tcp'), undefined);
  t.equal(parseMsrpUri('msrp://h:70000/s1;tcp'), undefined);
  t.equal(formatMsrpUri('::1', 9, 'abc'), 'msrp://[::1]:9/abc;tcp');
  t.same(parseMsrpUri(formatMsrpUri('::1', 9, 'abc'))?.host, '::1');
  t.equal(msrpSessionId('msrp://127.0.0.1:1/s1;tcp'), 's1');
  t.same([firstUri(' a b  c '), lastUri('a b c'), lastUri('')], ['a', 'c', '']);
  t.same(pathHeaders(['a', 'b'], 'c'), [['To-Path', 'a b'], ['From-Path', 'c']]);
});
