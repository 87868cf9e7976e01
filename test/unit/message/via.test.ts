import t from 'tap';
import { SipParseError, Via, parseViaList } from '../../../lib/message/index.js';

t.test('parses a Via with rport, received, maddr, ttl', async (t) => {
  const v = Via.parse('SIP/2.0/udp pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.1;maddr=224.2.0.1;ttl=16');
  t.equal(v.protocol, 'SIP/2.0');
  t.equal(v.transport, 'UDP', 'transport upper-cased');
  t.equal(v.host, 'pc33.atlanta.example.com');
  t.equal(v.port, 5066);
  t.equal(v.branch, 'z9hG4bK776asdhds');
  t.equal(v.rport, 5060);
  t.equal(v.received, '192.0.2.1');
  t.equal(v.maddr, '224.2.0.1');
  t.equal(v.ttl, 16);
});

t.test('rport without value is true; absent is undefined', async (t) => {
  t.equal(Via.parse('SIP/2.0/TCP h;rport;branch=z9hG4bKx').rport, true);
  t.equal(Via.parse('SIP/2.0/TCP h;branch=z9hG4bKx').rport, undefined);
  const v = Via.parse('SIP/2.0/TCP h;rport;branch=z9hG4bKx');
  v.rport = 40000;
  v.received = '198.51.100.7';
  t.equal(v.toString(), 'SIP/2.0/TCP h;rport=40000;branch=z9hG4bKx;received=198.51.100.7');
});

t.test('LWS inside protocol and around params (RFC 4475 wsinv)', async (t) => {
  const v = Via.parse('SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw');
  t.equal(v.transport, 'UDP');
  t.equal(v.host, '192.0.2.2');
  const w = Via.parse('SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8');
  t.equal(w.host, 'spindle.example.com');
  t.equal(w.branch, 'z9hG4bK9ikj8');
  t.equal(w.toString(), 'SIP/2.0/TCP spindle.example.com;branch=z9hG4bK9ikj8');
});

t.test('IPv6 sent-by and received', async (t) => {
  const v = Via.parse('SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKas;received=2001:db8::9:255');
  t.equal(v.host, '[2001:db8::9:1]');
  t.equal(v.port, 5061);
  t.equal(v.received, '2001:db8::9:255');
});

t.test('unknown transports and versions are kept', async (t) => {
  t.equal(Via.parse('SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en').transport, 'UNKNOWN');
  t.equal(Via.parse('SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw').protocol, 'SIP/7.0');
});

t.test('list parsing splits on commas', async (t) => {
  const list = parseViaList(['SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b:5070;branch=z9hG4bK2', 'SIP/2.0/WS c;branch=z9hG4bK3']);
  t.same(list.map((v) => v.host), ['a', 'b', 'c']);
  t.same(list.map((v) => v.transport), ['UDP', 'TCP', 'WS']);
});

t.test('malformed Vias throw SipParseError', async (t) => {
  for (const bad of ['', 'SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP ;branch=x', 'SIP/2.0/UDP 192.0.2.15;;', 'SIP/2.0/UDP h:99999', 'SIP/2.0/UDP h;branch=', 'SIP/2.0/UDPh', 'SIP/2.0/UDP h junk', 'SIP/2.0/UDP [::1', 'SIP/2.0/UDP [evil host]', 'SIP/2.0/UDP []']) {
    t.throws(() => Via.parse(bad), SipParseError, JSON.stringify(bad));
  }
  t.throws(() => parseViaList(['SIP/2.0/UDP 192.0.2.15;;,;,,']), SipParseError, 'RFC 4475 badinv01');
});

t.test('build and clone', async (t) => {
  const v = new Via({ transport: 'tls', host: 'src.example.com', port: 5061, params: { branch: 'z9hG4bK-1', rport: null } });
  t.equal(v.toString(), 'SIP/2.0/TLS src.example.com:5061;branch=z9hG4bK-1;rport');
  const c = v.clone();
  c.branch = 'z9hG4bK-2';
  t.equal(v.branch, 'z9hG4bK-1');
  t.equal(Via.parse(c.toString()).branch, 'z9hG4bK-2');
});
