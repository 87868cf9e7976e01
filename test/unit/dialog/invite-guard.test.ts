/** One INVITE transaction at a time (RFC 3261 §14.1, §14.2). */
import t from 'tap';
import { InviteGuard } from '../../../lib/dialog/invite-guard.js';

t.test('our re-INVITE in progress: we may not send another; theirs gets 491', async (t) => {
  const g = new InviteGuard();
  t.ok(g.canSendInvite());
  g.inviteSent();
  t.ok(g.localInviteInProgress);
  t.notOk(g.canSendInvite());
  t.throws(() => g.inviteSent(), { name: 'SipError', code: 'InvalidState' });
  t.same(g.inviteReceived(), { accept: false, status: 491 });
  g.inviteCompleted();
  t.same(g.inviteReceived(), { accept: true });
});

t.test('their re-INVITE unanswered: a second gets 500 + Retry-After; we may not send', async (t) => {
  const g = new InviteGuard(() => 4);
  t.same(g.inviteReceived(), { accept: true });
  t.ok(g.remoteInviteInProgress);
  t.same(g.inviteReceived(), { accept: false, status: 500, retryAfter: 4 });
  t.notOk(g.canSendInvite());
  g.inviteAnswered();
  t.ok(g.canSendInvite());
  const r = new InviteGuard();
  r.inviteReceived();
  for (let i = 0; i < 30; i++) {
    const v = r.inviteReceived();
    t.ok(!v.accept && v.status === 500 && v.retryAfter >= 0 && v.retryAfter <= 10);
  }
});

t.test('glare retry delays: 2.1–4 s for the Call-ID owner, 0–2 s otherwise, in 10 ms steps', async (t) => {
  const g = new InviteGuard();
  const bad: number[] = [];
  for (let i = 0; i < 200; i++) {
    const own = g.glareRetryDelayMs(true);
    const other = g.glareRetryDelayMs(false);
    if (!(own >= 2100 && own <= 4000 && own % 10 === 0)) bad.push(own);
    if (!(other >= 0 && other <= 2000 && other % 10 === 0)) bad.push(other);
  }
  t.same(bad, []);
  const bounds = new InviteGuard((min, max) => max - 1);
  t.equal(bounds.glareRetryDelayMs(true), 4000);
  t.equal(bounds.glareRetryDelayMs(false), 2000);
  const low = new InviteGuard((min) => min);
  t.equal(low.glareRetryDelayMs(true), 2100);
  t.equal(low.glareRetryDelayMs(false), 0);
});
