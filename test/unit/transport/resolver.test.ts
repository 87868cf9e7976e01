import t from 'tap';
import { Rfc3263Resolver } from '../../../lib/transport/resolver.js';
import type {
  DnsLookup,
  HostAddress,
  NaptrRecord,
  SrvRecord,
} from '../../../lib/transport/dns-lookup.js';
import { orderSrv } from '../../../lib/transport/srv-order.js';
import { nodeDnsLookup } from '../../../lib/transport/dns-lookup.js';
import { isSipError } from '../../../include-types/errors.js';

/** A fake DNS zone; it records every query so tests can check what was (not) asked. */
function fakeDns(zone: {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  hosts?: Record<string, HostAddress[]>;
  failing?: string[];
}): DnsLookup & { queries: string[] } {
  const queries: string[] = [];
  const answer = async <T>(kind: string, name: string, table?: Record<string, T[]>): Promise<T[]> => {
    queries.push(`${kind} ${name}`);
    if (zone.failing?.includes(name)) throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    return table?.[name] ?? [];
  };
  return {
    queries,
    naptr: (name) => answer('NAPTR', name, zone.naptr),
    srv: (name) => answer('SRV', name, zone.srv),
    addresses: (name) => answer('ADDR', name, zone.hosts),
  };
}

const naptr = (order: number, pref: number, service: string, replacement: string): NaptrRecord => ({
  flags: 's',
  service,
  regexp: '',
  replacement,
  order,
  preference: pref,
});
const srv = (priority: number, weight: number, port: number, name: string): SrvRecord => ({
  priority,
  weight,
  port,
  name,
});
const v4 = (address: string): HostAddress => ({ address, family: 4 });
const v6 = (address: string): HostAddress => ({ address, family: 6 });
const brief = (r: { protocol: string; address: string; port: number }[]) =>
  r.map((x) => `${x.protocol}:${x.address}:${x.port}`);

t.test('numeric IP is used directly with default ports', async (t) => {
  const dns = fakeDns({});
  const r = new Rfc3263Resolver({ dns });
  t.same(brief(await r.resolve({ host: '192.0.2.1', secure: false })), ['udp:192.0.2.1:5060']);
  t.same(brief(await r.resolve({ host: '[2001:db8::1]', secure: true })), ['tls:2001:db8::1:5061']);
  t.same(brief(await r.resolve({ host: '192.0.2.1', transport: 'tcp', secure: false })), [
    'tcp:192.0.2.1:5060',
  ]);
  t.same(brief(await r.resolve({ host: '192.0.2.1', port: 5080, transport: 'tcp', secure: true })), [
    'tls:192.0.2.1:5080',
  ]);
  t.same(dns.queries, [], 'no DNS query for a numeric host');
});

t.test('explicit port → A/AAAA only, no NAPTR or SRV', async (t) => {
  const dns = fakeDns({ hosts: { 'example.com': [v4('192.0.2.5'), v6('2001:db8::5')] } });
  const r = new Rfc3263Resolver({ dns });
  const out = await r.resolve({ host: 'example.com', port: 5070, secure: false });
  t.same(brief(out), ['udp:192.0.2.5:5070', 'udp:2001:db8::5:5070']);
  t.same(out.map((x) => x.family), [4, 6]);
  t.same(dns.queries, ['ADDR example.com']);
});

t.test('transport param → SRV for that transport, then A/AAAA if no SRV', async (t) => {
  const dns = fakeDns({
    srv: { '_sip._tcp.example.com': [srv(10, 0, 5090, 'sip1.example.com')] },
    hosts: { 'sip1.example.com': [v4('192.0.2.9')], 'example.org': [v4('192.0.2.10')] },
  });
  const r = new Rfc3263Resolver({ dns });
  t.same(brief(await r.resolve({ host: 'example.com', transport: 'tcp', secure: false })), [
    'tcp:192.0.2.9:5090',
  ]);
  t.notOk(dns.queries.some((q) => q.startsWith('NAPTR')), 'no NAPTR when transport is given');
  t.same(brief(await r.resolve({ host: 'example.org', transport: 'tls', secure: false })), [
    'tls:192.0.2.10:5061',
  ]);
});

