import t from 'tap';
import { Headers, resolveHeaderName } from '../../../lib/message/index.js';

t.test('compact forms and case-insensitive names', async (t) => {
  const h = new Headers([
    ['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'],
    ['i', 'abc@host'],
    ['CALL-id', 'ignored-second'],
    ['m', '<sip:a@b>'],
    ['X-Custom', 'keep Me'],
  ]);
  t.equal(h.get('Via'), 'SIP/2.0/UDP a;branch=z9hG4bK1');
  t.equal(h.get('call-id'), 'abc@host');
  t.same(h.getAll('Call-ID'), ['abc@host', 'ignored-second']);
  t.equal(h.get('contact'), '<sip:a@b>');
  t.equal(h.get('x-custom'), 'keep Me');
  t.same([...h].map(([n]) => n), ['Via', 'Call-ID', 'Call-ID', 'Contact', 'X-Custom'], 'canonical names, unknown kept');
  t.ok(h.has('I'));
  t.notOk(h.has('Route'));
});

t.test('every compact form resolves', async (t) => {
  const expect: Record<string, string> = {
    i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From',
    s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events', r: 'Refer-To',
    b: 'Referred-By', x: 'Session-Expires', y: 'Identity', a: 'Accept-Contact',
  };
  for (const [short, long] of Object.entries(expect)) {
    t.equal(resolveHeaderName(short).name, long, short);
    t.equal(resolveHeaderName(short.toUpperCase()).name, long, short.toUpperCase());
  }
  t.equal(resolveHeaderName('www-authenticate').name, 'WWW-Authenticate');
  t.equal(resolveHeaderName('cseq').name, 'CSeq');
});

t.test('list headers split outside quotes and <>; others never', async (t) => {
  const h = new Headers();
  h.append('Contact', '"Doe, John" <sip:j@a;x=1,2>;q=0.5, <sip:k@b>');
  h.append('Contact', 'sip:l@c');
  h.append('WWW-Authenticate', 'Digest realm="a, b", nonce="n", qop="auth,auth-int"');
  h.append('Date', 'Sat, 13 Nov 2010 23:29:00 GMT');
  h.append('Accept', 'application/sdp, application/pkcs7-mime,  multipart/mixed');
  h.append('UnknownHeaderWithUnusualValue', ';;,,;;,;');
  h.append('Require', 'a, , b');
  t.same(h.getAll('contact'), ['"Doe, John" <sip:j@a;x=1,2>;q=0.5', '<sip:k@b>', 'sip:l@c']);
  t.equal(h.get('contact'), '"Doe, John" <sip:j@a;x=1,2>;q=0.5', 'get gives the first element');
  t.same(h.getAll('WWW-Authenticate'), ['Digest realm="a, b", nonce="n", qop="auth,auth-int"']);
  t.same(h.getAll('Date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
  t.equal(h.getAll('Accept').length, 3);
  t.same(h.getAll('UnknownHeaderWithUnusualValue'), [';;,,;;,;']);
  t.same(h.getAll('Require'), ['a', 'b'], 'empty list elements dropped');
  t.same(h.getLines('Contact').length, 2, 'raw lines unsplit');
});

t.test('set replaces in place, append/prepend/delete', async (t) => {
  const h = new Headers({ Via: 'v1', 'Max-Forwards': '70', To: '<sip:a@b>' });
  h.set('max-forwards', '69');
  t.same([...h], [['Via', 'v1'], ['Max-Forwards', '69'], ['To', '<sip:a@b>']]);
  h.set('Route', ['<sip:r1;lr>', '<sip:r2;lr>']);
  t.same(h.getAll('Route'), ['<sip:r1;lr>', '<sip:r2;lr>']);
  h.prepend('Via', 'v0');
  t.same(h.getAll('Via'), ['v0', 'v1']);
  t.equal([...h][0][1], 'v0', 'prepended before the first Via');
  t.ok(h.delete('route'));
  t.notOk(h.delete('route'));
  t.notOk(h.has('Route'));
  t.equal(h.size, 4);
  t.same(h.fieldNames(), ['Via', 'Max-Forwards', 'To']);
});

t.test('values with CR or LF are refused (header injection)', async (t) => {
  const h = new Headers();
  t.throws(() => h.set('Subject', 'a\r\nX-Evil: 1'), TypeError);
  t.throws(() => h.append('Subject', 'a\nb'), TypeError);
  t.equal(h.size, 0);
});

t.test('clone is independent', async (t) => {
  const h = new Headers({ A: '1' });
  const c = h.clone();
  c.append('B', '2');
  t.equal(h.size, 1);
  t.equal(c.size, 2);
});
