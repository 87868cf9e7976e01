/** Property tests of the dialog's CSeq rules (RFC 3261 §12.2.1.1, §12.2.2). */
import t from 'tap';
import fc from 'fast-check';
import { SipRequest } from '../../../lib/message/index.js';
import { createUacDialog } from '../../../lib/dialog/dialog-factory.js';
import { answer, invite } from './helpers.js';
import { parseMinSE, parseSessionExpires } from '../../../lib/dialog/session-expires.js';
import { parseRAck, parseRSeq } from '../../../lib/dialog/rack.js';
import { OfferAnswer } from '../../../lib/dialog/offer-answer.js';
import { InviteGuard } from '../../../lib/dialog/invite-guard.js';

function incoming(method: string, seq: number): SipRequest {
  return new SipRequest({
    method,
    uri: 'sip:alice@client.atlanta.example.com',
    headers: [
      ['From', '<sip:bob@biloxi.example.com>;tag=b1'],
      ['To', '<sip:alice@atlanta.example.com>;tag=9fxced76sl'],
      ['Call-ID', '3848276298220188511@atlanta.example.com'],
      ['CSeq', `${seq} ${method}`],
    ],
  });
}

t.test('incoming: accepted iff not lower than the highest seen; ACK/CANCEL never checked', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('INFO', 'UPDATE', 'ACK', 'CANCEL', 'NOTIFY'), fc.integer({ min: 0, max: 50 })), { maxLength: 40 }), (seqs) => {
      const d = createUacDialog(invite(), answer(200, 'b1'));
      let max: number | undefined;
      for (const [method, seq] of seqs) {
        const v = d.receiveRequest(incoming(method, seq));
        const exempt = method === 'ACK' || method === 'CANCEL';
        const expect = exempt || max === undefined || seq >= max;
        if (v.accept !== expect) return false;
        if (!v.accept && v.status !== 500) return false;
        if (v.accept && !exempt) max = seq;
        if (d.remoteSeq !== max) return false;
      }
      return true;
    }),
  );
  t.pass();
});

t.test('outgoing: each request but ACK/CANCEL takes the next CSeq', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('INFO', 'UPDATE', 'INVITE', 'ACK', 'CANCEL', 'OPTIONS'), { maxLength: 30 }), (methods) => {
      const d = createUacDialog(invite(), answer(200, 'b1'));
      let expected = 1;
      for (const m of methods) {
        const r = m === 'ACK' ? d.createAck(expected) : m === 'CANCEL' ? d.createRequest('CANCEL', { cseq: expected }) : d.createRequest(m);
        if (m !== 'ACK' && m !== 'CANCEL') expected++;
        if (r.cseq.seq !== expected || r.cseq.method !== m) return false;
        if (d.localSeq !== expected) return false;
      }
      return true;
    }),
  );
  t.pass();
});

t.test('header parsers never throw on junk', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      parseSessionExpires(s);
      parseMinSE(s);
      parseRSeq(s);
      parseRAck(s);
      return true;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});

t.test('offer/answer and INVITE guard follow their model under any sequence of events', async (t) => {
  const ops = fc.array(fc.constantFrom('offerSent', 'offerReceived', 'answerSent', 'answerReceived', 'offerRejected'), { maxLength: 40 });
  fc.assert(
    fc.property(ops, (seq) => {
      const oa = new OfferAnswer(() => 3);
      let model: 'Idle' | 'LocalOffer' | 'RemoteOffer' = 'Idle';
      let exchanges = 0;
      for (const op of seq) {
        let threw = false;
        let verdict: ReturnType<OfferAnswer['offerReceived']> | undefined;
        try {
          if (op === 'offerReceived') verdict = oa.offerReceived();
          else oa[op]();
        } catch {
          threw = true;
        }
        switch (op) {
          case 'offerSent':
            if (threw !== (model !== 'Idle')) return false;
            if (!threw) model = 'LocalOffer';
            break;
          case 'offerReceived': {
            const want = model === 'Idle' ? { accept: true } : model === 'LocalOffer' ? { accept: false, status: 491 } : { accept: false, status: 500, retryAfter: 3 };
            if (JSON.stringify(verdict) !== JSON.stringify(want)) return false;
            if (model === 'Idle') model = 'RemoteOffer';
            break;
          }
          case 'answerSent':
          case 'answerReceived': {
            const need = op === 'answerSent' ? 'RemoteOffer' : 'LocalOffer';
            if (threw !== (model !== need)) return false;
            if (!threw) {
              model = 'Idle';
              exchanges++;
            }
            break;
          }
          case 'offerRejected':
            model = 'Idle';
            break;
        }
        if (oa.state !== model || oa.exchanges !== exchanges) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.constantFrom('inviteSent', 'inviteCompleted', 'inviteReceived', 'inviteAnswered'), { maxLength: 40 }), (seq) => {
      const g = new InviteGuard(() => 7);
      let sending = false;
      let receiving = false;
      for (const op of seq) {
        if (op === 'inviteSent') {
          let threw = false;
          try {
            g.inviteSent();
          } catch {
            threw = true;
          }
          if (threw !== (sending || receiving)) return false;
          if (!threw) sending = true;
        } else if (op === 'inviteReceived') {
          const v = g.inviteReceived();
          const want = receiving ? { accept: false, status: 500, retryAfter: 7 } : sending ? { accept: false, status: 491 } : { accept: true };
          if (JSON.stringify(v) !== JSON.stringify(want)) return false;
          if (!receiving && !sending) receiving = true;
        } else if (op === 'inviteCompleted') {
          g.inviteCompleted();
          sending = false;
        } else {
          g.inviteAnswered();
          receiving = false;
        }
        if (g.canSendInvite() !== (!sending && !receiving)) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});
