/** TransactionLayer, server side: §17.2.3 matching, the RFC 2543 fallback, limits, malformed input. */
import t from 'tap';
import type { SipRequest } from '../../../lib/message/index.js';
import { drain, flush, makeRequest, reply, single, source } from './harness.js';

function clone(req: SipRequest, edit: (r: SipRequest) => void = () => {}): SipRequest {
  const c = req.clone();
  edit(c);
  return c;
}

function ackFor(invite: SipRequest, toTag: string | undefined, branch: string | null | undefined = invite.via[0].branch): SipRequest {
  const a = clone(invite);
  a.method = 'ACK';
  a.cseq = { seq: invite.cseq.seq, method: 'ACK' };
  const to = a.to.clone();
  to.tag = toTag;
  a.to = to;
  const via = a.topVia.clone();
  via.branch = branch ?? undefined;
  a.via = [via];
  return a;
}

t.test('§17.2.3: branch + sent-by + method', async (t) => {
  const { layer } = single();
  const inv = makeRequest({ branch: 'z9hG4bKabc', viaHost: 'UA.example.com', viaPort: 5060 });
  const d1 = layer.receiveRequest(inv, source());
  t.equal(d1.kind, 'new');
  // same branch, sent-by written without the default port and in other case: same transaction
  const retrans = clone(inv, (r) => {
    r.headers.set('Via', 'SIP/2.0/UDP ua.EXAMPLE.com;branch=z9hG4bKabc;received=192.0.2.99');
  });
  t.equal(layer.receiveRequest(retrans, source()).kind, 'absorbed');
  // same branch from another sent-by: another transaction
  const other = clone(inv, (r) => {
    r.headers.set('Via', 'SIP/2.0/UDP other.example.com;branch=z9hG4bKabc');
  });
  t.equal(layer.receiveRequest(other, source()).kind, 'new');
  // same branch and sent-by, other method: another transaction
  const opt = clone(inv, (r) => {
    r.method = 'OPTIONS';
    r.cseq = { seq: 1, method: 'OPTIONS' };
  });
  t.equal(layer.receiveRequest(opt, source()).kind, 'new');
  t.equal(layer.stats().serverInvite, 2);
  t.equal(layer.stats().serverNonInvite, 1);
  // TLS default port is 5061
  const tls = makeRequest({ branch: 'z9hG4bKtls', transport: 'TLS', viaHost: 'x.example.com', viaPort: 5061 });
  t.equal(layer.receiveRequest(tls, source('tls')).kind, 'new');
  const tlsNoPort = clone(tls, (r) => r.headers.set('Via', 'SIP/2.0/TLS x.example.com;branch=z9hG4bKtls'));
  t.equal(layer.receiveRequest(tlsNoPort, source('tls')).kind, 'absorbed');
  layer.close();
});

