/**
 * `SrcManager.sendRequest` when the SRS no longer has the dialog (RFC 3261 §12.2.1.2): a 481
 * answer, and an SRS that never answers (the request's Timer F, 64 × T1, on a FakeClock). Both
 * end the recording as a lost refresh does: `recordingStopped` with `SessionRefreshFailed`,
 * and a call with `recordingRequired` reports its requirement broken. The SRC runs on the fake
 * clock; the SRS (built on the API) and the sockets are real.
 */
import t from 'tap';
import type { Test } from 'tap';
import { SipError } from '../../../include-types/errors.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { ApiSrs, testPorts, until } from './api-srs.js';
import { entry, sleep, startManager, twoParty, waitFor, type Payload } from './helpers.js';

/** An SRS answering other in-dialog requests as `status` says, a manager on `clock` recording one call. */
async function rig(t: Test, status: (method: string) => number | 'silent', clock: FakeClock) {
  const srs = await ApiSrs.start({ ports: testPorts(), otherInDialog: status });
  t.teardown(() => srs.close());
  // TCP: on the fake clock nothing is retransmitted, so no datagram may be lost under load
  const m = await startManager(t, [entry([`${srs.uri};transport=tcp`], { transport: 'tcp' })], { t1: 500, clock });
  const events: Payload[] = [];
  m.on('recordingStopped', (e) => events.push({ event: 'stopped', ...e }));
  m.on('recordingPolicyBroken', (e) => events.push({ event: 'broken', ...e }));
  const call = twoParty();
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call, { recordingRequired: 'any' });
  await started;
  return { srs, m, call, events };
}

t.test('481 to an INFO: resolved with the 481, the recording ends (SessionRefreshFailed, requirement broken)', async (t) => {
  const clock = new FakeClock();
  const { srs, m, call, events } = await rig(t, (method) => (method === 'INFO' ? 481 : 200), clock);
  const stopped = waitFor(m, 'recordingStopped');
  const res = await m.sendRequest(call.callId, { srs: 'e1', method: 'INFO', body: 'x', contentType: 'text/plain' });
  t.equal(res.statusCode, 481, 'the app gets the SRS\'s answer');
  const e = await stopped;
  t.equal(e.reason, 'SessionRefreshFailed', 'typed reason: the dialog is gone (RFC 3261 §12.2.1.2)');
  t.equal(e.callId, call.callId);
  await sleep(200);
  t.equal(srs.requests('BYE').length, 0, 'no BYE: the 481 ended the dialog (RFC 3261 §12.2.1.2)');
  t.match(events.find((x) => x.event === 'broken'), { callId: call.callId, phase: 'live' }, 'the call\'s requirement is broken, as for any lost RS');
  t.same(m.recordings(), [], 'no live recording left');
  await t.rejects(m.sendRequest(call.callId, { srs: 'e1', method: 'INFO' }), RangeError, 'the call is no longer recorded');
});

t.test('an SRS that never answers: Timeout at Timer F (64 x T1 = 32 s), not before; the recording ends', async (t) => {
  const clock = new FakeClock();
  const { srs, m, call, events } = await rig(t, (method) => (method === 'INFO' ? 'silent' : 200), clock);
  t.equal(srs.dialogs, 1);
  let outcome: unknown;
  const p = m.sendRequest(call.callId, { srs: 'e1', method: 'INFO' }).then((r) => { outcome = r; }, (err: unknown) => { outcome = err; });
  await until(() => srs.requests('INFO').length > 0);
  clock.advance(31_999);
  await sleep(100);
  t.equal(outcome, undefined, 'still waiting at Timer F - 1 ms');
  t.same(events, [], 'the recording goes on meanwhile');
  t.equal(m.recordings().length, 1);
  const stopped = waitFor(m, 'recordingStopped');
  clock.advance(1);
  await p;
  t.ok(outcome instanceof SipError, 'a typed error');
  t.match(outcome, { name: 'SipError', code: 'Timeout', statusCode: 408 });
  t.equal((await stopped).reason, 'SessionRefreshFailed', 'ended as a lost refresh is');
  t.ok(events.some((x) => x.event === 'broken' && x.callId === call.callId), 'requirement broken');
});

t.test('408 answered to an INFO: resolved with it, and the recording ends too (RFC 3261 §12.2.1.2)', async (t) => {
  const clock = new FakeClock();
  const { m, call } = await rig(t, (method) => (method === 'INFO' ? 408 : 200), clock);
  const stopped = waitFor(m, 'recordingStopped');
  t.equal((await m.sendRequest(call.callId, { srs: 'e1', method: 'INFO' })).statusCode, 408);
  t.equal((await stopped).reason, 'SessionRefreshFailed');
});

t.test('other final responses leave the recording alone', async (t) => {
  const clock = new FakeClock();
  const { m, call, events } = await rig(t, (method) => (method === 'INFO' ? 500 : 200), clock);
  t.equal((await m.sendRequest(call.callId, { srs: 'e1', method: 'INFO' })).statusCode, 500);
  await sleep(100);
  t.same(events, [], 'no stop');
  t.equal(m.recordings()[0]?.state, 'Active');
});
