/**
 * The recording requirement ('none' | 'any' | 'all') against two tsip Srs on loopback: one records,
 * the other refuses with 503 (two RTP ports for two streams: no room), for each policy; the break
 * at start and later (the recording SRS ends the session with BYE), and what never breaks it.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { RecordingPolicyBrokenEvent, RecordingPolicySatisfiedEvent, RecordingRequirement } from '../../../include-types/siprec.js';
import { SrcManager } from '../../../lib/siprec/src/index.js';
import { entry, portRange, startManager, startSrs, twoParty, waitFor } from './helpers.js';

/** A good SRS 'a', a refusing one 'b' (503), and a manager with both entries. */
async function rig(t: Test, policy?: RecordingRequirement, bothBad = false) {
  const bad = async () => {
    const r = portRange(2);
    return startSrs(t, { rtpPortMin: r.min, rtpPortMax: r.max });
  };
  const srsA = bothBad ? await bad() : await startSrs(t);
  const srsB = await bad();
  const m = await startManager(t, [entry([srsA.uri()], { name: 'a' }), entry([srsB.uri()], { name: 'b' })], policy ? { recordingRequired: policy } : {});
  const broken: RecordingPolicyBrokenEvent[] = [];
  const satisfied: RecordingPolicySatisfiedEvent[] = [];
  m.on('recordingPolicyBroken', (e) => broken.push(e));
  m.on('recordingPolicySatisfied', (e) => satisfied.push(e));
  return { srsA, srsB, m, broken, satisfied };
}

/** Resolves once both entries reported (started or failed) for the call; call before startRecording. */
function bothSettled(m: SrcManager, callId: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = new Set<string>();
    const on = (e: { callId: string; srsName: string }): void => {
      if (e.callId !== callId) return;
      seen.add(e.srsName);
      if (seen.size < 2) return;
      m.off('recordingStarted', on);
      m.off('recordingFailed', on);
      resolve();
    };
    m.on('recordingStarted', on);
    m.on('recordingFailed', on);
  });
}

t.test("'any': one SRS records, the other refuses: satisfied, not broken; broken once the recording SRS hangs up", async (t) => {
  const { srsA, m, broken, satisfied } = await rig(t);
  const call = twoParty();
  const sat = waitFor(m, 'recordingPolicySatisfied');
  const settled = bothSettled(m, call.callId);
  m.startRecording(call, { recordingRequired: 'any' });
  await settled;
  t.same(await sat, { callId: call.callId, policy: 'any', active: ['a'] });
  t.same(broken, [], 'one failure does not break any');

  const br = waitFor(m, 'recordingPolicyBroken');
  await srsA.shutdown(); // BYE from the SRS: the recording ends abnormally (RemoteBye)
  const e = await br;
  t.equal(e.phase, 'live', 'broken after it held');
  t.same(e.active, []);
  t.same(e.failed.map((f: { srsName: string; reason: string }) => [f.srsName, f.reason]).sort(), [['a', 'RemoteBye'], ['b', 'AllSrsFailed']]);
  t.equal(e.failed.find((f: { srsName: string }) => f.srsName === 'b').statusCode, 503);
  t.equal(satisfied.length, 1);
  t.equal(broken.length, 1);
});

t.test("'all' (from the settings): one SRS refuses: broken at start, never satisfied", async (t) => {
  const { m, broken, satisfied } = await rig(t, 'all');
  const call = twoParty();
  const br = waitFor(m, 'recordingPolicyBroken');
  const settled = bothSettled(m, call.callId);
  m.startRecording(call);
  const e = await br;
  await settled;
  t.equal(e.callId, call.callId);
  t.equal(e.policy, 'all');
  t.equal(e.phase, 'start');
  t.same(e.failed, [{ srsName: 'b', reason: 'AllSrsFailed', statusCode: 503 }]);
  t.same(satisfied, [], 'a recording does not satisfy all');
  t.equal(broken.length, 1, 'reported once');
  // the call stays recorded by 'a': the manager reports, the app decides
  t.same(m.recordings().map((r) => r.srsName), ['a']);
});

t.test("'any' with both SRSs refusing: broken at start with both failures", async (t) => {
  const { m, satisfied } = await rig(t, undefined, true);
  const call = twoParty();
  const br = waitFor(m, 'recordingPolicyBroken');
  m.startRecording(call, { recordingRequired: 'any' });
  const e = await br;
  t.equal(e.phase, 'start');
  t.same(e.failed.map((f: { srsName: string }) => f.srsName).sort(), ['a', 'b']);
  t.same(satisfied, []);
  t.equal(m.recording(call.callId), undefined, 'nothing records the call: forgotten');
});

t.test("'all' over the entries asked for: only 'a' asked, satisfied; the app's stops break nothing", async (t) => {
  const { m, broken, satisfied } = await rig(t, 'all');
  const call = twoParty();
  const sat = waitFor(m, 'recordingPolicySatisfied');
  m.startRecording(call, { srs: ['a'] });
  t.same((await sat).active, ['a']);
  // adding the refusing entry later breaks 'all'
  const br = waitFor(m, 'recordingPolicyBroken');
  m.startRecording(call, { srs: ['b'] });
  const e = await br;
  t.equal(e.phase, 'live');
  t.same(e.failed.map((f: { srsName: string }) => f.srsName), ['b']);
  t.same(e.active, ['a']);
  await m.stopRecording(call.callId);
  t.equal(satisfied.length, 1);
  t.equal(broken.length, 1, 'the app stopping the call breaks nothing');
});

t.test("'none' reports nothing; unknown requirements are refused", async (t) => {
  const { m, broken, satisfied } = await rig(t, 'none');
  const call = twoParty();
  const settled = bothSettled(m, call.callId);
  m.startRecording(call);
  await settled;
  await m.stopRecording(call.callId);
  t.same(broken, []);
  t.same(satisfied, []);
  t.throws(() => m.startRecording(twoParty(), { recordingRequired: 'most' as RecordingRequirement }), RangeError);
  t.throws(() => new SrcManager({ srs: [entry(['sip:x@127.0.0.1'])], recordingRequired: 'some' as RecordingRequirement }), RangeError);
});
