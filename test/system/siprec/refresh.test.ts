/**
 * RFC 4028 session refresh of a recording session: the SRC asks for Session-Expires 90 with
 * refresher=uac, the SRS's 200 confirms it, and the SRC re-INVITEs at half the interval (45 s)
 * with its SDP unchanged; the recording goes on. SRC and SRS run on one FakeClock (their stacks
 * too), so the test moves time instead of waiting for it.
 */
import t from 'tap';
import { FakeClock } from '../../helpers/fake-clock.js';
import { entry, sleep, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('session refreshed by re-INVITE at Session-Expires/2', async (t) => {
  const clock = new FakeClock();
  const srs = await startSrs(t, { clock });
  const m = await startManager(t, [entry([srs.uri()], { sessionExpires: 90, minSe: 90 })], { clock });
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  const started = await p;
  await sleep(300); // the ACK (real sockets) reaches the SRS before its time moves past 64*T1
  let updates = 0;
  srs.on('sessionUpdated', () => { updates++; });
  const refreshed = waitFor(srs, 'sessionUpdated', (e) => e.recordingId === started.recordingId);
  clock.advance(44_900);
  await sleep(300);
  t.equal(updates, 0, 'no refresh before 45 s');
  clock.advance(100);
  const e = await refreshed;
  t.equal(e.metadataUpdated, false, 'a refresh carries no metadata');
  t.equal(e.pauseChanged, false);
  await sleep(300); // its 2xx reaches the SRC and the ACK the SRS
  // the 2xx of the refresh armed the next one: 45 s later, another
  const again = waitFor(srs, 'sessionUpdated', (x) => x.recordingId === started.recordingId);
  clock.advance(45_000);
  await again;
  t.equal(updates, 2, 'refreshed again from the refresh\'s own 2xx');
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).byeStatusCode, 200, 'the session is still up after the refreshes');
});
