/**
 * The parser's fast paths (issue 15): parameters kept flat until a Map is asked for, URI user and
 * parameters checked in one scan, header names matched on the octets of an ASCII head, the hot
 * headers found by the header-block pass, one Contact value read without the list split.
 * Each case is checked against the slow path it must agree with where there is one.
 */
import t from 'tap';
import { NameAddr, SipParseError, SipUri, Via, parseMessage, parseUri } from '../../../lib/message/index.js';

const CRLF = '\r\n';
function msg(lines: string[], body = ''): string {
  return lines.join(CRLF) + CRLF + 'Content-Length: ' + Buffer.byteLength(body) + CRLF + CRLF + body;
}
const BASE = [
  'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'Call-ID: c1',
  'CSeq: 1 OPTIONS',
];

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SipParseError) return e.reason;
    throw e;
  }
  return '(no error)';
}

t.test('Via parameters: getters read the parsed form, the Map is built on demand and then wins', async (t) => {
  const v = Via.parse('SIP/2.0/UDP h;BRANCH=z9hG4bKa;rport;received=192.0.2.1;branch=z9hG4bKb');
  t.equal(v.branch, 'z9hG4bKb', 'keys lower-cased; a repeated key keeps its last value, as a Map would');
  t.equal(v.rport, true, 'flag');
  t.equal(v.received, '192.0.2.1');
  t.equal(v.toString(), 'SIP/2.0/UDP h;branch=z9hG4bKb;rport;received=192.0.2.1', 'a repeated key is written once, where it first was');
  const c = v.clone();
  t.same([...v.params], [['branch', 'z9hG4bKb'], ['rport', null], ['received', '192.0.2.1']]);
  v.params.set('branch', 'z9hG4bKc');
  t.equal(v.branch, 'z9hG4bKc', 'after the Map exists the getters read it');
  t.equal(c.branch, 'z9hG4bKb', 'a clone taken before has its own parameters');
  c.branch = 'z9hG4bKd';
  t.equal(c.toString(), 'SIP/2.0/UDP h;branch=z9hG4bKd;rport;received=192.0.2.1');
  t.equal(v.branch, 'z9hG4bKc');
  const bare = Via.parse('SIP/2.0/TCP h:5061');
  t.equal(bare.branch, undefined);
  t.equal(bare.params.size, 0);
});

t.test('NameAddr parameters: tag read without a Map, case and flags kept as before', async (t) => {
  const a = NameAddr.parse('"A \\"q\\"" <sip:a@example.com;transport=tcp>;TAG=x1;Lr;foo="a;b"');
  t.equal(a.tag, 'x1');
  t.equal(a.displayName, 'A "q"');
  t.equal(a.toString(), '"A \\"q\\"" <sip:a@example.com;transport=tcp>;tag=x1;lr;foo="a;b"');
  t.equal(NameAddr.parse('<sip:a@h>;tag').tag, undefined, 'a tag flag has no value');
  const c = a.clone();
  a.tag = 'x2';
  t.equal(a.tag, 'x2');
  t.equal(c.tag, 'x1', 'the clone keeps its own parameters');
  t.equal(NameAddr.parse('sip:a@h;tag=t9').tag, 't9', 'params after an addr-spec are header params');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;tag=')), 'empty parameter value in address parameters');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;;tag=1')), 'empty parameter in address parameters');
});

