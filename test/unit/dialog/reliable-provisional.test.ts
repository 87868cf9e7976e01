/** RFC 3262: RSeq/RAck, the UAS sender's retransmissions and PRACK matching, the UAC receiver's order rules. */
import t from 'tap';
import { FakeClock } from '../../../lib/transaction/clock.js';
import { SipRequest, SipResponse } from '../../../lib/message/index.js';
import { formatRAck, parseRAck, parseRSeq } from '../../../lib/dialog/rack.js';
import { ReliableProvisionalSender } from '../../../lib/dialog/reliable-provisional-sender.js';
import { ReliableProvisionalReceiver } from '../../../lib/dialog/reliable-provisional-receiver.js';

function ringing(status = 180, extra: Array<[string, string]> = [], toTag = 'bt'): SipResponse {
  return new SipResponse({
    status,
    headers: [['From', '<sip:a@a>;tag=at'], ['To', `<sip:b@b>;tag=${toTag}`], ['Call-ID', 'c'], ['CSeq', '7 INVITE'], ...extra],
  });
}

function prack(rack: string | undefined): SipRequest {
  const headers: Array<[string, string]> = [['From', '<sip:a@a>;tag=at'], ['To', '<sip:b@b>;tag=bt'], ['Call-ID', 'c'], ['CSeq', '8 PRACK']];
  if (rack !== undefined) headers.push(['RAck', rack]);
  return new SipRequest({ method: 'PRACK', uri: 'sip:b@b', headers });
}

t.test('RSeq and RAck', async (t) => {
  t.equal(parseRSeq('988789'), 988789);
  t.equal(parseRSeq(' 1 '), 1);
  t.equal(parseRSeq('0'), undefined);
  t.equal(parseRSeq('4294967296'), undefined);
  t.equal(parseRSeq('12a'), undefined);
  t.same(parseRAck('776656 1 INVITE'), { rseq: 776656, cseq: 1, method: 'INVITE' });
  t.same(parseRAck('  5   9  INVITE '), { rseq: 5, cseq: 9, method: 'INVITE' });
  t.equal(parseRAck('5 INVITE'), undefined);
  t.equal(parseRAck('0 1 INVITE'), undefined);
  t.equal(formatRAck({ rseq: 5, cseq: 9, method: 'INVITE' }), '5 9 INVITE');
});

function sender(opts: { initialRSeq?: number } = {}) {
  const clock = new FakeClock();
  const sent: Array<{ at: number; rseq: string | undefined }> = [];
  const timeouts: SipResponse[] = [];
  const s = new ReliableProvisionalSender({
    clock,
    transmit: (r) => sent.push({ at: clock.now(), rseq: r.headers.get('RSeq') }),
    onTimeout: (r) => timeouts.push(r),
    ...opts,
  });
  return { clock, sent, timeouts, s };
}

