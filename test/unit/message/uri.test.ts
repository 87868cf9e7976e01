import t from 'tap';
import { AbsoluteUri, SipParseError, SipUri, parseUri } from '../../../lib/message/index.js';

t.test('parses a full SIP URI', async (t) => {
  const u = SipUri.parse('sips:alice:secret@atlanta.example.com:5061;transport=tcp;lr;Maddr=239.1.1.1?Subject=hi%20there&Priority=urgent');
  t.equal(u.scheme, 'sips');
  t.equal(u.user, 'alice');
  t.equal(u.password, 'secret');
  t.equal(u.host, 'atlanta.example.com');
  t.equal(u.port, 5061);
  t.equal(u.params.get('transport'), 'tcp');
  t.equal(u.params.get('lr'), null, 'flag parameter is null');
  t.equal(u.params.get('maddr'), '239.1.1.1', 'keys are lower-cased');
  t.equal(u.headers.get('Subject'), 'hi there', 'headers are unescaped');
  t.equal(u.transport, 'tcp');
});

t.test('IPv6 references keep their brackets', async (t) => {
  const u = SipUri.parse('sip:[2001:db8::1]:5070;transport=udp');
  t.equal(u.host, '[2001:db8::1]');
  t.equal(u.port, 5070);
  t.equal(u.toString(), 'sip:[2001:db8::1]:5070;transport=udp');
  t.throws(() => SipUri.parse('sip:[2001:db8::1'), SipParseError);
  t.throws(() => SipUri.parse('sip:[zz]'), SipParseError);
});

t.test('unescapes user and password, escapes them back', async (t) => {
  const u = SipUri.parse('sip:I%20have%20spaces:p%40ss@example.net');
  t.equal(u.user, 'I have spaces');
  t.equal(u.password, 'p@ss');
  t.equal(u.toString(), 'sip:I%20have%20spaces:p%40ss@example.net');
  const n = SipUri.parse('sip:null-%00-null@example.com');
  t.equal(n.user, 'null-\x00-null');
  t.equal(n.toString(), 'sip:null-%00-null@example.com');
  const utf = new SipUri({ user: 'jörg', host: 'example.com' });
  t.equal(utf.toString(), 'sip:j%C3%B6rg@example.com', 'non-ASCII escaped as UTF-8');
  t.equal(SipUri.parse(utf.toString()).user, 'jörg');
});

t.test('user part may hold ; ? and the first @ ends it (RFC 4475 semiuri)', async (t) => {
  const u = SipUri.parse('sip:user;par=u%40example.net@example.com');
  t.equal(u.user, 'user;par=u@example.net');
  t.equal(u.host, 'example.com');
  t.equal(u.params.size, 0);
});

t.test('escaped parameter names and values are decoded', async (t) => {
  const u = SipUri.parse('sip:caller@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
  t.equal(u.params.get('lr'), null);
  t.equal(u.params.get('name'), 'value%41');
  t.equal(u.toString(), 'sip:caller@host5.example.net;lr;name=value%2541');
});

t.test('tel URIs: number in user, no host', async (t) => {
  const u = parseUri('tel:+1-201-555-0123;phone-context=example.com');
  t.ok(u instanceof SipUri);
  const s = u as SipUri;
  t.equal(s.scheme, 'tel');
  t.equal(s.user, '+1-201-555-0123');
  t.equal(s.host, '');
  t.equal(s.params.get('phone-context'), 'example.com');
  t.equal(s.toString(), 'tel:+1-201-555-0123;phone-context=example.com');
  t.ok(s.equals(SipUri.parse('tel:+12015550123;phone-context=example.com')), 'visual separators ignored');
});

t.test('other schemes are opaque absolute URIs', async (t) => {
  const u = parseUri('soap.beep://192.0.2.103:3002');
  t.ok(u instanceof AbsoluteUri);
  t.equal(u.scheme, 'soap.beep');
  t.equal((u as AbsoluteUri).opaque, '//192.0.2.103:3002');
  t.equal(u.toString(), 'soap.beep://192.0.2.103:3002');
  t.equal(parseUri('urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6').scheme, 'urn');
  t.throws(() => parseUri('http://a b'), SipParseError);
  t.throws(() => parseUri('nocolon'), SipParseError);
  t.throws(() => parseUri('1abc:x'), SipParseError, 'scheme must start with a letter');
});

t.test('malformed SIP URIs throw SipParseError', async (t) => {
  for (const bad of ['sip:', 'sip:@host', 'sip:host:99999', 'sip:host:', 'sip:ho st', 'sip:host;', 'sip:host;;a', 'sip:a%4@host', 'sip:host?x', '<sip:a@b>']) {
    t.throws(() => parseUri(bad), SipParseError, bad);
  }
  t.throws(() => SipUri.parse('mailto:a@b'), SipParseError, 'SipUri.parse refuses other schemes');
});

t.test('equality per RFC 3261 §19.1.4', async (t) => {
  const eq = (a: string, b: string) => SipUri.parse(a).equals(SipUri.parse(b));
  t.ok(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
  t.ok(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'), 'param only in one is ignored');
  t.ok(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
  t.notOk(eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'), 'user is case-sensitive');
  t.notOk(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'), 'default port is not implied');
  t.notOk(eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'), 'transport must be in both');
  t.notOk(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'));
  t.notOk(eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'), 'headers never ignored');
  t.notOk(SipUri.parse('sip:a@b').equals(parseUri('http://a@b')));
  t.ok(parseUri('urn:X:y').equals(parseUri('URN:X:y')));
});

t.test('clone is deep', async (t) => {
  const u = SipUri.parse('sip:a@b;lr?h=v');
  const c = u.clone();
  c.params.set('x', '1');
  c.headers.set('k', 'v');
  c.user = 'z';
  t.equal(u.toString(), 'sip:a@b;lr?h=v');
  t.equal(c.toString(), 'sip:z@b;lr;x=1?h=v&k=v');
  t.equal(new SipUri({ host: 'h', params: { transport: 'ws' } }).toString(), 'sip:h;transport=ws');
});