t.test('URI parameters and user: escapes, case and errors in the one-scan path', async (t) => {
  const u = parseUri('sip:al%69ce:p%61ss@h.example.com;TRANSPORT=TCP;tr%61ce=a%20b;lr;x=1;x=2') as SipUri;
  t.equal(u.user, 'alice', 'user unescaped');
  t.equal(u.password, 'pass', 'password unescaped');
  t.equal(u.transport, 'TCP', 'name lower-cased, value kept');
  t.equal(u.param('trace'), 'a b', 'escaped name and value decoded');
  t.equal(u.param('lr'), null);
  t.equal(u.param('x'), '2', 'a repeated name keeps its last value');
  t.ok(u.hasParams);
  t.equal(u.toString(), 'sip:alice:pass@h.example.com;transport=TCP;trace=a%20b;lr;x=2');
  t.equal(u.params.get('x'), '2');
  const plain = parseUri('sip:h.example.com') as SipUri;
  t.notOk(plain.hasParams);
  t.equal(plain.user, undefined);
  t.equal((parseUri('sip:+1-555@h;user=phone?Subject=hi&Priority=urgent') as SipUri).headers.get('Priority'), 'urgent');
  t.equal((parseUri('sip:a;b?c=d@h') as SipUri).user, 'a;b?c=d', "';', '?' and '=' are user characters before the '@'");
  t.equal(reason(() => parseUri('sip:a"b@h')), 'invalid character in URI user');
  t.equal(reason(() => parseUri('sip:h;a=b=c')), 'invalid character in URI parameter');
  t.equal(reason(() => parseUri('sip:h;a"=b')), 'invalid character in URI parameter');
  t.equal(reason(() => parseUri('sip:h;;lr')), 'empty URI parameter');
  t.equal(reason(() => parseUri('sip:h;lr;')), 'empty URI parameter');
  t.equal(reason(() => parseUri('sip:h;x=%zz')), 'bad escape in URI parameter');
  t.equal(reason(() => parseUri('sip:@h')), 'empty user in URI');
  t.equal(reason(() => parseUri('sip:h!')), 'invalid character after URI host');
});

t.test('header names in any case and compact form, on the ASCII and the UTF-8 path alike', async (t) => {
  const lines = [
    'INVITE sip:b@example.com SIP/2.0',
    'v: SIP/2.0/UDP h1;branch=z9hG4bK1',
    'VIA: SIP/2.0/UDP h2;branch=z9hG4bK2',
    'F: "X" <sip:a@example.com>;tag=1',
    't: <sip:b@example.com>',
    'i: c1',
    'cSEQ: 1 INVITE',
    'MAX-FORWARDS: 70',
    'M: <sip:a@h>',
    'X-Custom-Header: one',
    'x-custom-header : two',
  ];
  const ascii = parseMessage(msg(lines));
  const utf8 = parseMessage(msg(lines.map((l) => l.replace('"X"', '"Ünï"'))));
  for (const [m, label] of [[ascii, 'ascii'], [utf8, 'utf8']] as const) {
    t.same([...m.headers].map(([n]) => n), ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'X-Custom-Header', 'x-custom-header', 'Content-Length'], label);
    t.same(m.via.map((v) => v.host), ['h1', 'h2'], label);
    t.equal(m.topVia.branch, 'z9hG4bK1', label);
    t.equal(m.from.tag, '1', label);
    t.equal(m.callId, 'c1', label);
    t.equal(m.cseq.method, 'INVITE', label);
    t.equal(m.maxForwards, 70, label);
    t.equal(((m.contact[0] as NameAddr).uri as SipUri).host, 'h', label);
    t.same(m.headers.getAll('x-custom-header'), ['one', 'two'], label);
  }
  t.equal(utf8.from.displayName, 'Ünï');
});

t.test('folded hot headers and several values on one line', async (t) => {
  const m = parseMessage(
    msg([
      'INVITE sip:b@example.com SIP/2.0',
      'Via: SIP/2.0/UDP h1;branch=z9hG4bK1,',
      '  SIP/2.0/UDP h2;branch=z9hG4bK2',
      'From: "A"',
      '\t<sip:a@example.com>;tag=f1',
      'To: <sip:b@example.com>',
      'Call-ID: c1',
      'CSeq:',
      '  7 INVITE',
      'Contact: <sip:a@h1>, "B, C" <sip:b@h2>',
      'Contact: <sip:c@h3>',
    ]),
  );
  t.equal(m.topVia.host, 'h1', 'top Via of a folded list');
  t.same(m.via.map((v) => v.branch), ['z9hG4bK1', 'z9hG4bK2']);
  t.equal(m.from.tag, 'f1', 'folded From');
  t.equal(m.from.displayName, 'A');
  t.same(m.cseq, { seq: 7, method: 'INVITE' }, 'folded CSeq');
  t.same(m.contact.map((c) => ((c as NameAddr).uri as SipUri).host), ['h1', 'h2', 'h3'], 'list split, comma inside quotes kept');
  t.equal((m.contact[1] as NameAddr).displayName, 'B, C');
  const star = parseMessage(msg(['REGISTER sip:r SIP/2.0', ...BASE.slice(0, 4), 'CSeq: 1 REGISTER', 'Contact: *', 'Expires: 0']));
  t.same(star.contact, ['*'], 'the one-value path knows the wildcard');
  const none = parseMessage(msg(['OPTIONS sip:r SIP/2.0', ...BASE]));
  t.same(none.contact, []);
});

