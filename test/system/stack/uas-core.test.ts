/**
 * The stack's UAS core against raw datagrams: the error responses RFC 3261 §8.2 asks for, client
 * routing, and RFC 3263 failover of outgoing requests.
 */
import t from 'tap';
import { createSocket } from 'node:dgram';
import type { ResolvedTarget, Resolver } from '../../../include-types/settings.js';
import { parseMessage, type SipResponse } from '../../../lib/message/index.js';
import { SipStack, type StackUser } from '../../../lib/stack/index.js';
import type { ServerTransaction } from '../../../lib/transaction/index.js';
import { createAnsweringUas } from '../../../samples/lib/answering-uas.js';
import { buildRequest, exchange, request, silentUser, sipUri, udpClient } from '../../helpers/stack-uac.js';

const timers = { t1: 40, t2: 320, t4: 200, trying100Delay: 200 };

function raw(method: string, extra = '', cseqMethod = method, version = 'SIP/2.0', toTag = ''): string {
  return `${method} sip:bob@127.0.0.1 ${version}
Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK${Math.random().toString(36).slice(2)};rport
Max-Forwards: 70
From: <sip:alice@tsip.test>;tag=a1
To: <sip:bob@tsip.test>${toTag}
Call-ID: ${Math.random().toString(36).slice(2)}@tsip.test
CSeq: 1 ${cseqMethod}
${extra}Content-Length: 0

`;
}

async function uasStack(users: StackUser[]) {
  const stack = new SipStack({ iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], timers });
  for (const u of users) stack.addUser(u);
  await stack.start();
  return { stack, port: stack.boundAddresses('main')[0].port };
}

t.test('error responses of the UAS core', async (t) => {
  const { stack, port } = await uasStack([]);
  stack.addUser(createAnsweringUas(stack, { host: '127.0.0.1' }).user);
  t.teardown(() => stack.shutdown());
  const cases: Array<[string, string, number, (r: SipResponse) => void]> = [
    ['unknown method → 501 with Allow', raw('FOO'), 501, (r) => t.match(r.headers.getAll('Allow').join(','), /INVITE/)],
    ['known method nobody serves → 405 with Allow', raw('SUBSCRIBE'), 405, (r) => t.match(r.headers.getAll('Allow').join(','), /OPTIONS/)],
    ['unsupported Require → 420 with Unsupported', raw('OPTIONS', 'Require: foo, timer\n'), 420, (r) => t.equal(r.headers.get('Unsupported'), 'foo')],
    ['request for an unknown dialog → 481', raw('BYE', '', 'BYE', 'SIP/2.0', ';tag=nope'), 481, () => undefined],
    ['CSeq method mismatch → 400', raw('OPTIONS', '', 'INVITE'), 400, (r) => t.match(r.reason, /CSeq/)],
    ['SIP/3.0 → 505', raw('OPTIONS', '', 'OPTIONS', 'SIP/3.0'), 505, () => undefined],
    ['malformed header → stateless 400 with the reason', raw('OPTIONS', 'Expires: soon\n').replace('Content-Length: 0', 'Content-Length: zero'), 400, (r) => t.ok(r.reason.length > 0)],
    ['CANCEL for no INVITE → 481', raw('CANCEL'), 481, () => undefined],
    ['OPTIONS served → 200', raw('OPTIONS'), 200, () => undefined],
  ];
  for (const [name, text, status, more] of cases) {
    const res = await exchange(port, text);
    t.equal(res?.status, status, name);
    if (res !== undefined) more(res);
  }
  // RFC 3261 §8.2.7: the refusals were stateless; only the OPTIONS answered 200 holds a transaction
  const tx = stack.stats().transactions;
  t.same([tx.serverInvite, tx.serverNonInvite], [0, 1], 'no transaction kept for a refused request');
});

