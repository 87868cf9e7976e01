/**
 * Group commit of the SRS's set-up storage (storage/group-sync.ts, index-file.ts,
 * recording-dir.ts): a burst of set-ups shares the root's fsyncs, a directory's fsyncs asked for
 * while one runs share the next, `storage.durability: 'none'` answers without fsync, and the
 * stereo WAV gets the recording's storage bounds and is waited for by the index.
 * fsyncs are counted by spying on the FileHandle of node:fs/promises (every async fsync of the
 * storage goes through `FileHandle.sync`); each is tied to the path it was opened with.
 */
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { encodeUlaw, readWavInfo, type RtpPacket } from '../../../../lib/siprec/media/index.js';
import { MetadataBuilder, parseMetadata } from '../../../../lib/siprec/metadata/index.js';
import { readIndex, RecordingDir, StereoRecording, STEREO_WAV_FILE } from '../../../../lib/siprec/srs/index.js';
import { DirSyncs } from '../../../../lib/siprec/srs/storage/group-sync.js';
import { storageQueue } from '../../../../lib/siprec/srs/limits.js';

function tmp(t: Test): string {
  const d = mkdtempSync(join(tmpdir(), 'tsip-group-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/**
 * Spies on fs/promises: every `FileHandle.sync()` is recorded with the path its handle was
 * opened with, in order. Returns the log and a restore function.
 */
async function spyFsyncs(t: Test): Promise<{ log: string[] }> {
  const log: string[] = [];
  const paths = new Map<number, string>();
  const promises = fs.promises as unknown as Record<string, unknown>;
  const realOpen = promises.open as typeof open;
  promises.open = async (path: fs.PathLike, ...rest: unknown[]) => {
    const fh = await (realOpen as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest);
    paths.set(fh.fd, String(path));
    return fh;
  };
  syncBuiltinESMExports(); // the named imports of node:fs/promises see the spy too
  const probe = await realOpen(tmpdir(), 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const realSync = proto.sync;
  proto.sync = function (this: fs.promises.FileHandle): Promise<void> {
    log.push(paths.get(this.fd) ?? '?');
    return realSync.call(this);
  };
  t.teardown(() => {
    promises.open = realOpen;
    syncBuiltinESMExports();
    proto.sync = realSync;
  });
  return { log };
}

const xml = new MetadataBuilder({
  callId: 'cs-group', participants: [{ key: 'a', aor: 'sip:alice@x' }, { key: 'b', aor: 'sip:bob@x' }],
  streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
}).completeXml();

/** What the SRS does at a set-up (srs-admission.ts): directory, metadata, two streams, durable. */
async function setUp(root: string, id: string, queue?: Parameters<typeof RecordingDir.create>[0]['queue']): Promise<RecordingDir> {
  const rec = await RecordingDir.create({ root, recordingId: id, ...(queue ? { queue } : {}) });
  rec.addMetadata(Buffer.from(xml), parseMetadata(xml));
  rec.openStream('1', 'PCMU', 0);
  rec.openStream('2', 'PCMU', 0);
  await rec.durable();
  return rec;
}

t.test('DirSyncs: requests made while a directory\'s fsync runs share the next one', async (t) => {
  const dir = tmp(t);
  const { log } = await spyFsyncs(t);
  const syncs = new DirSyncs();
  // 30 requests in one turn: the first starts at once; the other 29 may be newer than its start,
  // so they share one more.
  await Promise.all(Array.from({ length: 30 }, () => syncs.sync(dir)));
  t.equal(syncs.issued, 2, '30 requests in one turn: 2 fsyncs');
  t.same(log, [dir, dir], 'both of the directory');
  // At rest, a request costs one fsync started at once.
  await syncs.sync(dir);
  t.equal(syncs.issued, 3, 'one more once idle');
  // Another directory is not held back by this one.
  const other = tmp(t);
  await Promise.all([syncs.sync(dir), syncs.sync(other)]);
  t.equal(syncs.issued, 5, 'one each for two directories');
  // A request made during a running fsync is not answered by it.
  let first = false;
  const running = syncs.sync(dir).then(() => { first = true; });
  const later = syncs.sync(dir).then(() => first);
  t.equal(await later, true, 'the later request resolves only after the running fsync');
  await running;
});

t.test('a burst of set-ups in one turn: the root is fsynced a few times, not once per set-up; each is durable at its 200', async (t) => {
  const root = tmp(t);
  await RecordingDir.create({ root, recordingId: 'warm' }).then((r) => r.close('bye')); // the root exists
  const { log } = await spyFsyncs(t);
  const n = 30;
  const recs = await Promise.all(Array.from({ length: n }, (_, i) => setUp(root, `burst-${i}@h`)));
  const rootSyncs = log.filter((p) => p === root).length;
  t.ok(rootSyncs >= 1 && rootSyncs <= 4, `${rootSyncs} root fsyncs for ${n} new directories`);
  for (const rec of recs) {
    const mine = log.filter((p) => p.startsWith(rec.dir));
    // the metadata file, the index's temp file, the directory after the rename
    t.equal(mine.filter((p) => p.endsWith('metadata-000.xml')).length, 1, 'metadata fsynced');
    t.equal(mine.filter((p) => p.includes('.index.json.')).length, 1, 'one durable index');
    t.equal(mine.filter((p) => p === rec.dir).length, 1, 'directory fsynced once');
    const idx = readIndex(rec.dir);
    t.same(idx.streams.map((s) => s.label), ['1', '2'], 'the index at the 200 names both streams');
    t.same(idx.metadataFiles, ['metadata-000.xml']);
    t.equal(readFileSync(join(rec.dir, 'metadata-000.xml'), 'utf8'), xml, 'the metadata is all there');
  }
  t.equal(log.length, 3 * n + rootSyncs, `${log.length} fsyncs in all: 3 per set-up + the shared root ones`);
  await Promise.all(recs.map((r) => r.close('bye')));
});

t.test('storage.durability none: the set-up waits for no fsync; the next checkpoint and the close fsync', async (t) => {
  const root = tmp(t);
  await RecordingDir.create({ root, recordingId: 'warm' }).then((r) => r.close('bye'));
  const { log } = await spyFsyncs(t);
  t.equal(storageQueue(undefined).durability, 'fsync', 'the default is fsync');
  const settings = storageQueue({ durability: 'none' }); // what the Srs hands to RecordingDir.create
  t.equal(settings.durability, 'none');
  const rec = await setUp(root, 'lazy@h', settings);
  t.same(log.filter((p) => p.startsWith(rec.dir) && !p.endsWith('metadata-000.xml')), [], 'no index or directory fsync before the 200 (the root\'s and the metadata\'s run in the background)');
  const idx = readIndex(rec.dir);
  t.same(idx.streams.map((s) => s.label), ['1', '2'], 'the index (in the kernel) names both streams');
  t.ok(existsSync(join(rec.dir, 'stream-1.wav')) && existsSync(join(rec.dir, 'metadata-000.xml')), 'every file it names exists');
  rec.checkpoint();
  await rec.settled();
  t.ok(log.some((p) => p.includes('.index.json.')) && log.includes(rec.dir), 'a later checkpoint fsyncs the index and its directory');
  const final = await rec.close('bye');
  t.equal(final.state, 'complete');
  t.ok(log.filter((p) => p.endsWith('metadata-000.xml')).length === 1, 'the metadata file is fsynced before the final index');
});

function pkt(seq: number, value: number): RtpPacket {
  return { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 1, csrcs: [], payload: encodeUlaw(new Int16Array(160).fill(value)) };
}

/** Records 2 s of both channels in one turn (a burst the write queue must absorb); the stereo file's mean |sample| of the left channel. */
async function stereoBurst(t: Test, queue?: { maxQueuedBytes?: number; wavBatchBytes?: number }): Promise<number> {
  const rec = await RecordingDir.create({ root: tmp(t), recordingId: 'stereo@h', ...(queue ? { queue } : {}) });
  const st = new StereoRecording(rec, 1000);
  const left = st.add('a', ['a', 'b'])!;
  const right = st.add('b', ['a', 'b'])!;
  rec.setStereo(st.info);
  for (let i = 0; i < 100; i++) {
    left(pkt(i, 3000), 1000 + i * 20);
    right(pkt(i, -3000), 1000 + i * 20);
  }
  await st.close(3000);
  rec.setStereo(st.info);
  await rec.close('bye');
  const info = readWavInfo(join(rec.dir, STEREO_WAV_FILE));
  t.equal(info.durationSeconds, 2, 'the timeline is whole either way');
  const buf = readFileSync(join(rec.dir, STEREO_WAV_FILE));
  let sum = 0;
  const frames = (buf.length - 44) / 4;
  for (let i = 0; i < frames; i++) sum += Math.abs(buf.readInt16LE(44 + 4 * i));
  return sum / frames;
}

t.test('stereo.wav takes the recording\'s storage bounds (SrsSettings.storage), like the mono WAVs', async (t) => {
  const full = await stereoBurst(t);
  t.ok(full > 2500, `default 1 MiB queue: the burst is stored (mean ${full.toFixed(0)})`);
  const tiny = await stereoBurst(t, { maxQueuedBytes: 1, wavBatchBytes: 0 });
  t.ok(tiny < full / 2, `a 1-byte queue drops most of the same burst, left as silence (mean ${tiny.toFixed(0)})`);
});

t.test('the index waits for stereo.wav: one that cannot be created fails the recording\'s writes', async (t) => {
  const rec = await RecordingDir.create({ root: tmp(t), recordingId: 'clash@h' });
  writeFileSync(join(rec.dir, STEREO_WAV_FILE), 'not ours'); // recordings are never overwritten
  const st = new StereoRecording(rec, 0);
  st.add('a', []);
  rec.setStereo(st.info);
  await t.rejects(rec.durable(), { code: 'FileExists' }, 'the set-up is refused rather than naming a file it did not write');
  await st.close(0).catch(() => undefined);
  await rec.close('failed', true).catch(() => undefined);
  t.equal(readFileSync(join(rec.dir, STEREO_WAV_FILE), 'utf8'), 'not ours', 'the other file is untouched');
});

t.test('a closing recording\'s final index goes before the periodic checkpoints queued ahead of it (a BYE waits for it)', async (t) => {
  const root = tmp(t);
  const others: RecordingDir[] = [];
  for (let i = 0; i < 40; i++) {
    const r = await RecordingDir.create({ root, recordingId: `other-${i}@h` });
    r.openStream('1', 'PCMU', 0);
    await r.durable();
    others.push(r);
  }
  const closing = await RecordingDir.create({ root, recordingId: 'bye@h' });
  closing.openStream('1', 'PCMU', 0);
  await closing.durable();
  const written = others.map((r) => readIndex(r.dir).revision);
  // a periodic checkpoint of each: they are written one at a time, in the order asked
  for (const r of others) {
    r.pause(); // a change, so each checkpoint has something to write
  }
  const final = await closing.close('bye');
  t.equal(readIndex(closing.dir).state, final.state, 'the final index is in place when close() resolves');
  const done = others.filter((r, i) => readIndex(r.dir).revision > written[i]).length;
  // Queued behind them (as before 2026-12-08), the final index waited for all 40.
  t.ok(done < others.length, `written before it: ${done} of the ${others.length} checkpoints queued ahead of it`);
  await Promise.all(others.map((r) => r.close('bye')));
});