t.test('the one Contact value parsed in place follows changes to the Contact fields', async (t) => {
  const text = msg(['INVITE sip:b@example.com SIP/2.0', ...BASE, 'Contact: "A" <sip:a@h1;transport=tcp>;expires=60;+sip.instance="<urn:uuid:1>"']);
  const m = parseMessage(text);
  const c = m.contact[0] as NameAddr;
  t.equal(c.displayName, 'A');
  t.equal((c.uri as SipUri).transport, 'tcp');
  t.equal(c.params.get('+sip.instance'), '"<urn:uuid:1>"');
  t.equal(c.toString(), '"A" <sip:a@h1;transport=tcp>;expires=60;+sip.instance="<urn:uuid:1>"');
  m.headers.append('Contact', '<sip:b@h2>');
  t.same(m.contact.map((x) => ((x as NameAddr).uri as SipUri).host), ['h1', 'h2'], 'appended field seen');
  m.headers.set('Contact', '<sip:c@h3>');
  t.same(m.contact.map((x) => ((x as NameAddr).uri as SipUri).host), ['h3'], 'replaced field seen');
  const copy = parseMessage(text).clone();
  t.equal(((copy.contact[0] as NameAddr).uri as SipUri).host, 'h1', 'a clone reads its own fields');
  const folded = parseMessage(msg(['INVITE sip:b@example.com SIP/2.0', ...BASE, 'Contact: <sip:a@h1>', '  ;expires=5']));
  t.equal((folded.contact[0] as NameAddr).params.get('expires'), '5', 'a folded Contact is read from its value');
});

t.test('repeated once-only headers are refused, naming the first repeated line', async (t) => {
  const req = (extra: string[]) => msg(['OPTIONS sip:r SIP/2.0', ...BASE, ...extra]);
  t.equal(reason(() => parseMessage(req(['CSeq: 2 OPTIONS']))), 'multiple CSeq headers');
  t.equal(reason(() => parseMessage(req(['t: <sip:c@h>', 'CSeq: 2 OPTIONS']))), 'multiple To headers');
  t.equal(reason(() => parseMessage(req(['i: c2']))), 'multiple Call-ID headers');
  t.equal(reason(() => parseMessage(req(['Max-Forwards: 70', 'max-forwards: 70']))), 'multiple Max-Forwards headers');
  t.equal(reason(() => parseMessage(req(['l: 0']))), 'multiple Content-Length headers');
  t.doesNotThrow(() => parseMessage(req(['Via: SIP/2.0/UDP h2;branch=z9hG4bK2', 'Contact: <sip:a@h>', 'm: <sip:b@h>'])), 'Via and Contact may repeat');
});

t.test('bare CR and malformed header lines', async (t) => {
  const m = (line: string) => reason(() => parseMessage(msg(['OPTIONS sip:r SIP/2.0', ...BASE, line])));
  t.equal(m('X-A: one\rtwo'), 'bare CR in header');
  t.equal(m('X-\rA: one'), 'bare CR in header');
  t.equal(m('no colon here'), 'malformed header line');
  t.equal(m('Bad Name: x'), 'invalid header name');
  t.equal(m(': x'), 'invalid header name');
  t.equal(reason(() => parseMessage('OPTIONS sip:r SIP/2.0\r\n  folded first\r\n\r\n')), 'continuation line before any header');
});

