/**
 * Recording indication and preference (RFC 7866 §7.1.2, §7.1.3) through SrcManager against the
 * tsip Srs on loopback: the indication follows start/pause/resume/stop, and a participant's
 * preference withholds, stops, pauses and restarts the recording.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import type { RecordingIndication } from '../../../include-types/siprec.js';
import type { SrcManager } from '../../../lib/siprec/src/index.js';
import { ApiSrs, testPorts } from './api-srs.js';
import { entry, sleep, startManager, startSrs, twoParty, waitFor, type Payload } from './helpers.js';

/** Every indication change of `callId`, in order. */
function indications(m: SrcManager, callId: string): RecordingIndication[] {
  const seen: RecordingIndication[] = [];
  m.on('recordingIndicationChanged', (e) => { if (e.callId === callId) seen.push(e.indication); });
  return seen;
}

t.test('indication: on, paused, on, off through start, pause, resume, stop', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const seen = indications(m, call.callId);
  const on = waitFor(m, 'recordingIndicationChanged', (e) => e.indication === 'on');
  m.startRecording(call);
  t.equal(m.recordingIndication(call.callId), 'off', 'off until the SRS answered');
  await on;
  t.equal(m.recordingIndication(call.callId), 'on');

  const paused = waitFor(m, 'recordingIndicationChanged', (e) => e.indication === 'paused');
  t.equal(await m.pauseRecording(call.callId), true);
  await paused;
  t.equal(m.recordingIndication(call.callId), 'paused');

  const resumed = waitFor(m, 'recordingIndicationChanged', (e) => e.indication === 'on');
  t.equal(await m.resumeRecording(call.callId), true);
  await resumed;

  const off = waitFor(m, 'recordingIndicationChanged', (e) => e.indication === 'off');
  await m.stopRecording(call.callId);
  await off;
  t.equal(m.recordingIndication(call.callId), 'off');
  t.same(seen, ['on', 'paused', 'on', 'off'], 'the whole sequence, each change once');
  t.equal(m.recordingIndication('no-such-call'), 'off', 'an unknown call is not recorded');
});

t.test("preference 'off' withholds the recording; 'on' starts it; 'off' stops it", async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty({ recordingPreference: 'off' });
  const seen = indications(m, call.callId);
  let srsSessions = 0;
  srs.on('sessionStarted', () => srsSessions++);
  const applied: Payload[] = [];
  m.on('recordingPreferenceApplied', (e) => applied.push(e));
  const rec = m.startRecording(call);
  await sleep(600);
  t.equal(srsSessions, 0, 'no INVITE reached the SRS');
  t.same(applied, [{ callId: call.callId, preference: 'off', action: 'withheld' }]);
  t.equal(m.recordingIndication(call.callId), 'off');
  t.equal(rec.forward('1', Buffer.alloc(172)), 0, 'nothing forked');
  t.equal(m.recording(call.callId), rec, 'the call stays known');
  t.equal(await m.pauseRecording(call.callId), false, 'nothing to pause');

  const started = waitFor(m, 'recordingStarted');
  t.equal(await m.setRecordingPreference(call.callId, 'on'), true);
  await started;
  t.equal(m.recordingIndication(call.callId), 'on');
  t.equal(srsSessions, 1);

  const stopped = waitFor(m, 'recordingStopped');
  const srsEnded = waitFor(srs, 'sessionEnded');
  await m.setRecordingPreference(call.callId, 'off');
  const e = await stopped;
  t.equal(e.reason, 'PreferenceOff', 'the reason says why');
  const ended = await srsEnded;
  t.equal(ended.reason, 'bye');
  // before the BYE the SRS got the RS disassociation, and no stop-time: the call goes on
  const rec2 = listRecordings(srs.settings.dir).find((r) => r.dir === ended.dir);
  const last = rec2?.index.metadataFiles.at(-1);
  const xml = last === undefined ? '' : readFileSync(join(ended.dir, last), 'utf8');
  t.match(xml, /disassociate-time/, 'the disassociation reached the SRS before the BYE');
  t.notMatch(xml, /stop-time/, 'no stop-time: the call itself did not end');
  t.equal(m.recordingIndication(call.callId), 'off');
  t.equal(m.recording(call.callId), rec, 'still known: a later preference may start it again');
  t.same(seen, ['on', 'off']);
  t.same(applied.map((a) => a.action), ['withheld', 'started', 'stopped']);

  await m.stopRecording(call.callId);
  t.equal(m.recording(call.callId), undefined, 'stopRecording forgets it');
  await t.rejects(m.setRecordingPreference(call.callId, 'on'), RangeError);
});

