import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { killedWriter } from './killed-writer.js';
import { buildRtp, encodeG711, parseRtp, readWavInfo } from '../../../../lib/siprec/media/index.js';
import { MetadataBuilder, parseMetadata } from '../../../../lib/siprec/metadata/index.js';
import {
  listRecordings, readIndex, readRecording, RecordingDir, recoverRecordings, RecordingState, wavDurations,
} from '../../../../lib/siprec/srs/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'tsip-store-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

function packet(seq: number, ssrc: number, amp = 8000) {
  const pcm = new Int16Array(160).map((_, i) => Math.round(amp * Math.sin(i / 3)));
  return parseRtp(buildRtp({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [], payload: encodeG711(0, pcm) }));
}

t.test('a recording: streams, metadata and updates, participants, pause, clean close', async (t) => {
  let now = Date.parse('2026-11-25T07:00:00Z');
  const rec = await RecordingDir.create({ root, recordingId: 'rs-1@h', now: () => now });
  t.notOk(existsSync(join(rec.dir, 'index.json')), 'no index before the first checkpoint (a crash then leaves none: recovery rebuilds it)');
  const mb = new MetadataBuilder({
    callId: 'cs-1', participants: [{ key: 'a', aor: 'sip:alice@x', name: 'Alice' }, { key: 'b', aor: 'sip:bob@x' }],
    streams: [{ label: '1', sender: 'a' }, { label: '2', sender: 'b' }],
  });
  const xml = mb.completeXml();
  t.equal(rec.addMetadata(Buffer.from(xml), parseMetadata(xml)), 'metadata-000.xml');
  rec.openStream('1', 'PCMU', 0, now);
  rec.openStream('2', 'PCMU', 0, now);
  for (let i = 0; i < 50; i++) {
    rec.packet('1', packet(i, 1), now + i * 20);
    rec.packet('2', packet(i, 2), now + i * 20);
  }
  now += 1000;
  rec.pause();
  now += 1000;
  rec.resume();
  const upd = mb.participantLeft('b');
  const { buildMetadata } = await import('../../../../lib/siprec/metadata/index.js');
  const uxml = buildMetadata(upd, { skipValidation: true });
  t.equal(rec.addMetadata(Buffer.from(uxml), parseMetadata(uxml)), 'metadata-001.xml');
  now += 1000;
  const idx = await rec.close('bye');
  t.equal(idx.state, RecordingState.Complete);
  t.same(idx.callIds, ['cs-1']);
  t.same(idx.metadataFiles, ['metadata-000.xml', 'metadata-001.xml']);
  t.equal(readFileSync(join(rec.dir, 'metadata-000.xml'), 'utf8'), xml, 'metadata kept byte for byte');
  t.equal(readFileSync(join(rec.dir, 'metadata-001.xml'), 'utf8'), uxml);
  t.equal(idx.pauses.length, 1);
  t.equal(idx.streams[0].packets, 50);
  const alice = idx.participants.find((p) => p.aors[0] === 'sip:alice@x')!;
  t.same(alice.sends, ['1']);
  t.same(alice.receives, ['2']);
  t.same(alice.names, ['Alice']);
  t.ok(idx.participants.find((p) => p.aors[0] === 'sip:bob@x')?.leftAt, 'bob left');
  t.same(idx.streams[0].senders, [alice.participantId]);
  const disk = readRecording(rec.dir);
  t.equal(disk.index.state, 'complete');
  const d = wavDurations(disk);
  t.ok(Math.abs(d['1'] - 3) < 0.05, `stream 1 lasts the whole 3 s timeline (${d['1']})`);
  t.ok(readWavInfo(join(rec.dir, 'stream-1.wav')).complete);
  t.same(readdirSync(rec.dir).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
});

t.test('nothing is overwritten: same id twice gives two directories', async (t) => {
  const now = () => Date.parse('2026-11-25T07:10:00Z');
  const a = await RecordingDir.create({ root, recordingId: 'dup/../x', now });
  const b = await RecordingDir.create({ root, recordingId: 'dup/../x', now });
  t.not(a.dir, b.dir);
  t.equal(dirname(a.dir), root, 'unsafe characters cannot leave the root');
  await a.close('bye');
  await b.close('bye');
});

t.test('crash: a killed writer leaves readable files marked partial; recovery repairs them', async (t) => {
  const croot = join(root, 'crash');
  // Killed once 2 s of stream 1 (16-bit PCM at 8 kHz: 16 000 octets/s after the 44-octet header) is in its file.
  const twoSeconds = (d: string): boolean => { try { return statSync(join(d, 'stream-1.wav')).size >= 44 + 2 * 16000; } catch { return false; } };
  const dir = await killedWriter('crash-writer.ts', croot, 200, twoSeconds);
  const before = readRecording(dir);
  t.equal(before.index.state, RecordingState.Partial, 'a dead writer\'s recording reads as partial');
  t.ok(existsSync(join(dir, 'metadata-000.xml')), 'metadata survived');
  const info = readWavInfo(join(dir, 'stream-1.wav'));
  t.equal(info.complete, false, 'WAV header still has the placeholders');
  t.ok(info.durationSeconds >= 2, `audio written before the kill is there (${info.durationSeconds}s)`);
  t.same(recoverRecordings(croot), [dir]);
  const after = readRecording(dir);
  t.equal(after.index.state, RecordingState.Partial);
  t.equal(after.index.endReason, 'crash');
  const fixed = readWavInfo(join(dir, 'stream-1.wav'));
  t.ok(fixed.complete, 'WAV repaired');
  t.ok(fixed.durationSeconds >= info.durationSeconds - 0.001, 'no audio lost by the repair');
  t.ok(after.index.streams[0].durationSeconds > 2);
  t.same(recoverRecordings(croot), [], 'recovery runs once');
  t.equal(listRecordings(croot).length, 1);
});

t.test('index end: endReason typed, endDetail the words; an index from before endDetail reads its free text as endDetail', async (t) => {
  const rec = await RecordingDir.create({ root, recordingId: 'end-1@h' });
  const idx = await rec.close('drain', false, 'drain timeout (1500 ms)');
  t.same([idx.endReason, idx.endDetail], ['drain', 'drain timeout (1500 ms)']);
  const onDisk = JSON.parse(readFileSync(join(rec.dir, 'index.json'), 'utf8')) as Record<string, unknown>;
  t.same([onDisk.endReason, onDisk.endDetail], ['drain', 'drain timeout (1500 ms)'], 'both written to index.json');
  onDisk.endReason = 'maxRecordingSeconds (60 s) reached';
  delete onDisk.endDetail;
  writeFileSync(join(rec.dir, 'index.json'), JSON.stringify(onDisk));
  const old = readIndex(rec.dir);
  t.equal(old.endReason, undefined, 'free text is not passed off as a value');
  t.equal(old.endDetail, 'maxRecordingSeconds (60 s) reached');
  const plain = await RecordingDir.create({ root, recordingId: 'end-2@h' });
  const bye = await plain.close('bye');
  t.equal(bye.endReason, 'bye');
  t.notOk('endDetail' in readIndex(plain.dir), 'no detail: none written');
});
