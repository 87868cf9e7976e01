/**
 * RFC 4028 §7.2/§10 at the SRC, on a FakeClock: the refresh timer runs from every 2xx that carries
 * Session-Expires, the refresh's own included, so a recording is refreshed for as long as it
 * lasts, not once; with no successful refresh the session ends before it expires, also when the
 * SRS is the refresher (§10); a refresh the SRS sends is answered per §9 and restarts the timer; a
 * 491 is retried after the dialog layer's RFC 3261 §14.1 delay. A fake session host and fake
 * transactions stand in for the dialog.
 */
import t from 'tap';
import { RecordingEndReason } from '../../../../include-types/siprec.js';
import { MessageElements, type ClientTransaction, type InviteDialogAssoc } from '../../../../lib/siprec/common/api.js';
import { SessionRequests, type SessionRequestHost } from '../../../../lib/siprec/src/session-requests.js';
import { FakeClock } from '../../../helpers/fake-clock.js';

/** A client transaction whose final response the test sets. */
function fakeTx(type: 'INVITE' | 'UPDATE'): ClientTransaction & { answer(status: number, sessionExpires?: string): void } {
  const tx = {
    type,
    responseElements: undefined as unknown,
    dispose() { /* nothing held */ },
    answer(status: number, sessionExpires?: string) {
      tx.responseElements = {
        statusCode: status,
        isSuccess: status >= 200 && status < 300,
        messageElements: { header: (n: string) => (n === 'Session-Expires' ? sessionExpires : undefined), headerValues: () => [] },
      };
    },
  };
  return tx as unknown as ClientTransaction & { answer(status: number, sessionExpires?: string): void };
}

function setup(glareMs = 3000): { requests: SessionRequests; sent: ReturnType<typeof fakeTx>[]; lost: RecordingEndReason[]; clock: FakeClock } {
  const sent: ReturnType<typeof fakeTx>[] = [];
  const lost: RecordingEndReason[] = [];
  const clock = new FakeClock();
  const assoc = {
    sendInvite: () => { const tx = fakeTx('INVITE'); sent.push(tx); return tx; },
    sendUpdate: () => { const tx = fakeTx('UPDATE'); sent.push(tx); return tx; },
    glareRetryDelayMs: () => glareMs,
  } as unknown as InviteDialogAssoc;
  const host: SessionRequestHost = {
    assoc, updateMethod: 'update', clock,
    usable: () => true, pausedChanges: () => false, bumpVersion: () => undefined,
    elements: () => ({}) as MessageElements,
    sent: () => undefined, readAnswer: () => undefined, ack: () => undefined, holdInvite: () => undefined,
    lost: (r) => lost.push(r),
    timerPolicy: { sessionExpires: 1800, minSE: 90 },
  };
  return { requests: new SessionRequests(host), sent, lost, clock };
}

/** A session whose INVITE's 2xx said `sessionExpires`, its refresh timer armed; `refreshes()` counts the refreshes due. */
function armed(sessionExpires: string) {
  const rig = setup();
  let n = 0;
  const initial = fakeTx('INVITE');
  initial.answer(200, sessionExpires);
  rig.requests.armRefresh(initial, () => { n++; });
  return { ...rig, refreshes: () => n };
}

/** Lets the awaited promise chains of `send` run. */
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };

t.test('each refresh 2xx with Session-Expires arms the next refresh, at half the interval', async (t) => {
  const { requests, sent, clock, lost } = setup();
  const at: number[] = [];
  const refresh = (): void => {
    at.push(clock.now());
    // what the session does when the refresh is due: a re-INVITE, answered with the interval
    void requests.send(false, undefined, false);
    const tx = sent[sent.length - 1];
    tx.answer(200, '90;refresher=uac');
    requests.onResponse(tx);
  };
  const initial = fakeTx('INVITE');
  initial.answer(200, '90;refresher=uac');
  requests.armRefresh(initial, refresh);
  clock.advance(44_999);
  t.same(at, [], 'nothing before Session-Expires/2');
  clock.advance(1);
  t.same(at, [45_000], 'the first refresh at 45 s');
  await settle(); // the 2xx is read once the awaited send resumes
  for (let i = 0; i < 3; i++) {
    clock.advance(45_000);
    await settle();
  }
  t.same(at, [45_000, 90_000, 135_000, 180_000], 'refreshed every 45 s, not once');
  t.same(lost, [], 'never expired');
  requests.stopRefreshing();
  t.equal(clock.pending(), 0, 'no timer left once the session ended');
  clock.advance(100_000);
  t.equal(at.length, 4, 'none after the session ended');
});

t.test('no successful refresh: the session ends before it expires (RFC 4028 §10)', async (t) => {
  const { requests, clock, lost } = setup();
  let due = 0;
  const initial = fakeTx('INVITE');
  initial.answer(200, '90;refresher=uac');
  requests.armRefresh(initial, () => { due++; }); // the refresh goes unanswered
  clock.advance(59_999);
  t.equal(due, 1);
  t.same(lost, [], 'still up at 60 s - 1 ms');
  clock.advance(1);
  t.same(lost, [RecordingEndReason.SessionRefreshFailed], 'ended at 90 - min(32, 90/3) = 60 s');
  t.equal(clock.pending(), 0);
});