t.test('sender: Require/RSeq added, retransmits at T1, 2T1, 4T1 … and times out at 64*T1', async (t) => {
  const { clock, sent, timeouts, s } = sender({ initialRSeq: 100 });
  const original = ringing();
  const out = s.send(original);
  t.same(out.require, ['100rel']);
  t.equal(out.headers.get('RSeq'), '100');
  t.equal(original.headers.get('RSeq'), undefined, 'the caller’s response is not changed');
  t.ok(s.awaitingPrack);
  clock.advance(32_000);
  t.same(sent.map((x) => x.at), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  t.equal(timeouts.length, 1);
  t.equal(timeouts[0].headers.get('RSeq'), '100');
  t.notOk(s.awaitingPrack);
  t.equal(clock.pending(), 0);
  t.throws(() => s.send(ringing()), { name: 'SipError', code: 'InvalidState' }, 'after the timeout the request is answered');
});

t.test('sender: PRACK matching, one unacknowledged at a time, RSeq +1', async (t) => {
  const { clock, sent, s } = sender({ initialRSeq: 41 });
  t.equal(s.pendingResponse, undefined);
  s.send(ringing(183, [['Require', '100rel']]));
  t.equal(s.pendingResponse?.headers.get('RSeq'), '41');
  t.throws(() => s.send(ringing()), { name: 'SipError', code: 'InvalidState' });
  clock.advance(500);
  t.same(s.receivePrack(prack('41 6 INVITE')), { matched: false, status: 481 }, 'wrong CSeq');
  t.same(s.receivePrack(prack('42 7 INVITE')), { matched: false, status: 481 }, 'wrong RSeq');
  t.same(s.receivePrack(prack('41 7 BYE')), { matched: false, status: 481 }, 'wrong method');
  t.same(s.receivePrack(prack(undefined)), { matched: false, status: 481 }, 'no RAck');
  const ok = s.receivePrack(prack('41 7 INVITE'));
  t.ok(ok.matched);
  t.equal(ok.matched && ok.response.status, 183);
  t.same(ok.matched && ok.response.require, ['100rel'], 'Require: 100rel not doubled');
  t.notOk(s.awaitingPrack);
  t.equal(clock.pending(), 0, 'retransmissions stopped');
  t.same(s.receivePrack(prack('41 7 INVITE')), { matched: false, status: 481 }, 'acknowledged already: 481 (§3)');
  const second = s.send(ringing());
  t.equal(second.headers.get('RSeq'), '42');
  t.equal(s.nextSequence, 43);
  t.same(s.receivePrack(prack('41 7 INVITE')), { matched: false, status: 481 }, 'the old one does not match the pending one');
  s.finalResponseSent();
  t.equal(clock.pending(), 0);
  t.equal(sent.length, 3);
  t.throws(() => s.send(ringing()), { name: 'SipError', code: 'InvalidState' });
});

t.test('sender: random initial RSeq below 2^31; 100 and finals refused', async (t) => {
  const seen = new Set<number>();
  for (let i = 0; i < 20; i++) {
    const { s } = sender();
    const r = Number(s.send(ringing()).headers.get('RSeq'));
    t.ok(r >= 1 && r < 2 ** 31);
    seen.add(r);
    s.dispose();
  }
  t.ok(seen.size > 15, 'values differ');
  const { s } = sender();
  t.throws(() => s.send(ringing(100)), { name: 'SipError', code: 'InvalidArgument' });
  t.throws(() => s.send(ringing(200)), { name: 'SipError', code: 'InvalidArgument' });
});

t.test('receiver: first any value, then +1; duplicates and gaps are not PRACKed; per To tag', async (t) => {
  const r = new ReliableProvisionalReceiver();
  t.same(r.receive(ringing(180)), { kind: 'unreliable' });
  t.same(r.receive(ringing(100, [['Require', '100rel'], ['RSeq', '1']])), { kind: 'unreliable' });
  t.same(r.receive(ringing(180, [['Require', '100rel']])), { kind: 'invalid' });
  t.same(r.receive(ringing(180, [['Require', '100rel'], ['RSeq', '988789']])), { kind: 'accept', rseq: 988789, rack: '988789 7 INVITE' });
  t.same(r.receive(ringing(180, [['Require', '100rel'], ['RSeq', '988789']])), { kind: 'duplicate' });
  t.same(r.receive(ringing(183, [['Require', '100rel'], ['RSeq', '988791']])), { kind: 'out-of-order' });
  t.same(r.receive(ringing(183, [['Require', '100rel'], ['RSeq', '988790']])), { kind: 'accept', rseq: 988790, rack: '988790 7 INVITE' });
  t.same(r.receive(ringing(183, [['Require', '100rel'], ['RSeq', '988791']])).kind, 'accept', 'the gap filled');
  t.same(r.receive(ringing(180, [['Require', '100rel'], ['RSeq', '5']], 'fork2')), { kind: 'accept', rseq: 5, rack: '5 7 INVITE' }, 'another early dialog has its own numbers');
  t.equal(r.size, 2);
  r.forget('fork2');
  t.equal(r.size, 1);
});

t.test('sender and receiver together', async (t) => {
  const clock = new FakeClock();
  const rx = new ReliableProvisionalReceiver();
  const pracks: string[] = [];
  const s = new ReliableProvisionalSender({
    clock,
    transmit: (res) => {
      const v = rx.receive(res);
      if (v.kind === 'accept') pracks.push(v.rack);
    },
    onTimeout: () => t.fail('no timeout expected'),
  });
  s.send(ringing(180));
  clock.advance(1500); // two retransmissions, ignored by the receiver as duplicates
  t.equal(pracks.length, 1);
  t.ok(s.receivePrack(prack(pracks[0])).matched);
  s.send(ringing(183));
  t.ok(s.receivePrack(prack(pracks[1])).matched);
  t.equal(pracks.length, 2);
  s.finalResponseSent();
  t.equal(clock.pending(), 0);
});