t.test('a bare CR in a header the parser reads by its grammar is still refused as a bare CR', async (t) => {
  // these values are not searched for CR line by line: their grammar refuses it, and the parser
  // then names the bare CR. Each line replaces its header in an otherwise valid request.
  const req = (line: string) => {
    const name = line.slice(0, line.indexOf(':')).toLowerCase();
    const rest = BASE.filter((l) => l.slice(0, l.indexOf(':')).toLowerCase() !== name);
    return msg(['OPTIONS sip:r SIP/2.0', line, ...rest]);
  };
  const lines = [
    'Via: SIP/2.0/UDP h;branch=z9hG4bK1\rx',
    'Via: SIP/2.0/UDP h\r;branch=z9hG4bK1',
    'Via: SIP/2.0/UDP h;branch=z9hG4bK1;x="a\\\rb"',
    'Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP h2\r;branch=z9hG4bK2',
    'CSeq: 1\r OPTIONS',
    'CSeq: 1 OPTIONS\rx',
    'From: <sip:a@h>;tag=1\rx',
    'From: "A\rB" <sip:a@h>;tag=1',
    'From: "A\\\rB" <sip:a@h>;tag=1',
    'From: A\rB <sip:a@h>;tag=1',
    'From: sip:a@h\r;tag=1',
    'To: <sip:b@h\r>',
    'To: <tel:1\r2>',
    'To: <urn:x\ry>',
    'Max-Forwards: 7\r0',
  ];
  for (const line of lines) t.equal(reason(() => parseMessage(req(line))), 'bare CR in header', JSON.stringify(line));
  t.equal(reason(() => parseMessage(['OPTIONS sip:r SIP/2.0', ...BASE, 'Content-Length: 0\r', '', ''].join(CRLF))), 'bare CR in header', 'Content-Length');
  // with a bad start line, a bare CR in a header line is named first (header lines are read first)
  t.equal(reason(() => parseMessage(msg(['OPT\u00e9ONS sip:r SIP/2.0', 'CSeq: 1\r OPTIONS', ...BASE.filter((l) => !l.startsWith('CSeq'))]))), 'bare CR in header');
  t.equal(reason(() => parseMessage(msg(['OPTIONS sip:r\r SIP/2.0', ...BASE]))), 'bare CR in start line');
  // a second field of a once-only name is searched as any other line
  t.equal(reason(() => parseMessage(msg(['OPTIONS sip:r SIP/2.0', ...BASE, 'CSeq: 2\r OPTIONS']))), 'bare CR in header');
  // a CR in a body is no header's business
  const body = 'a\rb';
  t.equal(parseMessage(msg(['OPTIONS sip:r SIP/2.0', ...BASE], body)).body.toString(), body);
});

t.test('RFC 3261 §25.1: a quoted-pair never escapes a CR or LF', async (t) => {
  t.equal(reason(() => NameAddr.parse('"a\\\rb" <sip:a@h>')), 'unterminated quoted string');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;x="a\\\nb"')), 'unterminated quoted string');
  t.equal(NameAddr.parse('"a\\\tb" <sip:a@h>').displayName, 'a\tb', 'other escaped octets still are');
});

t.test('quoted parameter values: the native search agrees with the character scan', async (t) => {
  const plain = NameAddr.parse('<sip:a@h>;+sip.instance="<urn:uuid:1>";expires=60');
  t.equal(plain.params.get('+sip.instance'), '"<urn:uuid:1>"', 'quotes kept, the parameter after it read');
  t.equal(plain.params.get('expires'), '60');
  const escaped = NameAddr.parse('<sip:a@h>;x="a\\"b";y=1');
  t.equal(escaped.params.get('x'), '"a\\"b"', 'a quoted-pair before the closing quote goes to the scan');
  t.equal(escaped.params.get('y'), '1');
  const dn = NameAddr.parse('"Al\\"ice" <sip:a@h>;tag=1');
  t.equal(dn.displayName, 'Al"ice');
  t.equal(dn.tag, '1');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;x="abc')), 'unterminated quoted string');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;x="ab\r\nc"')), 'unterminated quoted string', 'a CR before the quote ends it');
  t.equal(reason(() => NameAddr.parse('<sip:a@h>;x="ab\nc"')), 'unterminated quoted string', 'an LF before the quote ends it');
  // in a message the search runs over the whole head: a quote on a later line must not close it
  const broken = msg(['OPTIONS sip:b@example.com SIP/2.0', BASE[0], 'From: <sip:a@example.com>;tag=1;x="abc', ...BASE.slice(2), 'Subject: "q"']);
  t.equal(reason(() => parseMessage(broken)), 'unterminated quoted string');
});

t.test('request line: the usual version is the shared constant, others are checked', async (t) => {
  const m = parseMessage(msg(['OPTIONS sip:b@example.com SIP/2.0', ...BASE]));
  t.equal(m.version, 'SIP/2.0');
  const lower = parseMessage(msg(['OPTIONS sip:b@example.com sip/2.0', ...BASE]));
  t.equal(lower.version, 'SIP/2.0', 'case normalised');
  t.equal(parseMessage(msg(['OPTIONS sip:b@example.com SIP/7.0', ...BASE])).version, 'SIP/7.0');
  t.equal(reason(() => parseMessage(msg(['OPTIONS sip:b@example.com SIP/2.0x', ...BASE]))), 'invalid SIP version');
});

