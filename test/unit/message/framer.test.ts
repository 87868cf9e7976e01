import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SipParseError, StreamFramer, parseMessage } from '../../../lib/message/index.js';
import { cpuMs } from '../../helpers/cpu-time.js';

function collect(max?: number) {
  const out = { messages: [] as Buffer[], keepAlives: [] as string[], errors: [] as SipParseError[] };
  const f = new StreamFramer({
    ...(max === undefined ? {} : { maxMessageSize: max }),
    onMessage: (m) => out.messages.push(m),
    onKeepAlive: (k) => out.keepAlives.push(k),
    onError: (e) => out.errors.push(e),
  });
  return { f, out };
}

const msg = (body: string, extra = '') =>
  `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

t.test('several messages in one chunk', async (t) => {
  const { f, out } = collect();
  f.push(Buffer.from(msg('hello') + msg('') + msg('wörld')));
  t.equal(out.messages.length, 3);
  t.same(out.messages.map((m) => parseMessage(m, { stream: true }).body.toString()), ['hello', '', 'wörld']);
  t.equal(f.bufferedBytes, 0);
});

t.test('one message split over many chunks, byte by byte', async (t) => {
  const { f, out } = collect();
  const data = Buffer.from(msg('0123456789'.repeat(20)) + msg('x'));
  for (let i = 0; i < data.length; i++) f.push(data.subarray(i, i + 1));
  t.equal(out.messages.length, 2);
  t.equal(parseMessage(out.messages[0]).body.length, 200);
  t.same(out.errors, []);
});

t.test('emitted buffers are copies, not views of a reused buffer', async (t) => {
  const { f, out } = collect();
  const data = Buffer.from(msg('abc') + msg('def'));
  f.push(data);
  data.fill(0);
  t.equal(parseMessage(out.messages[0]).body.toString(), 'abc');
});

t.test('RFC 5626 keep-alives: CRLFCRLF ping, CRLF pong', async (t) => {
  const { f, out } = collect();
  f.push(Buffer.from('\r\n\r\n'));
  t.same(out.keepAlives, ['ping']);
  f.push(Buffer.from('\r\n'));
  t.same(out.keepAlives, ['ping', 'pong']);
  f.push(Buffer.from('\r\n\r\n' + msg('a') + '\r\n\r\n'));
  t.same(out.keepAlives, ['ping', 'pong', 'ping', 'ping']);
  t.equal(out.messages.length, 1);
});

t.test('missing or bad Content-Length on a stream is a framing error', async (t) => {
  for (const head of ['OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n', 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -5\r\n\r\n', 'OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\n']) {
    const { f, out } = collect();
    f.push(Buffer.from(head));
    t.equal(out.errors.length, 1, head.split('\r\n')[1]);
    t.ok(f.hasFailed);
    f.push(Buffer.from(msg('x')));
    t.equal(out.messages.length, 0, 'input ignored after a framing error');
    f.reset();
    f.push(Buffer.from(msg('x')));
    t.equal(out.messages.length, 1, 'usable again after reset');
  }
});

t.test('compact and folded Content-Length are understood', async (t) => {
  const { f, out } = collect();
  f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nab' + 'OPTIONS sip:a@b SIP/2.0\r\nContent-Length :\r\n 3\r\n\r\nxyz'));
  t.same(out.messages.map((m) => m.toString().slice(-3)), ['\nab', 'xyz']);
});

t.test('maxMessageSize is enforced for heads and bodies', async (t) => {
  const a = collect(100);
  a.f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(30)));
  t.equal(a.out.errors.length, 1);
  t.equal(a.out.errors[0].status, 513);
  const b = collect(200);
  b.f.push(Buffer.from(msg('z'.repeat(500))));
  t.equal(b.out.errors.length, 1);
  t.equal(b.out.messages.length, 0);
});

t.test('RFC 4475 dblreq.dat is two messages on a stream', async (t) => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const data = readFileSync(path.resolve(here, '../../conformance/rfc4475/dblreq.dat'));
  const { f, out } = collect();
  f.push(data);
  t.equal(out.messages.length, 2);
  t.same(out.messages.map((m) => (parseMessage(m, { stream: true }) as { method: string }).method), ['REGISTER', 'INVITE']);
});

t.test('a bare-LF last header line before the CRLF empty line', async (t) => {
  const { f, out } = collect();
  f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 2\n\r\nabOPTIONS sip:a@b SIP/2.0\nl: 1\n\nz'));
  t.same(out.messages.map((m) => parseMessage(m, { stream: true }).body.toString()), ['ab', 'z']);
});

t.test('long runs of whitespace cost linear time (no regex backtracking)', async (t) => {
  const { f, out } = collect(1 << 20);
  const started = cpuMs();
  f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nc' + ' '.repeat(200000) + 'x: 1\r\nContent-Length:' + ' '.repeat(200000) + '0\r\n\r\n'));
  t.ok(cpuMs() - started < 500, 'fast');
  t.equal(out.messages.length, 1);
  const m = parseMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nSubject:' + ' \t'.repeat(100000) + 'x' + ' '.repeat(100000) + '\r\n\r\n'));
  t.equal(m.headers.get('Subject'), 'x');
  t.ok(cpuMs() - started < 1000, 'parser fast too');
});

t.test('a message trickling in one octet at a time costs linear time', async (t) => {
  const { f, out } = collect(1 << 20);
  const data = Buffer.from(msg('b'.repeat(100000), 'X-Pad: ' + 'p'.repeat(60000) + '\r\n'));
  const started = cpuMs();
  for (let i = 0; i < data.length; i++) f.push(data.subarray(i, i + 1));
  const took = cpuMs() - started;
  t.equal(out.messages.length, 1);
  t.same(out.messages[0], data);
  t.ok(took < 1500, `took ${took.toFixed(0)} ms of CPU for ${data.length} one-octet chunks`);
});