t.test('a 2xx without Session-Expires (a metadata UPDATE) leaves the timer as it was; refresher=uas: we stop refreshing but watch', async (t) => {
  const { requests, sent, clock, lost, refreshes } = armed('90;refresher=uac');
  clock.advance(20_000);
  // a metadata update by UPDATE, answered without the timer headers
  const upd = requests.send(false, '<recording/>', false);
  const u = sent[sent.length - 1];
  t.equal(u.type, 'UPDATE');
  u.answer(200);
  requests.onResponse(u);
  t.equal(await upd, true);
  clock.advance(25_000);
  t.equal(refreshes(), 1, 'the timer armed by the INVITE still fired at 45 s');
  // the SRS takes the refresher role in a later 2xx (at 45 s): we stop refreshing
  const re = requests.send(false, undefined, true);
  const r = sent[sent.length - 1];
  r.answer(200, '90;refresher=uas');
  requests.onResponse(r);
  await re;
  t.equal(clock.pending(), 1, 'one timer left: the session\'s end, not a refresh of ours');
  clock.advance(59_999);
  t.equal(refreshes(), 1, 'no refresh of ours');
  t.same(lost, [], 'up until 60 s after that 2xx');
  // RFC 4028 §10: the SRS never refreshed, so the session ends (BYE) before it expires
  clock.advance(1);
  t.same(lost, [RecordingEndReason.SessionRefreshFailed], 'ended at 90 - min(32, 90/3) = 60 s after the 2xx');
  t.equal(clock.pending(), 0);
});

/** The header fields of a request of the SRS, as the API hands them to the session. */
function srsRequest(fields: Record<string, string>): MessageElements {
  return new MessageElements({ headers: Object.entries(fields) });
}

t.test('a session refresh the SRS sends: answered per RFC 4028 §9, and the timer starts again from it', async (t) => {
  const { requests, clock, lost, refreshes } = armed('120;refresher=uas');
  // RFC 4028 roles are per transaction: the SRS's re-INVITE names itself (uac) the refresher
  clock.advance(60_000);
  const a = requests.srsRefresh(srsRequest({ Supported: 'timer, siprec', 'Session-Expires': '120;refresher=uac', 'Min-SE': '90' }));
  t.same(a, { status: 200, headers: [['Session-Expires', '120;refresher=uac'], ['Require', 'timer']] }, 'the interval and refresher echoed, Require: timer');
  clock.advance(87_999);
  t.same(lost, [], 'the refresh at 60 s moved the end from 88 s to 60 + 120 - min(32, 120/3) = 148 s');
  clock.advance(1);
  t.same(lost, [RecordingEndReason.SessionRefreshFailed], 'no refresh after it: ended');
  t.equal(refreshes(), 0, 'we never refreshed: the SRS was the refresher');
});

t.test('an SRS refresh that leaves the choice, or names us, makes us the refresher; below our Min-SE it gets 422', async (t) => {
  const { requests, clock, refreshes } = armed('120;refresher=uas');
  const a = requests.srsRefresh(srsRequest({ Supported: 'timer', 'Session-Expires': '100' }));
  t.same(a, { status: 200, headers: [['Session-Expires', '100;refresher=uas'], ['Require', 'timer']] }, 'no refresher asked: we (the uas of that transaction) take it');
  clock.advance(50_000);
  t.equal(refreshes(), 1, 'our refresh due at half the new interval');
  t.same(requests.srsRefresh(srsRequest({ Supported: 'timer', 'Session-Expires': '60' })), { status: 422, headers: [['Min-SE', '90']] }, 'RFC 4028 §9: 422 with our Min-SE');
  t.same(requests.srsRefresh(srsRequest({ Supported: 'siprec' })), { status: 200, headers: [] }, 'no Session-Expires: no timer headers, the timer runs on');
  requests.stopRefreshing();
  t.same(requests.srsRefresh(srsRequest({ Supported: 'timer', 'Session-Expires': '100' })), { status: 200, headers: [] }, 'a session that ended (or the SRS started) adds nothing');
  t.equal(clock.pending(), 0);
});

t.test('491: sent again after the dialog layer\'s glare delay (RFC 3261 §14.1), on the clock', async (t) => {
  const { requests, sent, clock } = setup(2500);
  const done = requests.send(true, undefined);
  t.equal(sent.length, 1);
  sent[0].answer(491);
  requests.onResponse(sent[0]);
  await settle();
  t.equal(clock.nextTimerAt(), 2500, 'waits glareRetryDelayMs (2.1–4 s as the dialog creator), not 0.2–1 s');
  clock.advance(2499);
  await settle();
  t.equal(sent.length, 1, 'not before');
  clock.advance(1);
  await settle();
  t.equal(sent.length, 2, 'the re-INVITE again');
  sent[1].answer(200);
  requests.onResponse(sent[1]);
  t.equal(await done, true);
});
