/**
 * Differential check against an independent implementation: SIP.js's initial dialog state
 * (RFC 3261 §12.1.1/§12.1.2) for random Record-Route sets, compared with tsip's factories.
 */
import t from 'tap';
import fc from 'fast-check';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { Dialog } from 'sip.js/lib/core/dialogs/dialog.js';
import type { IncomingRequestMessage, IncomingResponseMessage, OutgoingRequestMessage } from 'sip.js/lib/core/messages/index.js';
import { type SipMessage, serializeMessage } from '../../../lib/message/index.js';
import { createUacDialog, createUasDialog } from '../../../lib/dialog/dialog-factory.js';
import { answer, invite } from './helpers.js';

const quiet = { error: () => undefined, warn: () => undefined, log: () => undefined, debug: () => undefined };
type SipJsLogger = Parameters<typeof Parser.parseMessage>[1];

const host = fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,6}){0,2}$/);
const route = fc.tuple(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.boolean()).map(([h, port, lr]) => `<sip:${h}${port === undefined ? '' : ':' + port}${lr ? ';lr' : ''}>`);
const routes = fc.array(route, { maxLength: 5 });

t.test('UAC: same route set and remote target as SIP.js', async (t) => {
  fc.assert(
    fc.property(routes, host, fc.constantFrom(180, 183, 200), (rr, contactHost, status) => {
      const req = invite();
      const res = answer(status, 'bt', { rr, contact: `<sip:bob@${contactHost}>` });
      const ours = createUacDialog(req, res);
      const theirRes = Parser.parseMessage(serialize(res), quiet as unknown as SipJsLogger) as IncomingResponseMessage;
      const theirReq = { cseq: req.cseq.seq, callId: req.callId, fromTag: req.from.tag, from: { uri: req.from.uri }, to: { uri: req.to.uri } } as unknown as OutgoingRequestMessage;
      const theirs = Dialog.initialDialogStateForUserAgentClient(theirReq, theirRes);
      return (
        JSON.stringify(ours.routeSet.map((r) => r.toString())) === JSON.stringify(theirs.routeSet) &&
        ours.remoteTarget.toString() === theirs.remoteTarget.toString() &&
        ours.id.remoteTag === theirs.remoteTag &&
        ours.localSeq === theirs.localSequenceNumber &&
        (ours.state === 'Early') === theirs.early
      );
    }),
    { numRuns: 100 },
  );
  t.pass();
});

t.test('UAS: same route set and remote target as SIP.js', async (t) => {
  fc.assert(
    fc.property(routes, (rr) => {
      const req = invite(rr.length === 0 ? '' : 'Record-Route: ' + rr.join(', '));
      const ours = createUasDialog(req, { localTag: 'mine' });
      const theirReq = Parser.parseMessage(serialize(req), quiet as unknown as SipJsLogger) as IncomingRequestMessage;
      const theirs = Dialog.initialDialogStateForUserAgentServer(theirReq, 'mine');
      return (
        JSON.stringify(ours.routeSet.map((r) => r.toString())) === JSON.stringify(theirs.routeSet) &&
        ours.remoteTarget.toString() === theirs.remoteTarget.toString() &&
        ours.remoteSeq === theirs.remoteSequenceNumber &&
        ours.id.remoteTag === theirs.remoteTag
      );
    }),
    { numRuns: 100 },
  );
  t.pass();
});

function serialize(m: SipMessage): string {
  return serializeMessage(m).toString();
}
