/**
 * Crash recovery of the new stream files: a killed writer's recording with an rtpdump, an RTT
 * transcript and an MSRP message log reads as partial; recovery cuts torn records, writes the
 * counts found in the files into the index, and marks it partial; nothing complete is lost.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { killedWriter } from './killed-writer.js';
import {
  listStreamFiles, parseMessageLog, readRecording, readRtpdump, recoverRecordings, RecordingState,
} from '../../../../lib/siprec/srs/index.js';

t.test('killed writer: rtpdump, transcript and message log recovered', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tsip-recover-kinds-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = await killedWriter('crash-writer-kinds.ts', root, 150);
  const before = readRecording(dir);
  t.equal(before.index.state, RecordingState.Partial, 'a dead writer\'s recording reads as partial');
  const dump = readRtpdump(join(dir, 'stream-v.rtpdump'));
  const msgs = parseMessageLog(readFileSync(join(dir, 'stream-m.msrp.txt')));
  const text = readFileSync(join(dir, 'stream-t.txt'), 'utf8');
  t.ok(dump.records.length >= 100, `${dump.records.length} video packets readable`);
  t.ok(msgs.length >= 100, `${msgs.length} messages readable`);
  t.equal(text, 'x'.repeat(text.length), 'transcript intact');
  t.ok(text.length >= 100);
  // As if the crash had cut a record in half too.
  appendFileSync(join(dir, 'stream-v.rtpdump'), Buffer.from([0x01, 0x00, 0x00, 0xf8, 0, 0, 0, 1, 0x80]));
  appendFileSync(join(dir, 'stream-m.msrp.txt'), '--- 2026-11-25T09:00:00.000Z id=cut type=text/plain bytes=50\nonly part');
  const sizeBefore = statSync(join(dir, 'stream-v.rtpdump')).size;
  t.same(recoverRecordings(root), [dir]);
  const after = readRecording(dir);
  t.equal(after.index.state, RecordingState.Partial);
  t.equal(after.index.endReason, 'crash');
  t.match(after.index.endDetail, /ended without closing the recording/, 'and the words');
  const by = Object.fromEntries(after.index.streams.map((s) => [s.label, s]));
  t.equal(by.v.packets, dump.records.length, 'video packet count from the file');
  t.equal(by.t.packets, readRtpdump(join(dir, 'stream-t.rtpdump')).records.length, 'text packet count from the file');
  t.equal(by.t.textBytes, text.length, 'transcript bytes');
  t.equal(by.m.messages, msgs.length, 'message count from the log');
  t.equal(statSync(join(dir, 'stream-v.rtpdump')).size, sizeBefore - 9, 'torn dump record cut off');
  t.same(parseMessageLog(readFileSync(join(dir, 'stream-m.msrp.txt'))).length, msgs.length, 'torn message record cut off');
  t.ok(readFileSync(join(dir, 'stream-m.msrp.txt')).toString().endsWith('\n'), 'log ends on a whole record');
  t.same(listStreamFiles(after).map((s) => [s.label, s.kind, s.format]), [['v', 'video', 'rtpdump'], ['t', 'text', 't140'], ['m', 'message', 'msrp']]);
  t.same(recoverRecordings(root), [], 'recovery runs once');
});
