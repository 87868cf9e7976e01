/**
 * The framer's path for a message over maxMessageSize whose head is complete within it (RFC 3261
 * §21.5.14): the caller sees the head, the body is skipped unbuffered, the next message is served.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { StreamFramer, headLength, parseHeadOnly, parseMessage, type SipParseError } from '../../../lib/message/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** RFC 4475 dblreq.dat cut to its two messages (a REGISTER, then an INVITE with a 150-octet body). */
function dblreq(): { register: Buffer; invite: Buffer; inviteHead: Buffer } {
  const data = readFileSync(path.resolve(here, '../../conformance/rfc4475/dblreq.dat'));
  const i = data.indexOf('INVITE');
  const head = data.indexOf('\r\n\r\n', i) + 4 - i;
  return { register: data.subarray(0, i), invite: data.subarray(i, i + head + 150), inviteHead: data.subarray(i, i + head) };
}

const options = Buffer.from(
  'OPTIONS sip:joe@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.15;branch=z9hG4bK-next\r\n' +
    'From: <sip:caller@example.net>;tag=1\r\nTo: <sip:joe@example.com>\r\nCall-ID: next@x\r\nCSeq: 9 OPTIONS\r\nContent-Length: 2\r\n\r\nok',
);

function collect(max: number, decide: 'skip' | 'stop' = 'skip') {
  const out = { messages: [] as Buffer[], errors: [] as SipParseError[], tooLarge: [] as Array<{ head: Buffer; bodyLength: number }> };
  const f = new StreamFramer({
    maxMessageSize: max,
    onMessage: (m) => out.messages.push(m),
    onError: (e) => out.errors.push(e),
    onTooLarge: (head, bodyLength) => {
      out.tooLarge.push({ head, bodyLength });
      return decide;
    },
  });
  return { f, out };
}

const methods = (ms: Buffer[]): string[] => ms.map((m) => { const p = parseMessage(m, { stream: true }); return p.isRequest() ? p.method : String(p.status); });

t.test('a real sample split at every boundary: the big INVITE skipped, the messages around it served', async (t) => {
  const { register, invite, inviteHead } = dblreq();
  const data = Buffer.concat([register, invite, options]);
  const max = 400; // REGISTER (~300) fits; the INVITE's head (293) fits, head + body (443) does not
  t.ok(register.length <= max && inviteHead.length <= max && invite.length > max, 'sample sizes as assumed');
  for (let cut = 0; cut <= data.length; cut++) {
    const { f, out } = collect(max);
    f.push(data.subarray(0, cut));
    f.push(data.subarray(cut));
    if (out.errors.length !== 0 || out.tooLarge.length !== 1 || out.messages.length !== 2) {
      t.fail(`cut at ${cut}: ${out.errors.length} errors, ${out.tooLarge.length} too large, ${out.messages.length} messages`);
      continue;
    }
    if (!out.tooLarge[0].head.equals(inviteHead) || out.tooLarge[0].bodyLength !== 150) t.fail(`cut at ${cut}: wrong head or length`);
    if (methods(out.messages).join() !== 'REGISTER,OPTIONS' || !out.messages[1].equals(options)) t.fail(`cut at ${cut}: wrong messages`);
    if (f.bufferedBytes !== 0 || f.skippingBytes !== 0) t.fail(`cut at ${cut}: left state behind`);
  }
  t.pass(`${data.length + 1} cut points`);
});

t.test('three-way splits around the head/body boundary and one octet at a time', async (t) => {
  const { register, invite, inviteHead } = dblreq();
  const data = Buffer.concat([register, invite, options]);
  const bodyStart = register.length + inviteHead.length;
  let runs = 0;
  for (let a = bodyStart - 8; a <= bodyStart + 8; a++) {
    for (let b = a; b <= data.length; b += 7) {
      const { f, out } = collect(400);
      f.push(data.subarray(0, a));
      f.push(data.subarray(a, b));
      f.push(data.subarray(b));
      runs++;
      if (methods(out.messages).join() !== 'REGISTER,OPTIONS' || out.tooLarge.length !== 1) t.fail(`cuts ${a}/${b}`);
    }
  }
  const { f, out } = collect(400);
  for (let i = 0; i < data.length; i++) f.push(data.subarray(i, i + 1));
  t.same(methods(out.messages), ['REGISTER', 'OPTIONS'], 'one octet at a time');
  t.equal(out.tooLarge.length, 1);
  t.ok(runs > 100);
});