t.test('NAPTR order/preference → SRV priority/weight → addresses, as a failover list', async (t) => {
  const dns = fakeDns({
    naptr: {
      'example.com': [
        naptr(20, 10, 'SIP+D2U', '_sip._udp.example.com'),
        naptr(10, 20, 'SIP+D2T', '_sip._tcp.example.com'),
        naptr(10, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
        naptr(5, 10, 'SIP+D2S', '_sip._sctp.example.com'),
        { ...naptr(1, 1, 'SIP+D2U', 'ignored.example.com'), flags: 'a' },
      ],
    },
    srv: {
      '_sips._tcp.example.com': [srv(20, 0, 5061, 'b.example.com'), srv(10, 0, 5061, 'a.example.com')],
      '_sip._tcp.example.com': [srv(10, 0, 5060, 'a.example.com')],
      '_sip._udp.example.com': [srv(10, 0, 5060, 'c.example.com'), srv(20, 0, 5060, '.')],
    },
    hosts: {
      'a.example.com': [v4('192.0.2.1'), v6('2001:db8::1')],
      'b.example.com': [v4('192.0.2.2')],
      'c.example.com': [v4('192.0.2.3')],
    },
  });
  const r = new Rfc3263Resolver({ dns });
  t.same(brief(await r.resolve({ host: 'example.com', secure: false })), [
    'tls:192.0.2.1:5061',
    'tls:2001:db8::1:5061',
    'tls:192.0.2.2:5061',
    'tcp:192.0.2.1:5060',
    'tcp:2001:db8::1:5060',
    'udp:192.0.2.3:5060',
  ]);
  t.notOk(dns.queries.includes('SRV _sip._sctp.example.com'), 'SCTP is skipped');
});

t.test('sips keeps only TLS (NAPTR, SRV fallback and plain A)', async (t) => {
  const zone = {
    naptr: {
      'example.com': [
        naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'),
        naptr(20, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
      ],
    },
    srv: {
      '_sip._udp.example.com': [srv(1, 0, 5060, 'u.example.com')],
      '_sips._tcp.example.com': [srv(1, 0, 5061, 's.example.com')],
      '_sips._tcp.nonaptr.com': [srv(1, 0, 5071, 's.example.com')],
    },
    hosts: {
      'u.example.com': [v4('192.0.2.1')],
      's.example.com': [v4('192.0.2.2')],
      'plain.com': [v4('192.0.2.3')],
    },
  };
  const r = new Rfc3263Resolver({ dns: fakeDns(zone) });
  t.same(brief(await r.resolve({ host: 'example.com', secure: true })), ['tls:192.0.2.2:5061']);
  const dns = fakeDns(zone);
  const r2 = new Rfc3263Resolver({ dns });
  t.same(brief(await r2.resolve({ host: 'nonaptr.com', secure: true })), ['tls:192.0.2.2:5071']);
  t.notOk(dns.queries.includes('SRV _sip._udp.nonaptr.com'), 'no sip SRV asked for sips');
  t.same(brief(await r.resolve({ host: 'plain.com', secure: true })), ['tls:192.0.2.3:5061']);
  await t.rejects(r.resolve({ host: 'plain.com', secure: true, transport: 'udp' }), {
    code: 'ResolveFailed',
  });
});

t.test('no NAPTR → SRV per transport (udp, tcp, tls) → A with UDP 5060', async (t) => {
  const r = new Rfc3263Resolver({
    dns: fakeDns({
      srv: {
        '_sip._tcp.x.com': [srv(1, 0, 5062, 't.x.com')],
        '_sips._tcp.x.com': [srv(1, 0, 5063, 't.x.com')],
      },
      hosts: { 't.x.com': [v4('192.0.2.7')], 'y.com': [v6('2001:db8::7')] },
    }),
  });
  t.same(brief(await r.resolve({ host: 'x.com', secure: false })), [
    'tcp:192.0.2.7:5062',
    'tls:192.0.2.7:5063',
  ]);
  t.same(brief(await r.resolve({ host: 'y.com', secure: false })), ['udp:2001:db8::7:5060']);
});

t.test('a failing query is skipped; nothing found → ResolveFailed with the cause', async (t) => {
  const dns = fakeDns({
    naptr: { 'x.com': [naptr(1, 1, 'SIP+D2T', '_sip._tcp.x.com')] },
    srv: { '_sip._tcp.x.com': [srv(1, 0, 5060, 'dead.x.com'), srv(2, 0, 5060, 'ok.x.com')] },
    hosts: { 'ok.x.com': [v4('192.0.2.8')] },
    failing: ['dead.x.com', 'broken.com'],
  });
  const r = new Rfc3263Resolver({ dns });
  t.same(brief(await r.resolve({ host: 'x.com', secure: false })), ['tcp:192.0.2.8:5060']);
  const err = await r.resolve({ host: 'nowhere.com', secure: false }).catch((e: unknown) => e);
  t.ok(isSipError(err, 'ResolveFailed'));
  const err2 = await r.resolve({ host: 'broken.com', port: 5060, secure: false }).catch((e: unknown) => e);
  t.ok(isSipError(err2, 'ResolveFailed'));
  t.match((err2 as Error).cause, { code: 'ETIMEOUT' });
  await t.rejects(r.resolve({ host: 'x.com', transport: 'ws', secure: false }), { code: 'ResolveFailed' });
});

t.test('RFC 2782 ordering: priority first, weights drive the random pick', async (t) => {
  const recs = [srv(10, 60, 1, 'a'), srv(10, 40, 2, 'b'), srv(5, 0, 3, 'c'), srv(10, 0, 4, 'z')];
  // random 0 → weight-0 record of the group first, then running sums pick the first.
  t.same(orderSrv(recs, () => 0).map((r) => r.name), ['c', 'z', 'a', 'b']);
  // random near 1 → the last record of the running sum is chosen first.
  t.same(orderSrv(recs, () => 0.999).map((r) => r.name), ['c', 'b', 'a', 'z']);
  // Roughly 60/40 split of which goes first over many runs.
  let aFirst = 0;
  for (let i = 0; i < 2000; i++) {
    if (orderSrv([srv(1, 60, 1, 'a'), srv(1, 40, 1, 'b')])[0].name === 'a') aFirst++;
  }
  t.ok(aFirst > 1000 && aFirst < 1400, `a first ${aFirst}/2000`);
});

t.test('node DNS look-up: "localhost" comes from the hosts file (no DNS query)', async (t) => {
  const found = await nodeDnsLookup().addresses('localhost');
  t.ok(found.some((a) => a.address === '127.0.0.1' && a.family === 4), JSON.stringify(found));
  const r = new Rfc3263Resolver();
  const targets = await r.resolve({ host: 'localhost', port: 5099, transport: 'tcp', secure: false });
  t.match(targets[0], { protocol: 'tcp', port: 5099 });
});