t.test('repeated once-only headers: the earliest repeat is reported', async (t) => {
  const req = ['OPTIONS sip:b@example.com SIP/2.0', ...BASE];
  t.equal(reason(() => parseMessage(msg([...req, 'Call-ID: c2']))), 'multiple Call-ID headers');
  t.equal(reason(() => parseMessage(msg([...req, 'To: <sip:c@example.com>', 'CSeq: 2 OPTIONS']))), 'multiple To headers');
  t.equal(reason(() => parseMessage(msg([...req, 'Max-Forwards: 70', 'Max-Forwards: 69']))), 'multiple Max-Forwards headers');
});

t.test('one Contact field read in place; two fields or a list still split', async (t) => {
  const one = parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact: <sip:a@192.0.2.1>;expires=60']));
  t.same(one.contact.map((c) => (c === '*' ? c : c.toString())), ['<sip:a@192.0.2.1>;expires=60']);
  const two = parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact: <sip:a@192.0.2.1>', 'Contact: <sip:b@192.0.2.2>']));
  t.same(two.contact.map((c) => (c === '*' ? c : (c.uri as SipUri).user)), ['a', 'b']);
  const list = parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>']));
  t.same(list.contact.map((c) => (c === '*' ? c : (c.uri as SipUri).user)), ['a', 'b']);
  const moved = parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact: <sip:m@192.0.2.9>']));
  moved.headers.delete('Via');
  moved.headers.prepend('Route', '<sip:p@example.com;lr>');
  t.same(moved.contact.map((c) => (c === '*' ? c : (c.uri as SipUri).user)), ['m'], 'other fields removed or added before it: the value read in place is still its own');
  t.same(parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact: *'])).contact, ['*'], 'the wildcard');
  t.same(parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, 'Contact:'])).contact, [], 'an empty value');
  one.headers.append('Contact', '<sip:c@192.0.2.3>');
  t.same(one.contact.map((c) => (c === '*' ? c : (c.uri as SipUri).user)), ['a', 'c'], 'an appended Contact drops the in-place read');
});

t.test('display names: cut once, trimmed on the indexes; escapes still undone', async (t) => {
  t.equal(NameAddr.parse('Bob <sip:b@h>').displayName, 'Bob');
  t.equal(NameAddr.parse('Bob   Smith \t<sip:b@h>').displayName, 'Bob Smith', 'runs of LWS collapsed, trailing LWS dropped');
  t.equal(NameAddr.parse('<sip:b@h>').displayName, undefined);
  t.equal(NameAddr.parse('"Alice" <sip:a@h>').displayName, 'Alice');
  t.equal(NameAddr.parse('"" <sip:a@h>').displayName, '');
  t.equal(NameAddr.parse('"A \\\\ b" <sip:a@h>').displayName, 'A \\ b', 'a quoted-pair is undone');
  const m = parseMessage(msg(['OPTIONS sip:b@example.com SIP/2.0', BASE[0], 'From: "Al\\"ice" <sip:a@example.com>;tag=1', ...BASE.slice(2)]));
  t.equal(m.from.displayName, 'Al"ice', 'read in place in the head');
});

t.test('one-letter header names: compact forms in either case by a direct table, others by the general path', async (t) => {
  const m = parseMessage(
    ['BYE sip:a@example.com SIP/2.0', 'v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 'F: <sip:a@example.com>;tag=1', 't: <sip:b@example.com>', 'I: c1', 'CSeq: 1 BYE', 'M: <sip:a@192.0.2.1>', 'z: unknown', 'L: 0', '', ''].join(CRLF),
  );
  t.equal(m.topVia.branch, 'z9hG4bK1');
  t.equal(m.from.tag, '1');
  t.equal(m.callId, 'c1');
  t.equal(m.contentLength, 0);
  t.same(m.headers.fieldNames(), ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'z', 'Content-Length'], 'expanded to canonical names; unknown kept');
  t.equal(m.headers.get('Z'), 'unknown');
  t.equal(reason(() => parseMessage(['BYE sip:a@example.com SIP/2.0', '@: x', '', ''].join(CRLF))), 'invalid header name');
});

