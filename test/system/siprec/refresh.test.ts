/**
 * RFC 4028 session refresh of a recording session: the SRC asks for Session-Expires 90 with
 * refresher=uac, the SRS's 200 confirms it, and the SRC re-INVITEs at half the interval (45 s)
 * with its SDP unchanged; the recording goes on. (A long test: it waits the real interval.)
 */
import t from 'tap';
import { entry, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('session refreshed by re-INVITE at Session-Expires/2', async (t) => {
  const srs = await startSrs(t);
  const m = await startManager(t, [entry([srs.uri()], { sessionExpires: 90, minSe: 90 })]);
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  m.startRecording(call);
  const started = await p;
  const t0 = Date.now();
  const refreshed = await waitFor(srs, 'sessionUpdated', (e) => e.recordingId === started.recordingId, 60_000);
  const after = (Date.now() - t0) / 1000;
  t.ok(after > 40 && after < 50, `refresh after ${after.toFixed(1)} s (expected 45)`);
  t.equal(refreshed.metadataUpdated, false, 'a refresh carries no metadata');
  t.equal(refreshed.pauseChanged, false);
  const stopped = waitFor(m, 'recordingStopped');
  await m.stopRecording(call.callId);
  t.equal((await stopped).byeStatusCode, 200, 'the session is still up after the refresh');
});
