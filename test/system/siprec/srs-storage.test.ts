/**
 * The SRS's storage at set-up and under a slow disk, over loopback against the lean SRC:
 * - a set-up makes no synchronous file-system call (a burst of set-ups must not stall the RTP of
 *   live sessions), yet the 200 OK comes only once an index naming the streams and the metadata
 *   is on disk;
 * - `SrsSettings.storage.maxQueuedBytesPerFile`: what a file's write queue cannot hold is dropped,
 *   counted in index.json, and the recording still ends complete.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { SrsSettings } from '../../../include-types/siprec.js';
import { buildOfferSdp, buildRecordingBody } from '../../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../../lib/siprec/metadata/index.js';
import { mediaLabel, parseSdp } from '../../../lib/message/index.js';
import type { ClientTransaction } from '../../../lib/siprec/common/api.js';
import { listRecordings, RecordingState, type StoredRecording } from '../../../lib/siprec/srs/index.js';
import { buildRtp, encodeG711, readWavInfo } from '../../../lib/siprec/media/index.js';
import { sleep, startSrs, waitFor } from './helpers.js';
import { startLeanSrc, udp } from './lean-src.js';

const xml = new MetadataBuilder({
  callId: 'cs-storage@test',
  participants: [{ key: 'a', aor: 'sip:alice@example.com' }, { key: 'b', aor: 'sip:bob@example.com' }],
  streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
}).completeXml();

function body(): { content: Buffer; contentType: string } {
  const b = buildRecordingBody(buildOfferSdp([{ label: '1', port: 31000 }, { label: '2', port: 31002 }], { address: '127.0.0.1', sessionId: 9, version: 1 }), xml);
  return { content: b.body, contentType: b.contentType };
}

function ports(tx: ClientTransaction): Record<string, number> {
  const sdp = parseSdp(tx.responseElements!.messageElements.content!.toString());
  return Object.fromEntries(sdp.media.map((m) => [mediaLabel(m) ?? '', Number(m.port)]));
}

/** The synchronous fs calls that block on the disk. */
const SYNC_CALLS = ['mkdirSync', 'openSync', 'writeSync', 'writeFileSync', 'fsyncSync', 'fdatasyncSync', 'renameSync', 'closeSync', 'ftruncateSync'] as const;

/**
 * Counts the calls to {@link SYNC_CALLS} made from the SRS's code (their stack names lib/siprec/srs)
 * until the returned function is called (which restores fs and returns them).
 */
function spySyncFs(): () => string[] {
  const seen: string[] = [];
  const mod = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = SYNC_CALLS.map((name) => [name, mod[name]] as const);
  for (const [name, real] of saved) {
    mod[name] = function (this: unknown, ...args: unknown[]): unknown {
      const stack = new Error().stack ?? '';
      if (/lib[/\\]siprec[/\\]srs[/\\]/.test(stack)) seen.push(`${name} ${stack.split('\n').slice(2, 4).join(' <- ').trim()}`);
      return real.apply(this, args);
    };
  }
  syncBuiltinESMExports(); // the named imports of node:fs see the spies too
  return () => {
    for (const [name, real] of saved) mod[name] = real;
    syncBuiltinESMExports();
    return seen;
  };
}

