import t from 'tap';
import { MediaType, SipParseError, buildMultipart, parseDisposition, parseMultipart } from '../../../lib/message/index.js';

const CT = MediaType.parse('multipart/mixed;boundary="simple boundary"');

t.test('RFC 2046 example: preamble, epilogue, default part without headers', async (t) => {
  const body = Buffer.from(
    'This is the preamble.\r\n--simple boundary\r\n\r\nplain text, no headers\r\n' +
      '--simple boundary\r\nContent-type: text/plain; charset=us-ascii\r\n\r\nexplicit text.\r\n\r\n' +
      '--simple boundary--\r\nThis is the epilogue.\r\n',
  );
  const parts = parseMultipart(body, CT);
  t.equal(parts.length, 2);
  t.equal(parts[0].contentType, undefined);
  t.equal(parts[0].body.toString(), 'plain text, no headers');
  t.equal(parts[1].contentType?.essence, 'text/plain');
  t.equal(parts[1].contentType?.params.get('charset'), 'us-ascii');
  t.equal(parts[1].body.toString(), 'explicit text.\r\n', 'only the CRLF before the delimiter is removed');
});

t.test('binary-safe: bodies with NUL, CRLFs and 0xFF survive a build/parse round trip', async (t) => {
  const bin = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45, 13, 10, 13, 10, 0x80]);
  const built = buildMultipart([
    { contentType: 'application/octet-stream', body: bin, contentId: '<b1@example.com>' },
    { contentType: new MediaType('text', 'plain', { charset: 'utf-8' }), body: 'héllo', disposition: 'render;handling=optional' },
  ]);
  t.equal(built.contentType.essence, 'multipart/mixed');
  const boundary = built.contentType.params.get('boundary') as string;
  t.ok(boundary.length > 10);
  const parts = parseMultipart(built.body, MediaType.parse(built.contentType.toString()));
  t.equal(parts.length, 2);
  t.same(parts[0].body, bin);
  t.equal(parts[0].contentId, '<b1@example.com>');
  t.equal(parts[1].body.toString('utf8'), 'héllo');
  t.equal(parts[1].disposition?.type, 'render');
  t.equal(parts[1].disposition?.params.get('handling'), 'optional');
  t.equal(parts[1].headers.get('Content-Type'), 'text/plain;charset=utf-8');
});

t.test('given boundary is used, and refused if it occurs in a part', async (t) => {
  const b = buildMultipart([{ contentType: 'text/plain', body: 'a' }], 'xyz', 'alternative');
  t.equal(b.contentType.toString(), 'multipart/alternative;boundary=xyz');
  t.equal(b.body.toString(), '--xyz\r\nContent-Type: text/plain\r\n\r\na\r\n--xyz--\r\n');
  t.throws(() => buildMultipart([{ contentType: 'text/plain', body: 'has --xyz inside' }], 'xyz'), RangeError);
});

t.test('bare-LF bodies are tolerated', async (t) => {
  const parts = parseMultipart(Buffer.from('--b\nContent-Type: text/plain\n\none\n--b\n\ntwo\n--b--\n'), MediaType.parse('multipart/mixed; boundary=b'));
  t.same(parts.map((p) => p.body.toString()), ['one', 'two']);
});

t.test('malformed multipart bodies throw SipParseError', async (t) => {
  const ct = MediaType.parse('multipart/mixed;boundary=b');
  t.throws(() => parseMultipart(Buffer.from('no delimiter here'), ct), SipParseError);
  t.throws(() => parseMultipart(Buffer.from('--b\r\n\r\nunterminated'), ct), SipParseError);
  t.throws(() => parseMultipart(Buffer.from('--bX\r\n\r\nx\r\n--b--'), ct), SipParseError);
  t.throws(() => parseMultipart(Buffer.from('--b\r\n'), MediaType.parse('multipart/mixed')), SipParseError, 'no boundary');
  t.throws(() => parseMultipart(Buffer.from('x'), MediaType.parse('text/plain')), SipParseError);
  t.throws(() => parseMultipart(Buffer.from('--b\r\nBad Header\r\n\r\nx\r\n--b--'), ct), SipParseError);
});

t.test('Content-Disposition and media types', async (t) => {
  const d = parseDisposition('Recording-Session ; handling=required');
  t.equal(d.type, 'recording-session');
  t.equal(d.params.get('handling'), 'required');
  t.throws(() => parseDisposition('bad value;'), SipParseError);
  const mt = MediaType.parse('Application / SDP ; charset="UTF 8"');
  t.equal(mt.essence, 'application/sdp');
  t.equal(mt.params.get('charset'), 'UTF 8');
  t.equal(mt.toString(), 'application/sdp;charset="UTF 8"');
  t.throws(() => MediaType.parse('text'), SipParseError);
  t.throws(() => MediaType.parse('text/plain;charset'), SipParseError);
});