t.test('a refused request sent again gets the very same answer (§8.2.7: the same To tag)', async (t) => {
  const { stack, port } = await uasStack([]);
  stack.addUser(createAnsweringUas(stack, { host: '127.0.0.1' }).user);
  t.teardown(() => stack.shutdown());
  const text = raw('INVITE', 'Require: nosuchthing\n').replace('LOCALPORT', '5999'); // one sent-by, as a retransmission has (rport brings the answer back)
  const first = await exchange(port, text);
  const again = await exchange(port, text);
  t.equal(first?.status, 420);
  t.equal(again?.status, 420);
  t.ok(first?.to.tag !== undefined && first.to.tag === again?.to.tag, 'same To tag');
  t.equal(stack.stats().transactions.total, 0, 'no INVITE server transaction (no Timer G, no Timer H)');
  t.same(stack.stats().statelessRefusals, { 420: 2 }, 'both refusals counted, by status');
});

t.test('no user claims the request → 480', async (t) => {
  const { stack, port } = await uasStack([{ ...silentUser('nobody'), methods: ['OPTIONS'] }]);
  t.teardown(() => stack.shutdown());
  t.equal((await exchange(port, raw('OPTIONS')))?.status, 480);
});

t.test('routing: the user with a connection on the IAP wins over a client-level claim', async (t) => {
  const got: string[] = [];
  const mk = (uid: string, claim: 'connection' | 'client'): StackUser => ({
    uid,
    methods: ['MESSAGE'],
    claim: () => claim,
    onRequest: (tx: ServerTransaction, c) => {
      got.push(`${uid}:${c}`);
      tx.respond(createOk(tx));
    },
  });
  const { stack, port } = await uasStack([mk('a', 'client'), mk('b', 'connection')]);
  t.teardown(() => stack.shutdown());
  t.equal((await exchange(port, raw('MESSAGE')))?.status, 200);
  t.same(got, ['b:connection']);
  t.throws(() => stack.addUser(silentUser('a')), { code: 'InvalidArgument' }, 'UIDs are unique per stack');
});

function createOk(tx: ServerTransaction): SipResponse {
  return parseMessage(`SIP/2.0 200 OK\r\n${['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((h) => `${h}: ${tx.request.headers.getAll(h).join(', ')}${h === 'To' ? ';tag=x1' : ''}`).join('\r\n')}\r\nContent-Length: 0\r\n\r\n`) as SipResponse;
}

/** A resolver that returns fixed targets for every query. */
const fixedResolver = (targets: ResolvedTarget[]): Resolver => ({ resolve: async () => targets });

t.test('RFC 3263 failover: a refused TCP target, then a UDP target that answers', async (t) => {
  const { stack: uas, port } = await uasStack([]);
  const answering = createAnsweringUas(uas, { host: '127.0.0.1' });
  uas.addUser(answering.user);
  const dead = await new Promise<number>((r) => { const s = createSocket('udp4'); s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  const uac = new SipStack({
    iaps: [{ id: 'uac', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }, { protocol: 'tcp', address: '127.0.0.1', port: 0 }] }],
    timers,
    resolver: fixedResolver([{ protocol: 'tcp', address: '127.0.0.1', port: dead, family: 4 }, { protocol: 'udp', address: '127.0.0.1', port, family: 4 }]),
  });
  uac.addUser(silentUser('uac'));
  await uac.start();
  t.teardown(async () => { await uac.shutdown(); await uas.shutdown(); });
  const out = await request(uac, 'uac', buildRequest('OPTIONS', 'sip:bob@uas.tsip.test'));
  t.equal(out.status, 200, 'answered by the second target');
  t.equal(answering.counts.options, 1);
});

