/**
 * A user's program against the installed tsip package (copied into a temp project by
 * packed-install.test.ts, type-checked there with strict tsc and run). It imports only from 'tsip'
 * and 'tsip/include-types', records a 1 s synthetic call to an Srs on 127.0.0.1 port 0, and exits 0
 * only if the stored recording is complete with media in both streams and the BYE got a 200.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SipClient, SrcManager, Srs, listRecordings, syntheticCall, TSIP_VERSION } from 'tsip';
import { RecordingEndReason, type RecordingStartedEvent, type RecordingStoppedEvent, type SrsSettings } from 'tsip/include-types';

// a public API class is there at run time too (not just the SIPREC ones)
if (typeof SipClient !== 'function') throw new Error('SipClient is not exported');

const dir = mkdtempSync(join(tmpdir(), 'tsip-packed-app-'));
const settings: SrsSettings = { host: '127.0.0.1', port: 0, dir };
const srs = new Srs(settings);

async function main(): Promise<boolean> {
  await srs.start();
  const src = new SrcManager({
    userAgent: `packed-app tsip/${TSIP_VERSION}`,
    srs: [{ name: 'local', srsUris: [srs.uri('udp')], localAddress: '127.0.0.1', inviteTimeoutMs: 5000 }],
  });
  try {
    await src.start();
    const started = new Promise<RecordingStartedEvent>((res, rej) => {
      src.once('recordingStarted', res);
      src.once('recordingFailed', (e) => rej(new Error(`recording failed: ${e.reason}`)));
    });
    const stopped = new Promise<RecordingStoppedEvent>((res) => src.once('recordingStopped', res));
    const rec = src.startRecording({
      callId: `packed-${process.pid}@tsip.test`,
      participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.net' }],
      streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
    });
    const s = await started;
    for await (const p of syntheticCall({ durationMs: 1000, realtime: true, payloadType: 0, parties: [{ frequency: 440 }, { frequency: 1000 }] })) {
      rec.forward(p.party === 0 ? '1' : '2', p.bytes);
    }
    await src.stopRecording(`packed-${process.pid}@tsip.test`);
    const end = await stopped;
    await src.shutdown();
    await srs.shutdown();
    const stored = listRecordings(dir).find((r) => r.index.recordingId === s.recordingId);
    const packets = stored?.index.streams.map((x) => x.packets) ?? [];
    console.log(`end ${end.reason}, BYE ${end.byeStatusCode}, state ${stored?.index.state}, packets ${packets.join(',')}`);
    return end.reason === RecordingEndReason.Stopped && end.byeStatusCode === 200 && stored?.index.state === 'complete'
      && packets.length === 2 && packets.every((n) => n > 0);
  } finally {
    await src.shutdown();
  }
}

const guard = setTimeout(() => { console.error('timed out'); process.exit(1); }, 30_000);
main().then(
  (ok) => { console.log(ok ? 'packed recording complete' : 'packed recording NOT complete'); return ok; },
  (e: unknown) => { console.error(e); return false; },
).then(async (ok) => {
  clearTimeout(guard);
  await srs.shutdown();
  rmSync(dir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
});
