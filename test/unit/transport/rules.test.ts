import t from 'tap';
import { Via, parseMessage, serializeMessage, type SipRequest } from '../../../lib/message/index.js';
import { IapRuntime } from '../../../lib/transport/iap-runtime.js';
import { responseDestination } from '../../../lib/transport/response-route.js';
import { markReceived, stampRequestVia } from '../../../lib/transport/via-rules.js';
import { addressBytes, isStun, stunBindingResponse } from '../../../lib/transport/stun.js';
import { makeRequest } from './fixtures.js';

t.test('responseDestination: RFC 3261 §18.2.2 and RFC 3581 §4', async (t) => {
  const v = (s: string): Via => Via.parse(s);
  t.match(responseDestination(v('SIP/2.0/UDP a.example.com;branch=z9hG4bK1'), 'udp'), {
    host: 'a.example.com',
    port: 5060,
    rule: 'sent-by',
  });
  t.match(responseDestination(v('SIP/2.0/UDP a.example.com:5070;branch=z9hG4bK1;received=192.0.2.1'), 'udp'), {
    host: '192.0.2.1',
    port: 5070,
    rule: 'received',
  });
  t.match(responseDestination(v('SIP/2.0/UDP a.example.com:5070;branch=z9hG4bK1;received=192.0.2.1;rport=40000'), 'udp'), {
    host: '192.0.2.1',
    port: 40000,
  });
  t.match(responseDestination(v('SIP/2.0/UDP a.example.com;rport;received=192.0.2.1'), 'udp'), {
    host: '192.0.2.1',
    port: 5060,
  }, 'valueless rport falls back to the Via port');
  t.match(responseDestination(v('SIP/2.0/UDP a.example.com;maddr=239.1.1.1;received=192.0.2.1;rport=4'), 'udp'), {
    host: '239.1.1.1',
    port: 5060,
    rule: 'maddr',
  });
  t.match(responseDestination(v('SIP/2.0/UDP [2001:db8::1]:5062;received=2001:db8::2;rport=7'), 'udp'), {
    host: '2001:db8::2',
    port: 7,
  });
  // Reliable: received (or sent-by) and the sent-by port; rport is not used.
  t.match(responseDestination(v('SIP/2.0/TCP a.example.com:5080;received=192.0.2.1;rport=9'), 'tcp'), {
    host: '192.0.2.1',
    port: 5080,
  });
  t.match(responseDestination(v('SIP/2.0/TLS [2001:db8::1]'), 'tls'), { host: '2001:db8::1', port: 5061 });
});

