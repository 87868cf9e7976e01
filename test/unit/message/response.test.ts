import t from 'tap';
import { SipRequest, createResponse, parseMessage, reasonPhrase, serializeMessage } from '../../../lib/message/index.js';

const REQ = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2;received=192.0.2.3',
  'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK0;rport=5060',
  'Max-Forwards: 68',
  'Record-Route: <sip:p2.example.com;lr>',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Timestamp: 54',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

t.test('copies Via (all, in order), From, Call-ID, CSeq; adds a To tag (RFC 3261 §8.2.6.2)', async (t) => {
  const req = parseMessage(REQ) as SipRequest;
  const res = createResponse(req, 180, undefined, 'bobtag');
  t.equal(res.status, 180);
  t.equal(res.reason, 'Ringing');
  t.same(res.via.map((v) => v.branch), ['z9hG4bK2', 'z9hG4bK1', 'z9hG4bK0']);
  t.same(res.headers.getLines('Via'), req.headers.getLines('Via'), 'Via lines copied verbatim');
  t.equal(res.headers.get('From'), req.headers.get('From'));
  t.equal(res.callId, 'a84b4c76e66710');
  t.same(res.cseq, { seq: 314159, method: 'INVITE' });
  t.equal(res.to.tag, 'bobtag');
  t.equal(res.to.uri.toString(), 'sip:bob@biloxi.example.com');
  t.notOk(res.headers.has('Record-Route'), 'Record-Route is the UAS core job');
  t.notOk(res.headers.has('Contact'));
  t.notOk(res.headers.has('Timestamp'), 'Timestamp only in 100');
  t.notOk(res.headers.has('Max-Forwards'));
  const wire = serializeMessage(res).toString();
  t.match(wire, /^SIP\/2\.0 180 Ringing\r\n/);
  t.match(wire, /Content-Length: 0\r\n\r\n$/);
});

t.test('100 Trying: no To tag, Timestamp copied (§8.2.6.1)', async (t) => {
  const res = createResponse(parseMessage(REQ) as SipRequest, 100);
  t.equal(res.to.tag, undefined);
  t.equal(res.headers.get('Timestamp'), '54');
});

t.test('random tag when none given; existing tag kept', async (t) => {
  const req = parseMessage(REQ) as SipRequest;
  const a = createResponse(req, 200).to.tag;
  const b = createResponse(req, 200).to.tag;
  t.ok(a && a.length >= 8);
  t.not(a, b);
  const inDialog = parseMessage(REQ.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: <sip:bob@biloxi.example.com>;tag=existing')) as SipRequest;
  t.equal(createResponse(inDialog, 200, 'OK', 'other').to.tag, 'existing');
  t.equal(createResponse(req, 486, 'Busy Here, call later').reason, 'Busy Here, call later');
});

t.test('reason phrases', async (t) => {
  t.equal(reasonPhrase(200), 'OK');
  t.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
  t.equal(reasonPhrase(415), 'Unsupported Media Type');
  t.equal(reasonPhrase(422), 'Session Interval Too Small');
  t.equal(reasonPhrase(499), 'Client Error');
  t.equal(reasonPhrase(699), 'Global Failure');
});

t.test('a 400 can be built for a request missing To, From and Call-ID (RFC 4475 insuf)', async (t) => {
  const req = parseMessage('INVITE sip:user@example.com SIP/2.0\r\nCSeq: 193942 INVITE\r\nVia: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\nl: 0\r\n\r\n') as SipRequest;
  const res = createResponse(req, 400, 'Missing To header');
  t.equal(res.topVia.branch, 'z9hG4bKkdj.insuf');
  t.same(res.cseq, { seq: 193942, method: 'INVITE' });
  t.notOk(res.headers.has('To'));
  t.match(serializeMessage(res).toString(), /^SIP\/2\.0 400 Missing To header\r\n/);
});

t.test("the response's parsed Via, From, To, Call-ID and CSeq equal a fresh parse of its own text", async (t) => {
  const fields = (m: SipRequest | ReturnType<typeof createResponse>) => ({
    via: m.via.map((v) => v.toString()),
    topVia: m.topVia.toString(),
    from: m.from.toString(),
    to: m.to.toString(),
    toTag: m.to.tag,
    callId: m.callId,
    cseq: m.cseq,
  });
  for (const to of ['To: Bob <sip:bob@biloxi.example.com>', 'To: sip:bob@biloxi.example.com;x=1', 'To: <sip:bob@biloxi.example.com>;tag=existing']) {
    const req = parseMessage(REQ.replace('To: Bob <sip:bob@biloxi.example.com>', to)) as SipRequest;
    void req.via; // parsed first, as the transaction layer does
    for (const status of [100, 200]) {
      const res = createResponse(req, status, undefined, 'bobtag');
      const reparsed = parseMessage(serializeMessage(res));
      t.same(fields(res), fields(reparsed as unknown as SipRequest), `${to} / ${status}`);
    }
  }
  // the tag is appended after the URI's header params of an addr-spec To (they are the header's)
  const addrSpec = createResponse(parseMessage(REQ.replace('To: Bob <sip:bob@biloxi.example.com>', 'To: sip:bob@biloxi.example.com;x=1')) as SipRequest, 200, 'OK', 't1');
  t.equal(addrSpec.headers.get('To'), 'sip:bob@biloxi.example.com;x=1;tag=t1');
  t.equal(addrSpec.to.params.get('x'), '1');
});

t.test('a request header that does not parse is not seeded: the response throws on it as before', async (t) => {
  const req = parseMessage(REQ.replace('Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1, ', 'Via: garbage, ')) as SipRequest;
  const res = createResponse(req, 400, 'Bad Request', 'x');
  t.throws(() => res.via);
  t.equal(res.callId, 'a84b4c76e66710');
});
