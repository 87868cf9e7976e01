/**
 * Nothing leaks: after recordings start, pause, update and stop (and after one is refused), and
 * once the INVITE transactions' 64*T1 has passed, neither side holds an API object other than
 * its connection, and no RTP port is left allocated beyond the pool.
 */
import t from 'tap';
import { entry, feed, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test('SRC and SRS release every API object', async (t) => {
  const srs = await startSrs(t, { t1: 50 });
  const busy = await startSrs(t, { t1: 50, codecs: ['G722'] });
  const m = await startManager(t, [entry([busy.uri(), srs.uri()])], { t1: 50 });
  for (let i = 0; i < 4; i++) {
    const call = twoParty();
    const p = waitFor(m, 'recordingStarted');
    const rec = m.startRecording(call);
    await p;
    await feed(rec, 100);
    if (i % 2 === 0) {
      await m.pauseRecording(call.callId);
      await m.resumeRecording(call.callId);
      await m.updateRecording(call.callId, { participantsJoined: [{ key: `x${i}`, aor: `sip:x${i}@example.org` }] });
    }
    const s = waitFor(m, 'recordingStopped');
    await m.stopRecording(call.callId);
    await s;
  }
  await new Promise((r) => setTimeout(r, 64 * 50 + 1500));
  t.same(m.userAgents[0].liveObjects(), { SipConnection: 1 }, 'SRC: only its connection');
  t.same(srs.liveObjects(), { SipConnection: 1 }, 'SRS: only its connection');
  t.same(busy.liveObjects(), { SipConnection: 1 }, 'refusing SRS: only its connection');
  t.equal(srs.activeSessions, 0);
  t.equal(m.userAgents[0].activeRecordings, 0);
  t.ok(m.userAgents[0].allocator.inUse <= m.userAgents[0].endpoints.size, 'ports held only by the endpoint pool');
});