t.test('stampRequestVia and markReceived', async (t) => {
  const req = makeRequest();
  const branch = req.topVia.branch;
  stampRequestVia(req, 'tls', '::1', 5061);
  t.equal(req.topVia.toString(), `SIP/2.0/TLS [::1]:5061;branch=${branch};rport`);
  t.match(req.headers.get('Via'), /^SIP\/2\.0\/TLS \[::1\]:5061;/, 'the header itself was rewritten');

  const incoming = makeRequest({ via: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx' });
  markReceived(incoming, '192.0.2.9', 3333);
  t.equal(incoming.topVia.received, '192.0.2.9');
  t.equal(incoming.topVia.rport, undefined);
  const withRport = makeRequest({ via: 'SIP/2.0/UDP [::1]:5060;rport;branch=z9hG4bKy' });
  markReceived(withRport, '::1', 4444);
  t.equal(withRport.topVia.received, '::1', 'received added with rport even when equal');
  t.equal(withRport.topVia.rport, 4444);
  const zoned = makeRequest({ via: 'SIP/2.0/UDP [fe80::2]:5060;branch=z9hG4bKq' });
  markReceived(zoned, 'fe80::1%eth0', 5060);
  t.equal(zoned.topVia.received, 'fe80::1', 'zone id left out of received');
  const same = makeRequest({ via: 'SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKz' });
  markReceived(same, '192.0.2.9', 5060);
  t.equal(same.topVia.received, undefined);
});

t.test('markReceived and stampRequestVia rewrite the top Via only; the others stay as written, unparsed', async (t) => {
  const text = (first: string) =>
    `INVITE sip:bob@example.com SIP/2.0\r\nVia: ${first}\r\nVia: SIP/2.0/UDP b.example.com;branch=z9hG4bKb\r\n` +
    'Via: SIP/2.0/TCP c.example.com:5070;branch=z9hG4bKc;received=192.0.2.3\r\nMax-Forwards: 70\r\n' +
    'From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
  const parse = (first: string): SipRequest => {
    const m = parseMessage(Buffer.from(text(first)));
    if (!m.isRequest()) throw new Error('not a request');
    return m;
  };
  const req = parse('SIP/2.0/UDP a.example.com;rport;branch=z9hG4bKa , SIP/2.0/UDP a2.example.com ;branch=z9hG4bKa2');
  const lines = req.headers.getLines('Via');
  markReceived(req, '192.0.2.9', 3333);
  const after = req.headers.getLines('Via');
  t.equal(after[0], 'SIP/2.0/UDP a.example.com;rport=3333;branch=z9hG4bKa;received=192.0.2.9, SIP/2.0/UDP a2.example.com ;branch=z9hG4bKa2', 'the rest of the first line kept as written');
  t.equal(after[1], lines[1], 'second Via line untouched');
  t.equal(after[2], lines[2], 'third Via line untouched');
  t.same(req.via.map((v) => v.host), ['a.example.com', 'a2.example.com', 'b.example.com', 'c.example.com'], 'four Vias, in order');
  t.equal(req.topVia.rport, 3333);
  t.equal(serializeMessage(req).toString('latin1').split('\r\n').filter((l) => l.startsWith('Via:')).length, 3, 'still three Via lines on the wire');

  const out = parse('SIP/2.0/UDP 0.0.0.0;branch=z9hG4bKo');
  stampRequestVia(out, 'tcp', '198.51.100.1', 5080);
  t.same(out.headers.getLines('Via'), ['SIP/2.0/TCP 198.51.100.1:5080;branch=z9hG4bKo;rport', 'SIP/2.0/UDP b.example.com;branch=z9hG4bKb', 'SIP/2.0/TCP c.example.com:5070;branch=z9hG4bKc;received=192.0.2.3']);
});

t.test('IapRuntime: sent-by choice, wildcard listeners, advertised host', async (t) => {
  const interfaces = () => ({
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null }],
    eth0: [
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
      { address: '2001:db8::10', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 0 },
      { address: '192.0.2.10', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
    ],
  }) as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;
  const rt = new IapRuntime({ id: 'x', listen: [] }, interfaces);
  rt.bound.push(
    { protocol: 'udp', address: '0.0.0.0', port: 5060, family: 4 },
    { protocol: 'tcp', address: '::', port: 5062, family: 6 },
  );
  const udp4 = rt.listenerFor('udp', 4);
  t.match(udp4, { port: 5060 });
  t.equal(rt.sentByHost(udp4!), '192.0.2.10', 'first external IPv4 address');
  t.equal(rt.sentByHost(rt.listenerFor('tcp', 6)!), '2001:db8::10', 'link-local skipped');
  t.equal(rt.sentByHost(rt.listenerFor('tcp', 6)!, '2001:db8::99'), '2001:db8::99', 'connection address wins');
  t.match(rt.listenerFor('tls', 4), { protocol: 'udp' }, 'falls back to a socket of the same family');
  t.equal(rt.localAddressFor(4), undefined, 'no local bind for a wildcard');
  t.ok(rt.needsLocalSentBy(udp4!));
  const adv = new IapRuntime({ id: 'y', listen: [], advertisedHost: 'sip.example.com' }, interfaces);
  adv.bound.push({ protocol: 'udp', address: '0.0.0.0', port: 5060, family: 4 });
  t.equal(adv.sentByHost(adv.bound[0]), 'sip.example.com');
  t.notOk(adv.needsLocalSentBy(adv.bound[0]));
  t.equal(adv.mtu, 1500, 'default MTU: Ethernet, so requests over 1300 bytes go over TCP');
});

t.test('STUN helpers: address bytes and malformed requests', async (t) => {
  const hex = (a: string) => addressBytes(a)?.toString('hex');
  t.equal(hex('192.0.2.1'), 'c0000201');
  t.equal(hex('2001:db8::1'), '20010db8' + '0'.repeat(23) + '1');
  t.equal(hex('::ffff:192.0.2.1'), '0'.repeat(20) + 'ffffc0000201');
  t.equal(hex('64:ff9b::192.0.2.33'), '0064ff9b' + '0'.repeat(16) + 'c0000221');
  t.equal(hex('fe80::1%eth0'), 'fe80' + '0'.repeat(27) + '1');
  for (const bad of ['x::1', '1:2:3', '1::2::3', '1g::1', '1:2:3:4:5:6:7:8:9', 'example.com']) {
    t.equal(addressBytes(bad), undefined, `${bad} is not an address`);
  }
  const header = Buffer.from('000100002112a442' + '00'.repeat(12), 'hex');
  t.ok(stunBindingResponse(header, '127.0.0.1', 5060), 'a bare Binding request is answered');
  const wrongLength = Buffer.from(header);
  wrongLength.writeUInt16BE(8, 2);
  t.equal(stunBindingResponse(wrongLength, '127.0.0.1', 5060), undefined, 'declared length must match');
  const notBinding = Buffer.from(header);
  notBinding.writeUInt16BE(0x0111, 0);
  t.equal(stunBindingResponse(notBinding, '127.0.0.1', 5060), undefined, 'only Binding requests');
  t.notOk(isStun(Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n')), 'SIP is not STUN');
});