t.test('long quoted strings: the native searches agree with the character scan', async (t) => {
  const urn = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';
  // alone (the text left is short: native searches) and followed by a long text (the loop)
  for (const tail of ['', ';z=' + 'y'.repeat(2000)]) {
    const plain = NameAddr.parse(`<sip:a@h>;+sip.instance=${urn}${tail}`);
    t.equal(plain.params.get('+sip.instance'), urn, `quotes kept (text after: ${tail.length})`);
    const escaped = NameAddr.parse(`<sip:a@h>;x="a long value with a \\" quote";y=1${tail}`);
    t.equal(escaped.params.get('x'), '"a long value with a \\" quote"', 'a quoted-pair goes to the scan');
    t.equal(escaped.params.get('y'), '1');
    t.equal(reason(() => NameAddr.parse(`<sip:a@h>;x="a long value, then\r\nmore"${tail}`)), 'unterminated quoted string', 'a CR before the quote');
    t.equal(reason(() => NameAddr.parse(`<sip:a@h>;x="a long value, then\nmore"${tail}`)), 'unterminated quoted string', 'an LF before the quote');
    t.equal(NameAddr.parse(`"a long display name \\\\ here" <sip:a@h>${tail}`).displayName, 'a long display name \\ here', 'long display name with a quoted-pair');
    t.equal(NameAddr.parse(`"a long display name, no escapes" <sip:a@h>${tail}`).displayName, 'a long display name, no escapes');
  }
  // a backslash after the closing quote (a later header) leaves the value plain
  const m = parseMessage(msg(['REGISTER sip:example.com SIP/2.0', ...BASE, `Contact: <sip:a@192.0.2.1>;+sip.instance=${urn}`, 'Subject: a\\b']));
  t.equal(((m.contact[0] as NameAddr).params.get('+sip.instance')), urn);
  t.equal(m.headers.get('Subject'), 'a\\b');
  // in a message a quote on a later line must not close a long one
  const broken = msg(['OPTIONS sip:b@example.com SIP/2.0', BASE[0], 'From: <sip:a@example.com>;tag=1;x="a long unterminated value', ...BASE.slice(2), 'Subject: "q"']);
  t.equal(reason(() => parseMessage(broken)), 'unterminated quoted string');
});

t.test('one-letter header names: the colon right after the letter, or after whitespace', async (t) => {
  const m = parseMessage(['BYE sip:a@example.com SIP/2.0', 'v : SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 'f:<sip:a@example.com>;tag=1', 't:\t<sip:b@example.com>', 'i: c1', 'CSeq: 1 BYE', 'l: 0', '', ''].join(CRLF));
  t.equal(m.topVia.branch, 'z9hG4bK1', 'whitespace before the colon: the general path');
  t.equal(m.from.tag, '1', 'no whitespace after the colon');
  t.equal((m.to.uri as SipUri).user, 'b');
  const empty = (name: string) => reason(() => parseMessage(['BYE sip:a@example.com SIP/2.0', name + ':', 'i: c1', '', ''].join(CRLF)));
  t.not(empty('v'), '(no error)', 'an empty compact Via is refused');
  t.equal(empty('v'), empty('Via'), '... as the long form is');
});

t.test('a bare CR anywhere in the start line is reported as such (searched for only when the line fails)', async (t) => {
  const lines = [
    'OPT\rIONS sip:b@example.com SIP/2.0',
    'OPTIONS \rsip:b@example.com SIP/2.0',
    'OPTIONS sip:b\r@example.com SIP/2.0',
    'OPTIONS sip:b@exa\rmple.com SIP/2.0',
    'OPTIONS sip:b@example.com:50\r60 SIP/2.0',
    'OPTIONS sip:b@example.com;lr\r SIP/2.0',
    'OPTIONS sip:b@[::\r1] SIP/2.0',
    'OPTIONS tel:+1\r23 SIP/2.0',
    'OPTIONS urn:x\ry SIP/2.0',
    'OPTIONS sip:b@example.com \rSIP/2.0',
    'OPTIONS sip:b@example.com SIP/2.\r0',
    'OPTIONS sip:b@example.com SIP/2.0 \r',
    'SIP/2.\r0 200 OK',
    'SIP/2.0 2\r00 OK',
    'SIP/2.0 200\rOK',
    'SIP/2.0 200 O\rK',
  ];
  for (const line of lines) t.equal(reason(() => parseMessage(msg([line, ...BASE]))), 'bare CR in start line', JSON.stringify(line));
  t.equal(reason(() => parseMessage(msg(['OPTIONS sip:b@example.com SIP/2.0x', ...BASE]))), 'invalid SIP version', 'without a CR the grammar error stands');
});
