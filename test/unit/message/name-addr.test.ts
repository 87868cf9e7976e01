import t from 'tap';
import { NameAddr, SipParseError, SipUri, parseContacts } from '../../../lib/message/index.js';

t.test('name-addr with quoted display name and params', async (t) => {
  const na = NameAddr.parse('"Alice \\"A\\" Smith" <sip:alice@atlanta.example.com;transport=tcp>;tag=1928301774;x=y');
  t.equal(na.displayName, 'Alice "A" Smith');
  t.equal(na.uri.toString(), 'sip:alice@atlanta.example.com;transport=tcp');
  t.equal(na.tag, '1928301774');
  t.equal(na.params.get('x'), 'y');
  t.equal((na.uri as SipUri).params.get('transport'), 'tcp', 'URI params stay in the URI inside <>');
  t.equal(na.toString(), '"Alice \\"A\\" Smith" <sip:alice@atlanta.example.com;transport=tcp>;tag=1928301774;x=y');
});

t.test('addr-spec: parameters belong to the header', async (t) => {
  const na = NameAddr.parse('sip:+19725552222@gw1.example.net;unknownparam;tag=abc');
  t.equal(na.uri.toString(), 'sip:+19725552222@gw1.example.net');
  t.equal(na.params.get('unknownparam'), null);
  t.equal(na.tag, 'abc');
  t.equal(na.displayName, undefined);
  t.equal(na.toString(), '<sip:+19725552222@gw1.example.net>;unknownparam;tag=abc', 'written as name-addr');
});

t.test('LWS around ; and = (RFC 4475 wsinv)', async (t) => {
  const na = NameAddr.parse('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  t.equal(na.uri.toString(), 'sip:vivekg@chair-dnrc.example.com');
  t.equal(na.tag, '1918181833n');
  const c = NameAddr.parse('"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33');
  t.equal(c.displayName, 'Quoted string ""');
  t.same([...c.params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
});

t.test('unquoted display names: tokens, collapsed LWS, no space before <', async (t) => {
  t.equal(NameAddr.parse('caller<sip:caller@example.com>;tag=323').displayName, 'caller');
  t.equal(NameAddr.parse('token1~` \t token2\'+_   token3*%!.- <sip:a@b>').displayName, "token1~` token2'+_ token3*%!.-");
  t.equal(NameAddr.parse('Jörg Müller <sip:j@b>').displayName, 'Jörg Müller', 'UTF-8 tolerated');
  t.throws(() => NameAddr.parse('Bell, Alexander <sip:a.g.bell@example.com>'), SipParseError, 'comma is not a token char');
});

t.test('feature tags and quoted values keep their spelling', async (t) => {
  const na = NameAddr.parse('<sip:src@10.0.0.1;transport=tcp>;+sip.src;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";expires=60');
  t.equal(na.params.get('+sip.src'), null);
  t.equal(na.params.get('+sip.instance'), '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"');
  t.equal(na.params.get('expires'), '60');
  t.match(na.toString(), /;\+sip\.src;\+sip\.instance="<urn:uuid:[^"]+>";expires=60$/);
});

t.test('other URI schemes inside a name-addr', async (t) => {
  t.equal(NameAddr.parse('<http://www.example.com>;tag=3234233').uri.toString(), 'http://www.example.com');
  t.equal(NameAddr.parse('isbn:2983792873').uri.scheme, 'isbn');
});

t.test('tag setter', async (t) => {
  const na = NameAddr.parse('<sip:b@example.com>');
  t.equal(na.tag, undefined);
  na.tag = 'xyz';
  t.equal(na.toString(), '<sip:b@example.com>;tag=xyz');
  na.tag = undefined;
  t.equal(na.toString(), '<sip:b@example.com>');
});

t.test('clone is deep', async (t) => {
  const na = NameAddr.parse('"A" <sip:a@b;lr>;tag=1');
  const c = na.clone();
  c.tag = '2';
  (c.uri as SipUri).params.set('x', null);
  t.equal(na.toString(), '"A" <sip:a@b;lr>;tag=1');
  t.equal(c.toString(), '"A" <sip:a@b;lr;x>;tag=2');
});

t.test('malformed values throw SipParseError', async (t) => {
  for (const bad of ['', '   ', '"Mr. J. User <sip:j.user@example.com>', '<sip:a@b', '"x" sip:a@b', '<sip:a@b>;', '<sip:a@b>;;tag=1', '<sip:a@b>;tag=', '<sip:a@b> junk', '<>']) {
    t.throws(() => NameAddr.parse(bad), SipParseError, JSON.stringify(bad));
  }
});

t.test('Contact list with wildcard', async (t) => {
  const list = parseContacts(['*']);
  t.same(list, ['*']);
  const two = parseContacts(['<sip:a@b>;q=0.5', 'sip:c@d;expires=0']);
  t.equal(two.length, 2);
  t.equal((two[1] as NameAddr).params.get('expires'), '0');
});
