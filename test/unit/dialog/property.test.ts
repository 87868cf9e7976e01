/** Property tests of the dialog's CSeq rules (RFC 3261 §12.2.1.1, §12.2.2). */
import t from 'tap';
import fc from 'fast-check';
import { SipRequest } from '../../../lib/message/index.js';
import { createUacDialog } from '../../../lib/dialog/dialog-factory.js';
import { answer, invite } from './helpers.js';
import { parseMinSE, parseSessionExpires } from '../../../lib/dialog/session-expires.js';
import { parseRAck, parseRSeq } from '../../../lib/dialog/rack.js';

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
