/**
 * The SRS answers the SRC's BYE only once the recording is closed: when the SRC sees its BYE
 * answered 200 (`recordingStopped` with `byeStatusCode` 200), the SRS's index.json already says
 * `complete`, with its end time, and every stream file is whole (lib/siprec/srs/srs-in-dialog.ts
 * `onBye`). Before, the 200 went out first and the index was finished afterwards, so a crash in
 * between left a recording the SRC believed complete marked `partial` after recovery.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { listRecordings } from '../../../lib/siprec/srs/index.js';
import { entry, startManager, startSrs, twoParty, waitFor } from './helpers.js';

t.test("the SRS's 200 to BYE comes after the recording's final index (UDP and TCP)", async (t) => {
  for (const transport of ['udp', 'tcp'] as const) {
    const srs = await startSrs(t, { minFreeDiskBytes: 0 });
    const m = await startManager(t, [entry([srs.uri(transport)])]);
    const calls = [twoParty(), twoParty(), twoParty()];
    for (const call of calls) {
      const rec = m.startRecording(call);
      await waitFor(m, 'recordingStarted', (e) => e.callId === call.callId);
      for (let seq = 0; seq < 20; seq++) {
        for (const [label, ssrc] of [['1', 11], ['2', 22]] as const) {
          rec.forward(label, { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [], payload: Buffer.alloc(160, 0xd5) });
        }
      }
    }
    // Read the SRS's disk synchronously in the very turn the SRC learns its BYE was answered.
    const seenAtStop = new Map<string, { state: string; stoppedAt: string | undefined; wavBytes: number[] }>();
    const stopped = Promise.all(calls.map((call) => waitFor(m, 'recordingStopped', (e) => {
      if (e.callId !== call.callId) return false;
      t.equal(e.byeStatusCode, 200, `${transport} ${call.callId}: BYE answered 200`);
      const recording = listRecordings(srs.settings.dir).find((r) => r.index.recordingId === e.recordingId);
      if (recording === undefined) return true;
      const wavs = recording.index.streams.filter((s) => s.file.endsWith('.wav')).map((s) => statSync(join(recording.dir, s.file)).size);
      seenAtStop.set(call.callId, { state: recording.index.state, stoppedAt: recording.index.stoppedAt, wavBytes: wavs });
      return true;
    })));
    for (const call of calls) await m.stopRecording(call.callId);
    await stopped;
    t.equal(seenAtStop.size, calls.length, `${transport}: every recording found on disk when its BYE was answered`);
    for (const [callId, seen] of seenAtStop) {
      t.equal(seen.state, 'complete', `${transport} ${callId}: index.json said complete when the SRC saw the 200`);
      t.ok(seen.stoppedAt, `${transport} ${callId}: with its stop time`);
      t.ok(seen.wavBytes.length === 2 && seen.wavBytes.every((b) => b > 44), `${transport} ${callId}: both WAVs hold audio (${seen.wavBytes.join(', ')} bytes)`);
    }
  }
});
