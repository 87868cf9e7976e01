/** A recording over IPv6 loopback: SRC user agent and SRS on ::1, SDP with IP6 addresses. */
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, feed, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('SRC and SRS on ::1', async (t) => {
  let srs;
  try {
    srs = await startSrs(t, { host: '::1' });
  } catch (e) {
    t.fail(`IPv6 loopback unavailable: ${(e as Error).message}`);
    return;
  }
  t.match(srs.uri(), /^sip:srs@\[::1\]:\d+$/);
  const m = await startManager(t, [entry([srs.uri()], { localAddress: '::1' })]);
  const call = twoParty();
  const p = waitFor(m, 'recordingStarted');
  const rec = m.startRecording(call);
  const s = await p;
  t.same(s.streams.map((x: { remote?: { address: string } }) => x.remote?.address), ['::1', '::1'], 'SRS answered with IP6 media');
  t.ok(await feed(rec, 1200) > 100);
  const stopped = waitFor(m, 'recordingStopped');
  const recordingClosed = waitFor(srs, 'sessionEnded'); // the SRS's files and index are final once it has ended the session
  await m.stopRecording(call.callId);
  await recordingClosed;
  t.equal((await stopped).byeStatusCode, 200);
  const [r] = listRecordings(srs.settings.dir);
  t.ok(r.index.streams.every((st) => st.packets > 50), 'media arrived over IPv6');
});