t.test('ACK matching: non-2xx ACK absorbed; 2xx ACK (new branch) goes to the caller', async (t) => {
  const { layer, clock } = single();
  const inv = makeRequest();
  const d = layer.receiveRequest(inv, source());
  if (d.kind !== 'new') return t.fail('expected new');
  d.tx.respond(reply(inv, 404, 'rt'));
  t.same(layer.receiveRequest(ackFor(inv, 'rt'), source()), { kind: 'absorbed', tx: d.tx });
  t.equal(d.tx.rfcState, 'Confirmed');
  const ack2xx = ackFor(inv, 'rt', 'z9hG4bKnewbranch');
  t.same(layer.receiveRequest(ack2xx, source()), { kind: 'ack2xx', retransmissionStopped: false });
  t.equal(layer.stats().serverInvite, 1, 'an ACK never creates a transaction');
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('RFC 2543 fallback (no magic cookie): Request-URI, tags, Call-ID, CSeq, top Via', async (t) => {
  const { layer, clock, transport } = single();
  const inv = makeRequest({ branch: null, callId: 'old@2543' });
  const d = layer.receiveRequest(inv, source());
  if (d.kind !== 'new') return t.fail('expected new');
  const tx = d.tx;
  t.equal(layer.receiveRequest(clone(inv), source()).kind, 'absorbed', 'identical retransmission matches');
  const variants: Array<[string, (r: SipRequest) => void]> = [
    ['Request-URI', (r) => (r.uri = makeRequest({ uri: 'sip:carol@example.com' }).uri)],
    ['From tag', (r) => r.headers.set('From', '<sip:alice@example.com>;tag=zzz')],
    ['To tag', (r) => r.headers.set('To', '<sip:bob@example.com>;tag=zzz')],
    ['Call-ID', (r) => r.headers.set('Call-ID', 'other@2543')],
    ['CSeq', (r) => r.headers.set('CSeq', '2 INVITE')],
    ['top Via', (r) => r.headers.set('Via', 'SIP/2.0/UDP 192.0.2.10:5062')],
  ];
  for (const [what, edit] of variants) {
    const v = clone(inv, edit);
    const r = layer.receiveRequest(v, source());
    t.equal(r.kind, 'new', `a different ${what} is another transaction`);
    if (r.kind === 'new') r.tx.abort();
  }
  tx.respond(reply(inv, 486, 'srv'));
  const wrongTag = ackFor(inv, 'nope', null);
  t.equal(layer.receiveRequest(wrongTag, source()).kind, 'ack2xx', 'ACK with another To tag does not match');
  const ack = ackFor(inv, 'srv', null);
  t.same(layer.receiveRequest(ack, source()), { kind: 'absorbed', tx }, 'ACK with the response To tag matches');
  t.equal(tx.rfcState, 'Confirmed');
  t.equal(transport.responses(486).length, 1);
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('RFC 2543 fallback also applies to a branch without the cookie', async (t) => {
  const { layer } = single();
  const req = makeRequest({ method: 'OPTIONS', branch: '1234abcd' });
  t.equal(layer.receiveRequest(req, source()).kind, 'new');
  t.equal(layer.receiveRequest(clone(req), source()).kind, 'absorbed');
  const otherCall = makeRequest({ method: 'OPTIONS', branch: '1234abcd' });
  t.equal(layer.receiveRequest(otherCall, source()).kind, 'new', 'same 2543 branch, other call');
  layer.close();
});

t.test('server limit: beyond maxServerTransactions a stateless 503; ACK is never refused', async (t) => {
  const { layer, transport, clock } = single({ maxServer: 1 });
  const first = makeRequest({ method: 'OPTIONS' });
  const d = layer.receiveRequest(first, source('tcp'));
  const second = makeRequest();
  t.same(layer.receiveRequest(second, source()), { kind: 'rejected', status: 503 });
  const [r503] = transport.responses(503);
  t.ok(r503, '503 sent');
  t.equal(r503.callId, second.callId);
  t.equal(transport.sent.at(-1)?.source?.remotePort, 5060);
  t.equal(layer.stats().serverInvite, 0, 'no transaction for the refused request');
  t.equal(layer.receiveRequest(ackFor(second, 'x', 'z9hG4bKack'), source()).kind, 'ack2xx');
  t.equal(layer.receiveRequest(clone(first), source('tcp')).kind, 'absorbed', 'retransmissions of live transactions still match');
  if (d.kind === 'new') d.tx.respond(reply(first, 200));
  await flush();
  const third = makeRequest();
  const d3 = layer.receiveRequest(third, source());
  t.equal(d3.kind, 'new', 'room again once it ended');
  if (d3.kind === 'new') d3.tx.respond(reply(third, 486));
  await drain(clock);
  t.equal(layer.stats().total, 0);
});

t.test('malformed requests are dropped', async (t) => {
  const { layer } = single();
  t.same(layer.receiveRequest(makeRequest({ noVia: true }), source()), { kind: 'dropped', reason: 'malformed' });
  const noCseq = makeRequest();
  noCseq.headers.delete('CSeq');
  t.same(layer.receiveRequest(noCseq, source()), { kind: 'dropped', reason: 'malformed' });
  const badFrom = makeRequest();
  badFrom.headers.set('From', '<<<');
  t.same(layer.receiveRequest(badFrom, source()), { kind: 'dropped', reason: 'malformed' });
  t.equal(layer.stats().total, 0);
});

t.test('a received request with a CSeq method mismatch is left to the UAS core', async (t) => {
  const { layer } = single();
  const req = makeRequest({ method: 'OPTIONS' });
  req.headers.set('CSeq', '1 INFO');
  t.equal(layer.receiveRequest(req, source()).kind, 'new');
  layer.close();
});

t.test('drops and refusals are logged with a reason', async (t) => {
  const { FakeClock } = await import('../../../lib/transaction/clock.js');
  const { FakeTransport } = await import('../../helpers/fake-transport.js');
  const { TransactionLayer } = await import('../../../lib/transaction/layer.js');
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => void lines.push(`${level}:${msg}`);
  const clock = new FakeClock();
  const layer = new TransactionLayer({
    transport: new FakeTransport(),
    clock,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    limits: { maxServerTransactions: 0 },
  });
  layer.receiveRequest(makeRequest({ noVia: true }), source());
  layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source());
  layer.receiveResponse(reply(makeRequest(), 200), source());
  t.ok(lines.includes('info:request dropped'));
  t.ok(lines.includes('warn:server transaction limit reached: 503'));
  t.ok(lines.includes('debug:stray response'));
});

t.test('a stateless refusal: the response goes out, no transaction is made; retransmissions of admitted requests never reach it', async (t) => {
  const { layer, transport, clock } = single();
  const asked: string[] = [];
  const refuse = (r: SipRequest, inviteFound: boolean) => {
    asked.push(`${r.method}:${inviteFound}`);
    return r.method === 'FOO' || (r.method === 'CANCEL' && !inviteFound) ? reply(r, r.method === 'FOO' ? 501 : 481, 'stateless') : undefined;
  };
  const foo = makeRequest({ method: 'FOO' });
  t.same(layer.receiveRequest(foo, source(), false, refuse), { kind: 'rejected', status: 501 });
  t.same(layer.receiveRequest(foo, source(), false, refuse), { kind: 'rejected', status: 501 }, 'its retransmission: asked again, the same answer');
  await flush();
  t.equal(transport.responses(501).length, 2);
  t.equal(layer.stats().total, 0, 'no transaction, no timer');
  t.equal(clock.pending(), 0);
  // an admitted request: its retransmission is absorbed by its transaction without asking
  const invite = makeRequest();
  const d = layer.receiveRequest(invite, source(), false, refuse);
  t.equal(d.kind, 'new');
  t.equal(layer.receiveRequest(invite, source(), false, refuse).kind, 'absorbed');
  t.same(asked, ['FOO:false', 'FOO:false', 'INVITE:false']);
  // CANCEL: told whether the INVITE it cancels has a transaction
  const cancel = clone(invite, (c) => {
    c.method = 'CANCEL';
    c.cseq = { seq: invite.cseq.seq, method: 'CANCEL' };
  });
  t.equal(layer.receiveRequest(cancel, source(), false, refuse).kind, 'cancel');
  const stray = makeRequest({ method: 'CANCEL' });
  t.same(layer.receiveRequest(stray, source(), false, refuse), { kind: 'rejected', status: 481 });
  t.same(asked.slice(3), ['CANCEL:true', 'CANCEL:false']);
  // a refusal that throws refuses nothing: the transaction is made, the TU decides
  const thrower = () => {
    throw new Error('boom');
  };
  t.equal(layer.receiveRequest(makeRequest({ method: 'OPTIONS' }), source(), false, thrower).kind, 'new');
  layer.close();
  await drain(clock);
});
