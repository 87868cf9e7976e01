/**
 * lib/cli/parse.ts in-process: every RFC 4475 message the manifest says must parse is described, every
 * must-reject one throws the parse error `tsip parse` reports with exit 1; hand-written files are fixed up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { describeMessage, messageBytes } from '../../../lib/cli/parse.js';
import { SipParseError } from '../../../lib/message/index.js';

const dir = 'test/conformance/rfc4475';
const rows = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));

t.test('RFC 4475: parse rows are described, reject rows throw SipParseError, lenient rows do one of the two', async (t) => {
  let described = 0;
  let rejected = 0;
  for (const [file, , , expect] of rows) {
    const wire = messageBytes(readFileSync(join(dir, file)));
    if (expect === 'parse') {
      const lines = describeMessage(wire);
      t.match(lines[0], /^(\S+ \S+ SIP\/2\.0|SIP\/2\.0 \d{3} .*)$/, `${file}: start line`);
      t.match(lines[1], /^ {2}\d+ header fields?: /, `${file}: header summary`);
      described++;
    } else if (expect === 'reject') {
      t.throws(() => describeMessage(wire), SipParseError, `${file}: rejected`);
      rejected++;
    } else {
      // lenient: either reading is allowed, but only as a description or a SipParseError
      try {
        describeMessage(wire);
      } catch (e) {
        t.type(e, SipParseError, `${file}: lenient, rejected with a SipParseError`);
      }
    }
  }
  t.same([described, rejected], [28, 8], 'every parse and reject row of the manifest');
});

t.test('corpus files are used byte for byte', async (t) => {
  const raw = readFileSync(join(dir, 'wsinv.dat'));
  t.equal(messageBytes(raw), raw);
});

t.test('a hand-written file: LF becomes CRLF and Content-Length: LENGTH gets the body length', async (t) => {
  const body = 'v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\na=label:7\na=sendonly\n';
  const file = Buffer.from(`INVITE sip:srs@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=1\nTo: <sip:srs@example.com>\nCall-ID: c1\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Type: application/sdp\nContent-Length: LENGTH\n\n${body}`);
  const wire = messageBytes(file);
  t.match(wire.toString(), `Content-Length: ${Buffer.byteLength(body.replace(/\n/g, '\r\n'))}\r\n\r\n`);
  const lines = describeMessage(wire);
  t.same(lines.slice(0, 3), [
    'INVITE sip:srs@example.com SIP/2.0',
    '  8 header fields: Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Type, Content-Length',
    '  Call-ID c1, CSeq 1 INVITE, From tag 1, To tag -, 1 Via',
  ]);
  t.ok(lines.includes('  Require: -  (siprec: false)'));
  t.ok(lines.includes('    m=audio port 4000 codecs 0 label 7 sendonly'));
});

t.test('a response is described by its status line', async (t) => {
  const lines = describeMessage(Buffer.from('SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n'));
  t.equal(lines[0], 'SIP/2.0 486 Busy Here');
  t.equal(lines[2], '  Call-ID c, CSeq 1 INVITE, From tag 1, To tag 2, 1 Via');
  t.equal(lines.length, 3, 'no INVITE indications, no body');
});

t.test('a missing core header is a parse error, not a crash', async (t) => {
  t.throws(() => describeMessage(Buffer.from('OPTIONS sip:a@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n')), SipParseError);
});