t.test("preference 'off' then 'on' at once: the new recording starts once the old one ended", async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty();
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  const first = await started;
  const again = waitFor(m, 'recordingStarted', (e) => e.recordingId !== first.recordingId);
  void m.setRecordingPreference(call.callId, 'off');
  await m.setRecordingPreference(call.callId, 'on');
  const second = await again;
  t.not(second.recordingId, first.recordingId, 'a new recording session');
  t.equal(m.recordingIndication(call.callId), 'on');
  await m.stopRecording(call.callId);
});

t.test("preference 'pause' pauses the recording as it starts; 'nopreference' resumes it", async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])]);
  const call = twoParty({ recordingPreference: 'pause' });
  const seen = indications(m, call.callId);
  const paused = waitFor(m, 'recordingPaused');
  const srsPaused = waitFor(srs, 'sessionUpdated', (e) => e.paused);
  const rec = m.startRecording(call);
  await paused;
  await srsPaused;
  t.equal(m.recordingIndication(call.callId), 'paused');
  t.equal(rec.forward('1', Buffer.alloc(172)), 0, 'nothing forked while paused');

  const resumed = waitFor(m, 'recordingResumed');
  t.equal(await m.setRecordingPreference(call.callId, 'nopreference'), true);
  await resumed;
  t.equal(m.recordingIndication(call.callId), 'on');

  // A pause the app asked for is not undone by a preference.
  t.equal(await m.pauseRecording(call.callId), true);
  const applied = waitFor(m, 'recordingPreferenceApplied', (e) => e.preference === 'on');
  await m.setRecordingPreference(call.callId, 'on');
  t.equal((await applied).action, 'none');
  t.equal(m.recordingIndication(call.callId), 'paused', 'the app decides when it resumes');
  await m.stopRecording(call.callId);
  t.same(seen, ['on', 'paused', 'on', 'paused', 'off']);
});

t.test('honourRecordingPreference false: the preference is reported and ignored', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()])], { honourRecordingPreference: false });
  const call = twoParty({ recordingPreference: 'off' });
  const applied = waitFor(m, 'recordingPreferenceApplied');
  const started = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  t.same(await applied, { callId: call.callId, preference: 'off', action: 'ignored' });
  await started;
  t.equal(m.recordingIndication(call.callId), 'on');
  await m.stopRecording(call.callId);
});

t.test("SRS-initiated INVITE for a call a preference withholds: 403; 'pause' pauses it", async (t) => {
  const srs = await ApiSrs.start({ ports: testPorts() });
  t.teardown(() => srs.close());
  const withheld = twoParty({ recordingPreference: 'off' });
  const fresh = twoParty({ recordingPreference: 'off' });
  const pausing = twoParty({ recordingPreference: 'pause' });
  const m = await startManager(t, [entry([srs.uri])], {
    acceptSrsInitiated: (req) => {
      const which = req.header('X-Record-Call');
      return which === 'fresh' ? fresh : which === 'pausing' ? pausing : which;
    },
  });
  const ua = /<([^>]+)>/.exec(m.userAgents[0].contact)![1];
  m.startRecording(withheld);
  t.equal((await srs.invite(ua, { headers: [['X-Record-Call', withheld.callId]] })).status, 403, 'a known call withheld');
  t.equal((await srs.invite(ua, { headers: [['X-Record-Call', 'fresh']] })).status, 403, "a new call with 'off'");
  t.equal(m.recording(fresh.callId), undefined, 'not taken on');

  const paused = waitFor(m, 'recordingPaused', (e) => e.callId === pausing.callId);
  t.equal((await srs.invite(ua, { headers: [['X-Record-Call', 'pausing']] })).status, 200);
  await paused;
  t.equal(m.recordingIndication(pausing.callId), 'paused');
  await m.stopRecording(pausing.callId);
  await m.stopRecording(withheld.callId);
});