t.test('the skipped body is never buffered', async (t) => {
  const head = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 1000000\r\n\r\n');
  const { f, out } = collect(1000);
  f.push(head);
  t.equal(out.tooLarge.length, 1);
  t.equal(out.tooLarge[0].bodyLength, 1000000);
  t.equal(f.bufferedBytes, 0);
  const piece = Buffer.alloc(65536, 0x41);
  let most = 0;
  for (let sent = 0; sent < 1000000; sent += piece.length) {
    f.push(piece.subarray(0, Math.min(piece.length, 1000000 - sent)));
    most = Math.max(most, f.bufferedBytes);
  }
  t.equal(most, 0, 'nothing held while skipping');
  t.equal(f.skippingBytes, 0);
  f.push(options);
  t.same(methods(out.messages), ['OPTIONS'], 'the next message after the skipped body');
  t.same(out.errors, []);
});

t.test("'stop' ignores all further input without onError", async (t) => {
  const { invite } = dblreq();
  const { f, out } = collect(400, 'stop');
  f.push(Buffer.concat([invite, options]));
  t.equal(out.tooLarge.length, 1);
  t.ok(f.hasFailed);
  t.same(out.errors, []);
  t.same(out.messages, []);
  f.push(options);
  t.same(out.messages, [], 'input ignored');
  t.equal(f.bufferedBytes, 0);
});

t.test('a header block over the limit is still a framing error (513), onTooLarge not asked', async (t) => {
  const a = collect(100);
  a.f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(30))); // no empty line within the limit
  t.equal(a.out.errors.length, 1);
  t.equal(a.out.errors[0].status, 513);
  t.equal(a.out.tooLarge.length, 0);
  const b = collect(100);
  b.f.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(30) + 'Content-Length: 0\r\n\r\n')); // complete, but over
  t.equal(b.out.errors.length, 1);
  t.equal(b.out.tooLarge.length, 0);
});

t.test('without onTooLarge a body over the limit is a framing error, as before', async (t) => {
  const errors: SipParseError[] = [];
  const f = new StreamFramer({ maxMessageSize: 400, onMessage: () => t.fail('no message'), onError: (e) => errors.push(e) });
  f.push(dblreq().invite);
  t.equal(errors.length, 1);
  t.equal(errors[0].status, 513);
});

t.test('parseHeadOnly reads the headers of a head whose body is missing', async (t) => {
  const { inviteHead } = dblreq();
  const msg = parseHeadOnly(inviteHead);
  t.ok(msg.isRequest());
  if (!msg.isRequest()) return;
  t.equal(msg.method, 'INVITE');
  t.equal(msg.callId, 'dblreq.0ha0isnda977644900765@192.0.2.15');
  t.equal(msg.cseq.seq, 8);
  t.equal(msg.body.length, 0);
  t.equal(msg.headers.get('Content-Type'), 'application/sdp', 'other headers kept');

  const folded = parseHeadOnly(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nl:\r\n 99999\r\nCSeq: 1 INVITE\r\n\r\n'));
  t.ok(folded.isResponse());
  t.equal(folded.headers.get('CSeq'), '1 INVITE', 'the field after a folded compact Content-Length is kept');
  t.throws(() => parseHeadOnly(Buffer.from('garbage\r\n\r\n')));

  t.equal(headLength(inviteHead), inviteHead.length);
  t.equal(headLength(Buffer.from('A\nB: c\n\nbody')), 8, 'bare-LF empty line');
  t.equal(headLength(inviteHead, 100), -1, 'no empty line within the limit');
});