t.test('RFC 3263 failover on 503, and no failover on other final responses', async (t) => {
  const a = await uasStack([{ uid: 'busy', methods: ['OPTIONS'], claim: () => 'connection', onRequest: (tx) => tx.respond(withStatus(createOk(tx), 503)) }]);
  const b = await uasStack([{ uid: 'ok', methods: ['OPTIONS'], claim: () => 'connection', onRequest: (tx) => tx.respond(createOk(tx)) }]);
  const mkUac = async (targets: ResolvedTarget[]) => {
    const s = new SipStack({ iaps: [{ id: 'uac', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], timers, resolver: fixedResolver(targets) });
    s.addUser(silentUser('uac'));
    await s.start();
    return s;
  };
  const t503 = { protocol: 'udp' as const, address: '127.0.0.1', port: a.port, family: 4 as const };
  const t200 = { protocol: 'udp' as const, address: '127.0.0.1', port: b.port, family: 4 as const };
  const uac1 = await mkUac([t503, t200]);
  const uac2 = await mkUac([t503]);
  t.teardown(async () => { for (const s of [uac1, uac2, a.stack, b.stack]) await s.shutdown(); });
  t.equal((await request(uac1, 'uac', buildRequest('OPTIONS', 'sip:x@srv.tsip.test'))).status, 200, '503 → next target');
  t.equal((await request(uac2, 'uac', buildRequest('OPTIONS', 'sip:x@srv.tsip.test'))).status, 503, 'last target: the 503 is reported');
});

function withStatus(r: SipResponse, status: number): SipResponse {
  r.status = status;
  r.reason = 'Service Unavailable';
  return r;
}

t.test('sending before start, after shutdown, or from an unknown IAP throws', async (t) => {
  const s = new SipStack({ iaps: [{ id: 'a', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], timers });
  const req = () => buildRequest('OPTIONS', sipUri('x', '127.0.0.1', 5999));
  const user = { onProvisional() {}, onFinal() {}, onTimeout() {}, onTransportError() {} };
  t.throws(() => s.send('a', req(), user), { code: 'InvalidState' });
  await s.start();
  t.throws(() => s.send('nope', req(), user), { code: 'UnknownIap' });
  await s.shutdown();
  t.throws(() => s.send('a', req(), user), { code: 'StackShutdown' });
  t.throws(() => new SipStack({ iaps: [] }), { code: 'InvalidArgument' });
});

t.test('a TCP peer that closes the connection fails the request at once (RFC 3261 §17.1.4)', async (t) => {
  const { createServer } = await import('node:net');
  const server = createServer((sock) => sock.once('data', () => sock.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const uac = new SipStack({ iaps: [{ id: 'uac', listen: [{ protocol: 'tcp', address: '127.0.0.1', port: 0 }] }] }); // default timers: Timer F is 32 s
  uac.addUser(silentUser('uac'));
  await uac.start();
  t.teardown(async () => { await uac.shutdown(); server.close(); });
  const started = Date.now();
  const out = await request(uac, 'uac', buildRequest('OPTIONS', sipUri('x', '127.0.0.1', port, 'tcp')));
  t.equal(out.error?.code, 'TransportError');
  t.ok(Date.now() - started < 5000, 'long before Timer F');
});

t.test('a merged request (same From tag, Call-ID, CSeq; another branch) gets 482 (§8.2.2.2)', async (t) => {
  const { stack, port } = await uasStack([]);
  const uas = createAnsweringUas(stack, { host: '127.0.0.1', holdInvites: true });
  stack.addUser(uas.user);
  t.teardown(() => stack.shutdown());
  const first = raw('INVITE').replace(/Call-ID: \S+/, 'Call-ID: merged-1@tsip.test');
  const second = first.replace(/branch=z9hG4bK\w+/, 'branch=z9hG4bKotherpath');
  void exchange(port, first);
  await new Promise((r) => setTimeout(r, 100));
  t.equal((await exchange(port, second))?.status, 482, 'the copy that came another way is refused');
  t.equal(uas.counts.invites, 1, 'the user saw the INVITE once');
  t.equal(stack.stats().requestsInProgress, 1, 'the first is still in progress');
  const tx = uas.held[0];
  const { createResponse } = await import('../../../lib/message/index.js');
  tx.respond(createResponse(tx.request, 486));
  t.equal(stack.stats().requestsInProgress, 1, 'tracked until its transaction ends, not just answered');
});

t.test('tsip uas: a BYE whose call was never ACKed stops the 2xx retransmission (RFC 3261 §13.3.1.4)', async (t) => {
  const { stack, port } = await uasStack([]);
  const uas = createAnsweringUas(stack, { host: '127.0.0.1' });
  stack.addUser(uas.user);
  t.teardown(() => stack.shutdown());
  const invite = raw('INVITE').replace(/Call-ID: \S+/, 'Call-ID: unacked-1@tsip.test');
  const ok = await exchange(port, invite);
  t.equal(ok?.status, 200);
  t.equal(stack.stats().transactions.retransmitting2xx, 1, 'the 2xx waits for its ACK');
  // the ACK is lost; the caller hangs up
  const bye = raw('BYE', '', 'BYE', 'SIP/2.0', `;tag=${ok?.to.tag}`).replace(/Call-ID: \S+/, 'Call-ID: unacked-1@tsip.test').replace('CSeq: 1 BYE', 'CSeq: 2 BYE');
  t.equal((await exchange(port, bye))?.status, 200);
  t.equal(uas.counts.byes, 1);
  t.equal(stack.stats().transactions.retransmitting2xx, 0, 'the BYE stopped it: no slot of maxUnacknowledgedInvites held for 64*T1');
  t.equal(stack.stats().dialogs, 0);
});

t.test('tsip uas over maxUnacknowledgedInvites: a new INVITE takes the place of a 2xx unACKed for unacknowledgedGiveUpAfter; its call ends as at 64*T1', async (t) => {
  const stack = new SipStack({
    iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }],
    timers,
    limits: { maxUnacknowledgedInvites: 1, unacknowledgedGiveUpAfter: 50 },
  });
  const uas = createAnsweringUas(stack, { host: '127.0.0.1' });
  stack.addUser(uas.user);
  await stack.start();
  t.teardown(() => stack.shutdown());
  const port = stack.boundAddresses('main')[0].port;
  t.equal((await exchange(port, raw('INVITE')))?.status, 200, 'the first call, never ACKed');
  t.equal((await exchange(port, raw('INVITE')))?.status, 503, 'at once: the waiting 2xx is younger than 50 ms');
  await new Promise((r) => setTimeout(r, 80));
  t.equal((await exchange(port, raw('INVITE')))?.status, 200, 'after 50 ms it gives its place');
  await new Promise((r) => setTimeout(r, 20)); // the given-up call is told on a later turn of the clock
  const s = stack.stats();
  t.same(s.limitRejections, { serverTransactions: 0, unacknowledgedInvites: 1, retransmissions: 0, ackWaitsGivenUp: 1 });
  t.equal(s.transactions.retransmitting2xx, 1, 'only the new call\'s 2xx waits');
  t.equal(uas.counts.ackTimeouts, 1, 'the given-up call was told (tsip uas drops its dialog)');
  t.equal(s.dialogs, 1);
});

t.test('SipStackSettings.admission: a stateless refusal by load, kept for its retransmissions once the load fell', async (t) => {
  let busy = true;
  const asked: string[] = [];
  const stack = new SipStack({
    iaps: [{ id: 'main', listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }] }], timers,
    admission: (info) => {
      asked.push(`${info.method} ${info.source.protocol} ${info.source.address}`);
      return busy ? { status: 503, reason: 'Too busy', retryAfter: 5 } : undefined;
    },
  });
  stack.addUser(createAnsweringUas(stack, { host: '127.0.0.1' }).user);
  await stack.start();
  const client = await udpClient(stack.boundAddresses('main')[0].port);
  t.teardown(async () => { client.close(); await stack.shutdown(); });
  const invite = raw('INVITE');
  const first = await client.send(invite);
  t.equal(first?.status, 503);
  t.equal(first?.reason, 'Too busy');
  t.equal(first?.headers.get('Retry-After'), '5');
  t.same(asked, ['INVITE udp 127.0.0.1'], 'asked with the source');
  t.equal(stack.stats().transactions.serverInvite, 0, 'no transaction for the refusal');
  busy = false;
  const retransmission = await client.send(invite);
  t.equal(retransmission?.status, 503, 'the same INVITE again after the load fell: refused again (its client has its answer)');
  t.equal(stack.stats().transactions.serverInvite, 0, 'still no transaction');
  t.equal(asked.length, 1, 'the admission is not asked about a retransmission (it would count it as a new request)');
  t.equal(stack.stats().limitRejections.retransmissions, 1, 'counted as a refused retransmission');
  const next = await client.send(raw('INVITE'));
  t.equal(next?.status, 200, 'a new INVITE is admitted');
});
