/**
 * The SRS's write queue (storage/queued-file.ts) and what is built on it: order, the memory bound
 * and its drop accounting, close() waiting for every queued write, a killed writer losing at most
 * the queued tail, and RecordingDir checkpoints coalesced off the event loop.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { readWavInfo } from '../../../../lib/siprec/media/index.js';
import { readIndex, RecordingDir, RecordingState } from '../../../../lib/siprec/srs/storage/index.js';
import { QueuedFile } from '../../../../lib/siprec/srs/storage/queued-file.js';
import { QueuedWavWriter } from '../../../../lib/siprec/srs/storage/wav-file.js';
import { nodeArgsFor } from '../../../helpers/ts-entry.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tsip-queued-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

t.test('appends reach the file in order, batched, and close() waits for all of them', async (t) => {
  const p = join(root, 'order.bin');
  const f = QueuedFile.create(p, Buffer.from('HDR'), { batchBytes: 1000 });
  const want: Buffer[] = [Buffer.from('HDR')];
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.alloc(1 + (i % 37), i & 0xff);
    want.push(Buffer.from(b));
    f.append(b);
    b.fill(0xee); // the caller may reuse its buffer: the queue copied it
  }
  t.ok(f.queuedBytes > 0, 'nothing written synchronously');
  await f.close();
  t.same(readFileSync(p), Buffer.concat(want), 'every byte, in order, after close()');
  t.equal(f.droppedBytes, 0);
  t.equal(f.append(Buffer.from('late')), false, 'ignored after close');
  await t.rejects(QueuedFile.create(p).ready(), { code: 'EEXIST' }, 'never overwrites');
});

t.test('the queue is bounded: beyond maxQueuedBytes appends are dropped and counted', async (t) => {
  const p = join(root, 'bound.bin');
  const f = QueuedFile.create(p, undefined, { batchBytes: 0, maxQueuedBytes: 4096 });
  let kept = 0;
  // All in one turn of the loop: the first write is in flight, nothing completes meanwhile.
  for (let i = 0; i < 1000; i++) if (f.append(Buffer.alloc(100, 1))) kept++;
  t.ok(f.queuedBytes <= 4096, `memory bounded (${f.queuedBytes} bytes queued)`);
  t.equal(kept, 40, 'what fits was kept');
  t.equal(f.droppedAppends, 960);
  t.equal(f.droppedBytes, 96000);
  await f.close();
  t.equal(readFileSync(p).length, 4000, 'dropped records skipped: the file holds whole records only');
  const h = join(root, 'hole.bin');
  const g = QueuedFile.create(h, undefined, { batchBytes: 0, maxQueuedBytes: 300, holeOnDrop: true });
  for (let i = 1; i <= 10; i++) g.append(Buffer.alloc(100, i));
  await g.close();
  const buf = readFileSync(h);
  t.equal(buf.length, 1000, 'holeOnDrop: the file keeps its full length');
  t.equal(buf[0], 1, 'kept data in place');
  t.equal(buf[999], 0, 'a dropped range reads back as zeros');
  t.equal(g.droppedBytes, 700);
  const big = QueuedFile.create(join(root, 'big.bin'), undefined, { maxQueuedBytes: 10 });
  t.equal(big.append(Buffer.alloc(5000)), true, 'an empty queue takes one append larger than the bound');
  await big.close();
});

t.test('a WAV written through the queue: complete after close, a lost burst kept as silence', async (t) => {
  const p = join(root, 'q.wav');
  const w = QueuedWavWriter.create(p, { queue: { maxQueuedBytes: 8000 } });
  const pcm = new Int16Array(160).fill(1000);
  for (let i = 0; i < 100; i++) w.writeSamples(pcm); // 32000 bytes in one turn: most over the bound
  t.ok(w.droppedBytes > 0, `dropped ${w.droppedBytes} bytes`);
  t.equal(w.dataBytes, 32000, 'the timeline counts the dropped audio');
  await w.close();
  const info = readWavInfo(p);
  t.ok(info.complete, 'sizes written at close');
  t.equal(info.dataBytes, 32000, 'the file keeps the whole timeline (silence for what was dropped)');
  t.equal(readFileSync(p).readInt16LE(44), 1000, 'the first samples are audio');
  const ok = QueuedWavWriter.create(join(root, 'ok.wav'));
  for (let i = 0; i < 500; i++) ok.writeSamples(pcm);
  ok.writeSilence(8000);
  await ok.close();
  t.equal(ok.droppedBytes, 0, 'a disk that keeps up loses nothing');
  t.same(readWavInfo(join(root, 'ok.wav')), { sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 176000, durationSeconds: 11, complete: true });
});

t.test('a writer killed mid-queue loses at most its queued tail, and what is there is in order', async (t) => {
  const dir = mkdtempSync(join(root, 'crash-'));
  const child = spawn(process.execPath, [...nodeArgsFor(join(here, 'crash-queued-writer.ts')), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child not ready')), 20000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) { clearTimeout(timer); resolve(); }
    });
  });
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const last = [...out.matchAll(/appended (\d+) queued (\d+)\n/g)].at(-1)!;
  const appended = Number(last[1]);
  const queued = Number(last[2]);
  const buf = readFileSync(join(dir, 'seq.bin'));
  t.equal(buf.subarray(0, 4).toString(), 'HEAD');
  const records = Math.floor((buf.length - 4) / 8);
  let inOrder = true;
  for (let i = 0; i < records; i++) if (buf.readBigUInt64BE(4 + i * 8) !== BigInt(i)) { inOrder = false; break; }
  t.ok(inOrder, `${records} records, each in its place`);
  t.ok(records * 8 >= appended * 8 - queued, `everything no longer queued at the last report is on disk (${records} ≥ ${appended} − ${queued / 8})`);
});

t.test('RecordingDir: checkpoints coalesce off the loop; close() resolves with every file complete', async (t) => {
  const rec = await RecordingDir.create({ root, recordingId: 'coalesce@h' });
  t.notOk(existsSync(join(rec.dir, 'index.json')), 'no index before the first checkpoint');
  rec.openStream('1', 'PCMU', 0);
  for (let i = 0; i < 50; i++) rec.checkpoint();
  await rec.settled();
  const idx = readIndex(rec.dir);
  t.equal(idx.revision, rec.snapshot.revision, 'the last checkpoint is the one on disk');
  t.same(readdirSync(rec.dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  const closing = rec.close('bye');
  rec.checkpoint(); // after close: ignored
  const final = await closing;
  t.equal(final.state, RecordingState.Complete);
  t.equal(readIndex(rec.dir).state, RecordingState.Complete, 'index final on disk when close() resolves');
  t.ok(readWavInfo(join(rec.dir, 'stream-1.wav')).complete, 'WAV final on disk when close() resolves');
  t.equal(await rec.close('shutdown'), final, 'idempotent');
});

t.test('RecordingDir: files are created off the loop; an index names only files that exist; durable() puts an fsynced one in place', async (t) => {
  const rec = await RecordingDir.create({ root, recordingId: 'order@h' });
  t.notOk(existsSync(join(rec.dir, 'index.json')), 'no index when create() resolves');
  rec.openMediaStream({ label: 'v', kind: 'video', store: 'rtpdump', codec: 'H264', payloadType: 96 });
  rec.openStream('1', 'PCMU', 0);
  t.notOk(existsSync(join(rec.dir, 'index.json')), 'nothing written synchronously: still no index');
  await rec.durable();
  const idx = readIndex(rec.dir);
  t.same(idx.streams.map((s) => s.label), ['v', '1'], 'the durable index names both streams');
  t.ok(idx.streams.every((s) => readFileSync(join(rec.dir, s.file)).length > 0), 'each with its header on disk');
  t.equal(idx.revision, rec.snapshot.revision, 'and is the latest');
  await rec.close('bye');
});

t.test('RecordingDir queue option: a tiny per-file bound drops rtpdump records, counted as droppedRecords; still complete', async (t) => {
  const rec = await RecordingDir.create({ root, recordingId: 'tiny@h', queue: { maxQueuedBytes: 1 } });
  rec.openMediaStream({ label: 'v', kind: 'video', store: 'rtpdump', codec: 'H264', payloadType: 96 });
  await rec.durable(); // the header written: the queue is empty
  const pkt = Buffer.alloc(200, 0x80);
  for (let i = 0; i < 50; i++) rec.datagram('v', pkt, 1000 + i); // one turn: the first write is in flight
  const idx = await rec.close('bye');
  const s = idx.streams[0];
  t.equal(idx.state, RecordingState.Complete, 'complete');
  t.equal(s.packets, 1, 'the empty queue took one record');
  t.equal(s.droppedRecords, 49, 'the rest dropped and counted');
  t.equal(readIndex(rec.dir).streams[0].droppedRecords, 49, 'in index.json');
});