t.test('a set-up makes no synchronous fs call; the 200 OK comes once the index naming its streams and metadata is on disk', { timeout: 20000 }, async (t) => {
  const srs = await startSrs(t);
  const src = await startLeanSrc(t);
  const stop = spySyncFs();
  let calls: string[];
  let onDisk: { state: string; streams: string[]; metadata: string[]; files: boolean } | undefined;
  try {
    const { assoc, tx } = await src.invite(srs.uri('udp'), body());
    t.equal(tx.responseElements?.statusCode, 200, 'recorded');
    // What is on disk the moment the 200 arrives (read with the real fs after the spy is off).
    calls = stop();
    const [r] = listRecordings(srs.settings.dir);
    const files = [...r.index.streams.flatMap((s) => s.files ?? [s.file]), ...r.index.metadataFiles];
    onDisk = { state: r.index.state, streams: r.index.streams.map((s) => s.label), metadata: r.index.metadataFiles, files: files.every((f) => existsSync(join(r.dir, f))) };
    src.ack(assoc, tx);
    const ended = waitFor(srs, 'sessionEnded');
    assoc.sendBye();
    await ended;
  } finally {
    calls ??= stop();
  }
  t.same(calls, [], 'no mkdirSync/openSync/writeSync/fsyncSync/renameSync/closeSync from the SRS during the set-up');
  t.same(onDisk, { state: RecordingState.Recording, streams: ['1', '2'], metadata: ['metadata-000.xml'], files: true }, 'at the 200: the index names both streams and the metadata, and every file it names exists');
  const [r] = listRecordings(srs.settings.dir);
  t.equal(r.index.state, RecordingState.Complete, 'complete at the end');
  t.equal(readFileSync(join(r.dir, 'metadata-000.xml'), 'utf8'), xml, 'metadata stored as received');
});

/** Sends `n` PCMU packets to `port` all in one turn of the loop (a burst the disk queue must absorb). */
function burst(sock: import('node:dgram').Socket, port: number, n: number, ssrc: number): Promise<void> {
  let left = n;
  return new Promise((resolve) => {
    for (let i = 0; i < n; i++) {
      const pcm = new Int16Array(160).map((_, k) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i * 160 + k)) / 8000)));
      const pkt = buildRtp({ marker: i === 0, payloadType: 0, sequenceNumber: i, timestamp: i * 160, ssrc, csrcs: [], payload: encodeG711(0, pcm) });
      sock.send(pkt, port, '127.0.0.1', () => { if (--left === 0) resolve(); });
    }
  });
}

/** Records one burst of `n` packets on stream 1; the stored recording. */
async function recordBurst(t: Test, extra: Partial<SrsSettings>, n: number): Promise<StoredRecording> {
  const srs = await startSrs(t, extra);
  const src = await startLeanSrc(t);
  const { assoc, tx } = await src.invite(srs.uri('udp'), body());
  src.ack(assoc, tx);
  const sock = await udp(t);
  await burst(sock, ports(tx)['1'], n, 7);
  await sleep(200); // every datagram read by the SRS
  const ended = waitFor(srs, 'sessionEnded');
  assoc.sendBye();
  await ended;
  const [r] = listRecordings(srs.settings.dir);
  return r;
}

t.test('storage.maxQueuedBytesPerFile: a tiny bound drops what the queue cannot hold, counts it in index.json, and the recording is still complete', { timeout: 20000 }, async (t) => {
  const n = 200;
  const r = await recordBurst(t, { storage: { maxQueuedBytesPerFile: 1, wavBatchBytes: 0 }, maxRtpPacketsPerSecondPerStream: 0 }, n);
  const s1 = r.index.streams.find((s) => s.label === '1')!;
  t.equal(r.index.state, RecordingState.Complete, 'complete');
  t.ok(s1.packets > 0, `${s1.packets} packets received`);
  t.ok((s1.droppedBytes ?? 0) > 0, `${s1.droppedBytes} audio bytes dropped by the 1-byte queue, counted`);
  const wav = readWavInfo(join(r.dir, s1.file));
  t.ok(wav.complete, 'WAV sizes final');
  t.equal(wav.dataBytes, s1.durationSeconds * 16000, 'the timeline is kept: dropped audio reads back as silence');
  t.ok(wav.dataBytes >= (s1.droppedBytes ?? 0), 'the dropped bytes are within the file');

  const plain = await recordBurst(t, { maxRtpPacketsPerSecondPerStream: 0 }, n);
  const p1 = plain.index.streams.find((s) => s.label === '1')!;
  t.equal(p1.droppedBytes, undefined, 'the default 1 MiB bound drops nothing of the same burst');
  t.equal(p1.packets, s1.packets, 'same packets received either way');
});
