/**
 * RFC 4028 at the SRC when the SRS takes the refresher role: RFC 4028 roles are per transaction,
 * so an SRS that sends its own session refresh (here an UPDATE) with `refresher=uac` names itself
 * the refresher. The SRC answers per §9 (Session-Expires with that refresher, Require: timer),
 * sends no refresh of its own from then on, but watches the session (§10): with no refresh from
 * the SRS by interval − min(32 s, interval/3) it sends BYE and the recording ends
 * `SessionRefreshFailed`. Before 2026-12-08 the SRC answered the SRS's refreshes without the timer
 * headers (so the SRS's timer stopped, §7.2) and kept no timer when the SRS refreshed. The SRC runs
 * on a FakeClock; the SRS (built on the API) and the sockets are real.
 */
import t from 'tap';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ApiSrs, testPorts, until } from './api-srs.js';
import type { Test } from 'tap';
import { entry, sleep, startManager, twoParty, waitFor } from './helpers.js';

/** One call recorded to an API-built SRS over TCP by a manager on a FakeClock, with this session timer. */
async function recording(t: Test, sessionExpires: number, minSe: number) {
  const clock = new FakeClock();
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  // TCP: on the fake clock nothing is retransmitted, so no datagram may be lost under load
  const m = await startManager(t, [entry([`${srs.uri};transport=tcp`], { transport: 'tcp', sessionExpires, minSe })], { t1: 500, clock });
  const call = twoParty();
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  await started;
  return { clock, srs, m, call };
}

t.test('the SRS takes over the refreshes: the SRC answers per RFC 4028 §9, stops its own, and ends the session when the SRS\'s stop', async (t) => {
  const { clock, srs, m } = await recording(t, 90, 90);
  t.match(srs.requests('INVITE')[0].headers, { sessionExpires: '90;refresher=uac' }, 'the SRC asked to be the refresher');

  // the SRS's refresh at 10 s, naming itself (the uac of its UPDATE) the refresher
  clock.advance(10_000);
  const answer = await srs.update([['Supported', 'timer'], ['Session-Expires', '90;refresher=uac'], ['Min-SE', '90']]);
  t.equal(answer.status, 200);
  t.equal(answer.header('Session-Expires'), '90;refresher=uac', 'RFC 4028 §9: the interval and the refresher in the 2xx');
  t.equal(answer.header('Require'), 'timer', 'RFC 4028 §9: Require: timer, as the SRS supports it');

  const stopped = waitFor(m, 'recordingStopped');
  let ended = false;
  void stopped.then(() => { ended = true; });
  clock.advance(45_000); // 55 s: the SRC's own refresh would have been due at 45 s
  await sleep(200);
  t.equal(srs.requests('INVITE').length + srs.requests('UPDATE').length, 1, 'no refresh from the SRC: the SRS is the refresher', { seen: srs.seen.map((x) => x.method) });
  clock.advance(14_999); // 60 s after the SRS's refresh, less 1 ms
  await sleep(200);
  t.notOk(ended, 'still recording until 90 − min(32, 90/3) = 60 s after the SRS\'s refresh');
  t.equal(srs.requests('BYE').length, 0);
  clock.advance(1);
  const e = await stopped;
  t.equal(e.reason, 'SessionRefreshFailed', 'typed reason: no refresh in time (RFC 4028 §10)');
  await until(() => srs.requests('BYE').length === 1);
  t.pass('the SRC sent BYE before the session expired');
  t.same(m.recordings(), [], 'no live recording left');
});

t.test('an SRS refresh below the SRC\'s Min-SE gets 422 with it (RFC 4028 §9); the recording goes on', async (t) => {
  const { srs, m, call } = await recording(t, 120, 100);
  const refused = await srs.update([['Supported', 'timer'], ['Session-Expires', '90;refresher=uac'], ['Min-SE', '90']]);
  t.equal(refused.status, 422);
  t.equal(refused.header('Min-SE'), '100', 'our Min-SE, for the SRS to retry with');
  const ok = await srs.update([['Supported', 'timer'], ['Session-Expires', '100;refresher=uac'], ['Min-SE', '100']]);
  t.equal(ok.status, 200);
  t.equal(ok.header('Session-Expires'), '100;refresher=uac');
  t.equal(m.recordings().length, 1, 'still recording');
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).byeStatusCode, 200);
});
