/**
 * The SRS session's explicit state (srs-session-state.ts): the transition table, and an
 * SrsSession in signalling-only mode walked through Setup → Recording ⇄ Paused → Ended and the
 * offer-less Setup → AwaitingAnswer → Recording.
 */
import t from 'tap';
import { buildOfferSdp } from '../../../../lib/siprec/body/index.js';
import { PortAllocator } from '../../../../lib/siprec/media/index.js';
import { planOffer, SrsSession, SrsSessionState, SrsSessionStateError, liveRecordingOf } from '../../../../lib/siprec/srs/index.js';
import { srsSessionTransitionAllowed } from '../../../../lib/siprec/srs/srs-session-state.js';
import type { InviteDialogAssoc } from '../../../../lib/siprec/common/api.js';

const policy = { kinds: ['audio' as const], msrp: false, wavCodecs: ['PCMU' as const] };

function session(id: string): { s: SrsSession; disposed: () => number } {
  let n = 0;
  const assoc = { dispose: () => { n++; } } as unknown as InviteDialogAssoc;
  const s = new SrsSession(id, assoc, undefined, { host: '127.0.0.1', allocator: new PortAllocator({ min: 42000, max: 42019 }), media: false, policy });
  return { s, disposed: () => n };
}

function offer(paused: boolean, version: number): ReturnType<typeof planOffer> {
  const sdp = buildOfferSdp([{ label: '1', port: 30000 }, { label: '2', port: 30002 }], { address: '127.0.0.1', sessionId: 1, version, paused });
  return planOffer(sdp, policy);
}

t.test('transition table: the lifecycle of the header, nothing else', async (t) => {
  const S = SrsSessionState;
  const all = Object.values(S);
  const allowed = all.flatMap((from) => all.filter((to) => srsSessionTransitionAllowed(from, to)).map((to) => `${from}>${to}`));
  t.same(allowed.sort(), [
    'awaitingAnswer>ended', 'awaitingAnswer>paused', 'awaitingAnswer>recording',
    'paused>ended', 'paused>recording',
    'recording>ended', 'recording>paused',
    'setup>awaitingAnswer', 'setup>ended', 'setup>paused', 'setup>recording',
  ]);
  const e = new SrsSessionStateError(S.Ended, S.Recording, 'r@h');
  t.match(e.message, /r@h: illegal state transition ended → recording/);
});

t.test('SRC offer: Setup → Recording ⇄ Paused → Ended; ending twice is no transition', async (t) => {
  const { s, disposed } = session('a@h');
  t.equal(s.state, SrsSessionState.Setup);
  await s.applyOffer(offer(false, 1));
  t.equal(s.state, SrsSessionState.Recording);
  t.notOk(s.paused);
  await s.applyOffer(offer(true, 2));
  t.equal(s.state, SrsSessionState.Paused);
  t.ok(s.paused);
  t.equal(liveRecordingOf(s).sessionState, SrsSessionState.Paused, 'the live view shows it');
  await s.applyOffer(offer(true, 3));
  t.equal(s.state, SrsSessionState.Paused, 'still paused: no transition');
  await s.applyOffer(offer(false, 4));
  t.equal(s.state, SrsSessionState.Recording);
  await s.end('bye');
  t.equal(s.state, SrsSessionState.Ended);
  t.ok(s.isEnded);
  await t.resolves(s.end('bye'), 'idempotent');
  t.equal(disposed(), 1, 'dialog disposed once');
  await s.applyOffer(offer(true, 5));
  t.equal(s.state, SrsSessionState.Ended, 'an offer applied after the end changes nothing');
});

t.test('offer-less INVITE: Setup → AwaitingAnswer → Recording on a good answer', async (t) => {
  const { s } = session('b@h');
  const ours = planOffer(await s.makeInitialOffer(['1', '2']), policy);
  t.equal(s.state, SrsSessionState.AwaitingAnswer);
  t.ok(s.awaitingInitialAnswer);
  const answer = buildOfferSdp(ours.streams.map((x) => ({ label: x.label, port: 31000 + 2 * x.index })), { address: '127.0.0.1', sessionId: 9, version: 1 });
  t.equal(await s.applyAckAnswer(answer), undefined, 'answer accepted');
  t.equal(s.state, SrsSessionState.Recording);
  await s.end('bye');
  t.equal(s.state, SrsSessionState.Ended);
});

t.test('offer-less INVITE with no answer in the ACK: stays AwaitingAnswer until ended', async (t) => {
  const { s } = session('c@h');
  await s.makeInitialOffer(['1']);
  t.type(await s.applyAckAnswer('not sdp'), 'string', 'refused');
  t.equal(s.state, SrsSessionState.AwaitingAnswer);
  await s.end('failed', true, true);
  t.equal(s.state, SrsSessionState.Ended);
});
