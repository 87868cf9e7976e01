import t from 'tap';
import {
  CSeq,
  Headers,
  MediaType,
  NameAddr,
  SipParseError,
  SipRequest,
  SipResponse,
  SipUri,
  Via,
  parseMessage,
  serializeMessage,
  validateRequest,
  validateResponse,
} from '../../../lib/message/index.js';

const CRLF = '\r\n';
/** The reason of the SipParseError thrown by `fn` ('' if none, 'other' for another error). */
function reasonOf(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (e) {
    return e instanceof SipParseError ? e.reason : 'other';
  }
}

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8, SIP/2.0/TCP p1.example.com;branch=z9hG4bK1',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
  'Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Require: 100rel',
  'Supported: timer, replaces',
  'Allow: INVITE, ACK, BYE',
  'Expires: 120',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0',
].join(CRLF);

t.test('parses a request and exposes the model', async (t) => {
  const m = parseMessage(INVITE + 'XYZ');
  t.ok(m.isRequest());
  const r = m as SipRequest;
  t.equal(r.method, 'INVITE');
  t.equal(r.uri.toString(), 'sip:bob@biloxi.example.com');
  t.equal(r.version, 'SIP/2.0');
  t.equal(r.via.length, 2);
  t.equal(r.topVia.branch, 'z9hG4bKnashds8');
  t.equal(r.via[1].transport, 'TCP');
  t.equal(r.maxForwards, 70);
  t.equal(r.to.displayName, 'Bob');
  t.equal(r.from.tag, '1928301774');
  t.equal(r.callId, 'a84b4c76e66710');
  t.same(r.cseq, { seq: 314159, method: 'INVITE' });
  t.equal((r.contact[0] as NameAddr).uri.toString(), 'sip:alice@pc33.atlanta.example.com');
  t.same(r.recordRoute.map((x) => x.uri.toString()), ['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
  t.same(r.route, []);
  t.same(r.require, ['100rel']);
  t.same(r.supported, ['timer', 'replaces']);
  t.same(r.allow, ['INVITE', 'ACK', 'BYE']);
  t.same(r.proxyRequire, []);
  t.equal(r.expires, 120);
  t.equal(r.contentType?.essence, 'application/sdp');
  t.equal(r.contentLength, 4);
  t.equal(r.body.toString(), 'v=0X', 'datagram body truncated to Content-Length (RFC 3261 §18.3)');
});

t.test('body truncation and Content-Length errors on datagrams', async (t) => {
  const base = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n';
  t.equal(parseMessage(base + 'Content-Length: 2\r\n\r\nabcdef').body.toString(), 'ab');
  t.equal(parseMessage(base + '\r\nabcdef').body.toString(), 'abcdef', 'no Content-Length: rest of datagram');
  t.equal(reasonOf(() => parseMessage(base + 'l: 10\r\n\r\nabc')), 'Content-Length larger than message');
  t.throws(() => parseMessage(base + 'Content-Length: -1\r\n\r\n'), SipParseError);
  t.throws(() => parseMessage(base + 'Content-Length: 1\r\nContent-Length: 1\r\n\r\nab'), SipParseError, 'duplicate Content-Length');
  t.equal(reasonOf(() => parseMessage(base + '\r\nabc', { stream: true })), 'missing Content-Length on a stream');
});

t.test('parses a response', async (t) => {
  const m = parseMessage('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:b@x>;tag=t1\r\nFrom: <sip:a@x>;tag=f1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
  t.ok(m.isResponse());
  const r = m as SipResponse;
  t.equal(r.status, 180);
  t.equal(r.reason, 'Ringing');
  t.equal(r.to.tag, 't1');
  t.doesNotThrow(() => validateResponse(r));
  t.equal((parseMessage('SIP/2.0 100 \r\nl: 0\r\n\r\n') as SipResponse).reason, '');
  t.equal((parseMessage('SIP/2.0 100\r\nl: 0\r\n\r\n') as SipResponse).reason, '', 'reason may be missing');
  t.equal((parseMessage('SIP/2.0 603 Déclin é\r\n\r\n') as SipResponse).reason, 'Déclin é', 'UTF-8 reason');
});

t.test('leniency: leading CRLFs, bare LF lines, folded headers, extra SP in request line', async (t) => {
  const m = parseMessage('\r\n\r\nOPTIONS  sip:a@b  SIP/2.0 \nVia: SIP/2.0/UDP h\n ;branch=z9hG4bK1\nSubject: one\n\ttwo\nl: 3\n\nabc') as SipRequest;
  t.equal(m.method, 'OPTIONS');
  t.equal(m.topVia.branch, 'z9hG4bK1');
  t.equal(m.headers.get('Subject'), 'one two', 'fold becomes one SP');
  t.equal(m.body.toString(), 'abc');
  const mixed = parseMessage('OPTIONS sip:a@b SIP/2.0\nl: 2\n\r\nxy');
  t.equal(mixed.body.toString(), 'xy');
});

t.test('malformed messages throw SipParseError with a short reason', async (t) => {
  const bad = [
    '',
    '\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n',
    'OPTIONS sip:a@b\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0 extra\r\n\r\n',
    'OPT IONS sip:a@b SIP/2.0\r\n\r\n',
    'OPTIONS sip:a@b HTTP/1.1\r\n\r\n',
    'OPTIONS <sip:a@b> SIP/2.0\r\n\r\n',
    'SIP/2.0 4294967301 big\r\n\r\n',
    'SIP/2.0 99 low\r\n\r\n',
    'SIP/2.0 20 short\r\n\r\n',
    'SIP/2.0 200OK\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nNoColon\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nBad Name: x\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\n continuation\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nSubject: a\rb\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nCSeq: 2147483648 OPTIONS\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nMax-Forwards: 256\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: a b\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nTo: "unterminated <sip:a@b>\r\n\r\n',
    'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP\r\n\r\n',
  ];
  for (const text of bad) {
    try {
      parseMessage(text);
      t.fail(`accepted ${JSON.stringify(text)}`);
    } catch (e) {
      t.ok(e instanceof SipParseError && e.reason.length > 0 && e.status === 400, JSON.stringify(text));
    }
  }
});

t.test('accessors throw SipParseError for missing mandatory or malformed lazy headers', async (t) => {
  const m = parseMessage('OPTIONS sip:a@b SIP/2.0\r\nContact: <sip:a@b\r\nExpires: soon\r\nRequire: a b\r\nContent-Type: text\r\n\r\n');
  t.equal(reasonOf(() => m.callId), 'missing Call-ID header');
  t.throws(() => m.from, SipParseError);
  t.throws(() => m.topVia, SipParseError);
  t.same(m.via, []);
  t.throws(() => m.contact, SipParseError);
  t.throws(() => m.expires, SipParseError);
  t.throws(() => m.require, SipParseError);
  t.throws(() => m.contentType, SipParseError);
  t.equal(m.maxForwards, undefined);
});

t.test('parse cache is invalidated when a header is set', async (t) => {
  const m = parseMessage(INVITE + 'X') as SipRequest;
  const first = m.from;
  t.equal(m.from, first, 'cached object returned twice');
  m.headers.set('From', '<sip:carol@chicago.example.com>;tag=99');
  t.equal(m.from.uri.toString(), 'sip:carol@chicago.example.com');
  t.equal(m.from.tag, '99');
  m.headers.append('Via', 'SIP/2.0/TLS z;branch=z9hG4bK3');
  t.equal(m.via.length, 3);
  m.headers.prepend('Via', 'SIP/2.0/UDP new;branch=z9hG4bKtop');
  t.equal(m.topVia.host, 'new');
  m.headers.delete('Max-Forwards');
  t.equal(m.maxForwards, undefined);
});

t.test('the Via list of a single Via is the top Via the parser read; several are parsed', async (t) => {
  const one = parseMessage(INVITE.replace(', SIP/2.0/TCP p1.example.com;branch=z9hG4bK1', '') + 'X') as SipRequest;
  t.equal(one.via.length, 1);
  t.equal(one.via[0], one.topVia, 'not parsed a second time');
  t.equal(one.via[0].branch, 'z9hG4bKnashds8');
  const two = parseMessage(INVITE + 'X') as SipRequest;
  t.same(two.via.map((v) => v.host), ['pc33.atlanta.example.com', 'p1.example.com']);
  const lines = parseMessage(INVITE.replace(', SIP/2.0/TCP p1.example.com;branch=z9hG4bK1', '\r\nVia: SIP/2.0/TCP p1.example.com;branch=z9hG4bK1') + 'X') as SipRequest;
  t.same(lines.via.map((v) => v.host), ['pc33.atlanta.example.com', 'p1.example.com']);
  // a top Via set through the setter is the list too
  const top = one.topVia.clone();
  top.host = 'changed.example.com';
  one.topVia = top;
  t.same(one.via.map((v) => v.host), ['changed.example.com']);
  t.match(serializeMessage(one).toString(), /Via: SIP\/2\.0\/UDP changed\.example\.com;branch=z9hG4bKnashds8\r\n/);
});

t.test('setters write the header text', async (t) => {
  const m = parseMessage(INVITE + 'X') as SipRequest;
  const to = m.to.clone();
  to.tag = 'abc';
  m.to = to;
  t.equal(m.headers.get('To'), '"Bob" <sip:bob@biloxi.example.com>;tag=abc');
  m.cseq = { seq: 2, method: 'BYE' };
  t.equal(m.headers.get('CSeq'), '2 BYE');
  m.maxForwards = 69;
  t.equal(m.headers.get('Max-Forwards'), '69');
  m.via = [new Via({ transport: 'TCP', host: 'x', params: { branch: 'z9hG4bKq' } })];
  t.same(m.headers.getAll('Via'), ['SIP/2.0/TCP x;branch=z9hG4bKq']);
  t.equal(m.topVia.branch, 'z9hG4bKq');
  m.contact = ['*'];
  t.equal(m.headers.get('Contact'), '*');
  m.route = [NameAddr.parse('<sip:r;lr>')];
  t.equal(m.headers.get('Route'), '<sip:r;lr>');
  m.recordRoute = [];
  t.notOk(m.headers.has('Record-Route'));
  m.contentType = new MediaType('text', 'plain', { charset: 'utf-8' });
  t.equal(m.headers.get('Content-Type'), 'text/plain;charset=utf-8');
  m.expires = undefined;
  t.notOk(m.headers.has('Expires'));
  t.throws(() => (m.cseq = { seq: 2 ** 31, method: 'BYE' }), RangeError);
  t.throws(() => (m.maxForwards = -1), RangeError);
});

t.test('serializeMessage writes a correct Content-Length and round-trips', async (t) => {
  const m = parseMessage(INVITE + 'XYZ') as SipRequest;
  m.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n');
  const out = serializeMessage(m);
  const text = out.toString();
  t.match(text, /^INVITE sip:bob@biloxi\.example\.com SIP\/2\.0\r\n/);
  t.match(text, /\r\nContent-Length: 29\r\n/);
  t.equal(text.match(/Content-Length/g)?.length, 1);
  const again = parseMessage(out) as SipRequest;
  t.equal(again.method, m.method);
  t.equal(again.uri.toString(), m.uri.toString());
  t.same([...again.headers].filter(([n]) => n !== 'Content-Length'), [...m.headers].filter(([n]) => n !== 'Content-Length'));
  t.same(again.body, m.body);
});

t.test('building requests and responses', async (t) => {
  const req = new SipRequest({
    method: 'MESSAGE',
    uri: 'sip:bob@example.com',
    headers: {
      Via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1',
      To: '<sip:bob@example.com>',
      From: '<sip:alice@example.com>;tag=a1',
      'Call-ID': 'c1',
      CSeq: '1 MESSAGE',
      'Max-Forwards': '70',
      'Content-Type': 'text/plain',
    },
    body: 'héllo',
  });
  t.doesNotThrow(() => validateRequest(req));
  const wire = serializeMessage(req).toString('utf8');
  t.match(wire, /Content-Length: 6\r\n\r\nhéllo$/, 'byte length of UTF-8 body');
  t.equal(new SipResponse({ status: 404 }).reason, 'Not Found');
  t.throws(() => new SipResponse({ status: 700 }), RangeError);
  t.throws(() => new SipRequest({ method: 'BAD METHOD', uri: 'sip:a@b' }), TypeError);
  t.ok(req.uri instanceof SipUri);
  const clone = req.clone();
  clone.headers.set('CSeq', '2 MESSAGE');
  t.equal(req.cseq.seq, 1);
  t.equal(clone.cseq.seq, 2);
  const cs: CSeq = clone.cseq;
  t.equal(cs.method, 'MESSAGE');
  const h = new Headers();
  h.append('Via', 'SIP/2.0/UDP a;branch=z9hG4bK1');
  t.equal(new SipResponse({ status: 200, headers: h }).headers, h, 'a Headers object is used as is');
});

t.test('validateRequest', async (t) => {
  const ok = 'Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:b@x>\r\nFrom: <sip:a@x>;tag=1\r\nCall-ID: c\r\n';
  const v = (text: string) => {
    try {
      validateRequest(parseMessage(text) as SipRequest);
      return 0;
    } catch (e) {
      return (e as SipParseError).status;
    }
  };
  t.equal(v(`OPTIONS sip:a@b SIP/2.0\r\n${ok}CSeq: 1 OPTIONS\r\n\r\n`), 0, 'Max-Forwards optional (RFC 2543)');
  t.equal(v(`OPTIONS sip:a@b SIP/2.0\r\n${ok}CSeq: 1 INVITE\r\n\r\n`), 400, 'CSeq method mismatch');
  t.equal(v(`ACK sip:a@b SIP/2.0\r\n${ok}CSeq: 1 ACK\r\n\r\n`), 0);
  t.equal(v(`CANCEL sip:a@b SIP/2.0\r\n${ok}CSeq: 1 INVITE\r\n\r\n`), 400, 'CANCEL carries CSeq method CANCEL');
  t.equal(v(`OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n`), 400, 'missing To/From/Call-ID/Via');
  t.equal(v(`OPTIONS sip:a@b SIP/7.0\r\n${ok}CSeq: 1 OPTIONS\r\n\r\n`), 505);
  t.equal(v(`OPTIONS sip:a@b SIP/2.0\r\n${ok}\r\n`), 400, 'missing CSeq');
});

t.test('non-ASCII header values decode as UTF-8; body octets stay binary', async (t) => {
  const body = Buffer.from([0, 255, 13, 10, 13, 10, 128]);
  const head = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nSubject: 大停電\r\nContent-Length: 7\r\n\r\n', 'utf8');
  const m = parseMessage(Buffer.concat([head, body]));
  t.equal(m.headers.get('Subject'), '大停電');
  t.same(m.body, body);
  t.same(serializeMessage(m).subarray(-7), body);
});

t.test('serialization refuses a start line with CR or LF', async (t) => {
  const { AbsoluteUri } = await import('../../../lib/message/index.js');
  const req = new SipRequest({ method: 'OPTIONS', uri: new AbsoluteUri('x', 'a\r\nEvil: 1') });
  t.throws(() => serializeMessage(req), TypeError);
});

t.test('non-ASCII heads take the UTF-8 path and still parse hot headers in place', async (t) => {
  const text = 'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKü\r\nFrom: "Jörg Müller" <sip:j%C3%B6rg@example.com>;tag=ä1\r\nTo: Zoë <sip:zoe@example.com>\r\nCSeq: 7 INVITE\r\nCall-ID: c1\r\n\r\n';
  t.throws(() => parseMessage(text), SipParseError, 'a raw non-ASCII char is not a token char (branch)');
  const ok = parseMessage(text.replace('z9hG4bKü', 'z9hG4bK1').replace('tag=ä1', 'tag=a1')) as SipRequest;
  t.equal(ok.from.displayName, 'Jörg Müller');
  t.equal((ok.from.uri as SipUri).user, 'jörg');
  t.equal(ok.to.displayName, 'Zoë');
  t.equal(ok.topVia.branch, 'z9hG4bK1');
  t.same(ok.cseq, { seq: 7, method: 'INVITE' });
  const folded = parseMessage('OPTIONS sip:a@b SIP/2.0\r\nFrom: <sip:a@b>\r\n ;tag=x\r\nCSeq: 1\r\n OPTIONS\r\n\r\n');
  t.equal(folded.from.tag, 'x', 'folded hot header parsed from the joined value');
  t.equal(folded.cseq.method, 'OPTIONS');
});

t.test('topVia setter: replaces the first Via element only', async (t) => {
  const req = new SipRequest({
    method: 'OPTIONS',
    uri: 'sip:b@example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2'],
      ['Via', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3'],
    ],
  });
  t.equal(req.via.length, 3, 'the list parsed (and cached) before the change');
  req.topVia = Via.parse('SIP/2.0/TCP z.example.com;branch=z9hG4bK9');
  t.same(req.headers.getLines('Via'), ['SIP/2.0/TCP z.example.com;branch=z9hG4bK9, SIP/2.0/UDP b.example.com;branch=z9hG4bK2', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3']);
  t.same(req.via.map((v) => v.host), ['z.example.com', 'b.example.com', 'c.example.com'], 'the cached list is not stale');
  t.equal(req.topVia.host, 'z.example.com');
  const single = new SipRequest({ method: 'OPTIONS', uri: 'sip:b@example.com', headers: [['Via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1']] });
  single.topVia = Via.parse('SIP/2.0/UDP q.example.com;branch=z9hG4bK1');
  t.same(single.headers.getLines('Via'), ['SIP/2.0/UDP q.example.com;branch=z9hG4bK1']);
  const none = new SipRequest({ method: 'OPTIONS', uri: 'sip:b@example.com' });
  t.throws(() => (none.topVia = Via.parse('SIP/2.0/UDP q.example.com')), SipParseError);
});
