/**
 * The SRS limits in isolation: the token bucket (setups and packets per second) on a fake clock,
 * the free-space probe, the metadata size check (413), the dropped count and the `partial` close
 * of a recording, storage errors kept out of socket handlers, and the MSRP assembler's bounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { FakeClock } from '../../../../lib/transaction/clock.js';
import { buildOfferSdp, buildRecordingBody } from '../../../../lib/siprec/body/index.js';
import { MetadataBuilder } from '../../../../lib/siprec/metadata/index.js';
import { PortAllocator } from '../../../../lib/siprec/media/index.js';
import {
  checkRecordingBody, checkRecordingInvite, MsrpAssembler, readIndex, RecordingDir, RecordingState, Srs, SrsSession, type CheckOptions,
} from '../../../../lib/siprec/srs/index.js';
import { bytesText, freeBytes, retryAfterSeconds, SRS_LIMIT_DEFAULTS, TokenBucket } from '../../../../lib/siprec/srs/limits.js';
import { SrsDisk } from '../../../../lib/siprec/srs/srs-disk.js';
import { SipErrorCode } from '../../../../include-types/errors.js';
import type { InviteDialogAssoc } from '../../../../lib/siprec/common/api.js';

const root = mkdtempSync(join(tmpdir(), 'tsip-srs-limits-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

t.test('token bucket: a second of burst, then the rate; Retry-After from the wait', async (t) => {
  const clock = new FakeClock(1000);
  const b = new TokenBucket(2, () => clock.now());
  t.ok(b.take() && b.take(), 'two at once (one second of burst)');
  t.notOk(b.take(), 'the third is refused');
  t.equal(b.msUntilNext(), 500, 'next token in 1/rate s');
  t.equal(retryAfterSeconds(b.msUntilNext()), 1, 'Retry-After rounds up to whole seconds');
  clock.advance(499);
  t.notOk(b.take(), 'not yet');
  clock.advance(1);
  t.ok(b.take(), 'refilled');
  t.notOk(b.take());
  clock.advance(60_000);
  t.ok(b.take() && b.take(), 'a long idle time refills only up to the burst');
  t.notOk(b.take());
});

t.test('token bucket: 0 is unlimited; a clock going back adds nothing', async (t) => {
  const clock = new FakeClock(5000);
  const off = new TokenBucket(0, () => clock.now());
  t.ok(off.unlimited);
  for (let i = 0; i < 10_000; i++) if (!off.take()) t.fail('unlimited refused');
  t.equal(off.msUntilNext(), 0);
  let now = 10_000;
  const b = new TokenBucket(1, () => now);
  t.ok(b.take());
  now = 0;
  t.notOk(b.take(), 'time went back: no token');
  now = 999;
  t.notOk(b.take());
  now = 1000;
  t.ok(b.take());
  const p = new TokenBucket(1000, () => clock.now());
  let taken = 0;
  for (let i = 0; i < 5000; i++) if (p.take()) taken++;
  t.equal(taken, 1000, 'packets: a burst of one second at 1000/s, the rest refused (not queued)');
  clock.advance(10);
  for (let i = 0; i < 100; i++) if (p.take()) taken++;
  t.equal(taken, 1010, '10 ms later 10 more');
});

t.test('free-space probe: bavail * bsize, numbers or bigints; errors are the caller\'s', async (t) => {
  t.equal(await freeBytes('/x', async () => ({ bavail: 10, bsize: 4096 })), 40960);
  t.equal(await freeBytes('/x', async () => ({ bavail: 3n, bsize: 512n })), 1536);
  await t.rejects(freeBytes('/x', async () => { throw Object.assign(new Error('nope'), { code: 'ENOSYS' }); }), { code: 'ENOSYS' });
  t.ok((await freeBytes(root)) > 0, 'the real statfs answers for a temp dir');
  t.equal(bytesText(100 * (1 << 20)), '100.0 MiB');
  t.equal(bytesText(12), '12 bytes');
  t.same(SRS_LIMIT_DEFAULTS, {
    maxMetadataBytes: 1 << 20, maxSetupsPerSecond: 0, minFreeDiskBytes: 100 << 20, diskCheckIntervalMs: 5000,
    maxRecordingSeconds: 0, maxRtpPacketsPerSecondPerStream: 5000, maxUnconfirmedSessions: 200,
  }, 'the documented defaults');
});

const sdp = buildOfferSdp([{ label: '1', port: 30000 }], { address: '127.0.0.1', sessionId: 1, version: 1 });
function bigMeta(participants: number): string {
  return new MetadataBuilder({
    participants: Array.from({ length: participants }, (_, i) => ({ key: `p${i}`, aor: `sip:participant-${i}@example.com` })),
    streams: [{ label: '1', sender: 'p0' }],
  }).completeXml();
}
const siprec = { require: ['siprec'], contact: ['<sip:src@127.0.0.1>;+sip.src'] };
function req(body: { body: Buffer; contentType: string }) {
  return { headerValues: (n: string) => (siprec as Record<string, string[]>)[n.toLowerCase()] ?? [], content: body.body, contentType: body.contentType };
}

t.test('maxMetadataBytes: a larger metadata part is 413 before it is parsed; the limit itself passes', async (t) => {
  const xml = bigMeta(40);
  const size = Buffer.byteLength(xml);
  const opts: CheckOptions = { codecs: ['PCMU'], requireMetadata: false, maxMetadataBytes: size - 1 };
  const v = checkRecordingInvite(req(buildRecordingBody(sdp, xml)), opts);
  t.match(v, { ok: false, status: 413, limit: 'maxMetadataBytes', reason: `Metadata too large (${size} bytes, limit ${size - 1})` });
  const ok = checkRecordingInvite(req(buildRecordingBody(sdp, xml)), { ...opts, maxMetadataBytes: size });
  t.ok(ok.ok, 'exactly the limit is fine');
  const inDialog = checkRecordingBody(req(buildRecordingBody(undefined, xml)), opts, true);
  t.match(inDialog, { ok: false, status: 413 }, 'a metadata-only update too');
  const garbage = Buffer.alloc(5000, 0x41);
  const g = checkRecordingInvite(req({ body: garbage, contentType: 'application/rs-metadata+xml' }), { ...opts, maxMetadataBytes: 4096 });
  t.match(g, { ok: false, status: 413 }, 'not parsed at all: the size decides (no 400 for the bad XML)');
  t.ok(checkRecordingInvite(req(buildRecordingBody(sdp, xml)), { ...opts, maxMetadataBytes: 0 }).ok, '0: no limit');
});

t.test('dropped packets counted in the index; a recording ended early is partial with the reason', async (t) => {
  const rec = await RecordingDir.create({ root, recordingId: 'drop@h' });
  rec.openStream('1', 'PCMU', 0);
  rec.dropped('1', 3);
  rec.dropped('1');
  rec.dropped('nope', 5);
  rec.checkpoint();
  await rec.settled();
  t.equal(readIndex(rec.dir).streams[0].droppedPackets, 4, 'per stream, unknown labels ignored');
  const idx = await rec.close('limit', RecordingState.Partial, 'free disk space 1.0 MiB below minFreeDiskBytes 100.0 MiB');
  t.equal(idx.state, RecordingState.Partial);
  const onDisk = readIndex(rec.dir);
  t.equal(onDisk.state, 'partial');
  t.equal(onDisk.endReason, 'limit', 'a value to switch on');
  t.match(onDisk.endDetail, /below minFreeDiskBytes/, 'the words apart');
  t.ok(onDisk.stoppedAt, 'stopped');
  rec.dropped('1', 9);
  t.equal(readIndex(rec.dir).streams[0].droppedPackets, 4, 'nothing counted after close');
  const c = await RecordingDir.create({ root, recordingId: 'clean@h' });
  t.equal((await c.close('bye')).state, RecordingState.Complete, 'the default close is still complete');
  t.equal((await (await RecordingDir.create({ root, recordingId: 'f@h' })).close('failed', true)).state, RecordingState.Failed, 'and failed with true');
});

t.test('a failed write is reported once to the server, never thrown into the socket handler', async (t) => {
  const errors: unknown[] = [];
  const s = new SrsSession('w@h', {} as InviteDialogAssoc, undefined, {
    host: '127.0.0.1', allocator: new PortAllocator({ min: 41000, max: 41009 }), media: true,
    policy: { kinds: ['audio'], msrp: false, wavCodecs: ['PCMU'] }, onStorageError: (_session, e) => errors.push(e),
  });
  const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  t.doesNotThrow(() => s.write(() => { throw enospc; }));
  t.ok(s.storageError);
  let ran = false;
  s.write(() => { ran = true; });
  t.notOk(ran, 'no further writes once one failed');
  t.same(errors, [enospc], 'reported once');
});

t.test('MSRP assembler: a Byte-Range far out is not allocated; open messages and bytes are bounded', async (t) => {
  const a = new MsrpAssembler({ maxMessageBytes: 1000, maxOpenMessages: 2, maxOpenBytes: 1500 });
  const far = a.add('m1', { start: 4_000_000_000 }, 'text/plain', Buffer.from('x'), '$');
  t.ok(far, 'handed over');
  t.equal(far!.body.length, 0, 'nothing allocated for the far range');
  t.equal(far!.complete, false, 'and marked incomplete');
  t.equal(a.add('m2', { start: 1 }, 'text/plain', Buffer.alloc(800, 1), '+'), undefined);
  t.equal(a.add('m3', { start: 1 }, 'text/plain', Buffer.alloc(800, 2), '+'), undefined);
  t.equal(a.bytesHeld, 800, 'the second chunk went past maxOpenBytes: left out');
  t.equal(a.add('m4', { start: 1 }, 'text/plain', Buffer.from('hi'), '+'), undefined);
  t.equal(a.openMessages, 2, 'no more than maxOpenMessages open');
  const evicted = a.takeEvicted();
  t.same(evicted.map((m) => [m.messageId, m.complete, m.body.length]), [['m2', false, 800]], 'the oldest handed over, incomplete');
  const m3 = a.add('m3', { start: 801 }, undefined, Buffer.from('end'), '$');
  t.equal(m3!.complete, false, 'a message that lost a chunk is incomplete');
  t.equal(a.bytesHeld, 2);
  t.same(a.drain().map((m) => m.messageId), ['m4']);
  t.equal(a.bytesHeld, 0);
  const legacy = new MsrpAssembler(10);
  t.equal(legacy.add('x', { start: 1 }, 'text/plain', Buffer.alloc(11), '$')!.complete, false, 'a number is still maxMessageBytes');
});

t.test('bad limit settings are refused at construction with a typed error naming the setting', async (t) => {
  const base = { host: '127.0.0.1', port: 0, dir: root };
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ maxSetupsPerSecond: -1 }, /maxSetupsPerSecond/],
    [{ minFreeDiskBytes: Number.NaN }, /minFreeDiskBytes/],
    [{ maxMetadataBytes: 1.5 }, /maxMetadataBytes must be an integer/],
    [{ diskCheckIntervalMs: 0 }, /diskCheckIntervalMs must be an integer >= 10/],
    [{ maxRecordingSeconds: Infinity }, /maxRecordingSeconds/],
    [{ maxRtpPacketsPerSecondPerStream: '5' }, /maxRtpPacketsPerSecondPerStream/],
    [{ maxSessions: -3 }, /maxSessions/],
    [{ maxUnconfirmedSessions: -1 }, /SrsSettings\.maxUnconfirmedSessions must be an integer >= 0/],
    [{ maxUnconfirmedSessions: 2.5 }, /maxUnconfirmedSessions must be an integer/],
    [{ maxUnconfirmedSessions: Number.NaN }, /maxUnconfirmedSessions/],
    [{ rtpPortMin: 5000, rtpPortMax: 4000 }, /rtpPortMin must not be above rtpPortMax/],
    [{ storage: { maxQueuedBytesPerFile: 0 } }, /SrsSettings\.storage\.maxQueuedBytesPerFile must be an integer >= 1/],
    [{ storage: { maxQueuedBytesPerFile: 1.5 } }, /storage\.maxQueuedBytesPerFile/],
    [{ storage: { maxQueuedBytesPerFile: Number.NaN } }, /storage\.maxQueuedBytesPerFile/],
    [{ storage: { wavBatchBytes: -1 } }, /SrsSettings\.storage\.wavBatchBytes must be an integer >= 0/],
    [{ storage: { maxQueuedBytesPerFile: 1000, wavBatchBytes: 2000 } }, /storage\.wavBatchBytes must not be above maxQueuedBytesPerFile/],
    [{ storage: { durability: 'async' as 'none' } }, /SrsSettings\.storage\.durability must be 'fsync' or 'none' \(got async\)/],
    [{ storage: 5 }, /SrsSettings\.storage must be an object/],
  ];
  for (const [extra, msg] of bad) t.throws(() => new Srs({ ...base, ...extra } as never), { name: 'SipError', code: SipErrorCode.InvalidArgument, message: msg });
  t.doesNotThrow(() => new Srs({ ...base, maxSetupsPerSecond: 0.5, maxRecordingSeconds: 0.25, minFreeDiskBytes: 0, maxRtpPacketsPerSecondPerStream: 0, maxUnconfirmedSessions: 0 }), 'fractions where rates and seconds allow them; 0 = off');
  t.doesNotThrow(() => new Srs({ ...base, storage: { maxQueuedBytesPerFile: 100 } }), 'a bound below the default WAV batch: the batch follows it');
  t.doesNotThrow(() => new Srs({ ...base, storage: { maxQueuedBytesPerFile: 1, wavBatchBytes: 0 } }), 'the smallest bound');
  t.doesNotThrow(() => new Srs({ ...base, storage: { durability: 'none' } }), 'durability none');
});

t.test('admission free-space check: INVITEs arriving together share one statfs; a later one reads again', async (t) => {
  let calls = 0;
  let free = 500 << 20;
  const release: Array<() => void> = [];
  const statfs = (): Promise<{ bavail: number; bsize: number }> => {
    calls++;
    const bavail = free / 4096;
    return new Promise((resolve) => release.push(() => resolve({ bavail, bsize: 4096 })));
  };
  const disk = new SrsDisk({ host: '127.0.0.1', port: 0, dir: root, minFreeDiskBytes: 100 << 20, statfs }, () => 0);
  const burst = [disk.refusal(), disk.refusal(), disk.refusal()];
  t.equal(calls, 1, 'one statfs for three concurrent admissions');
  release.shift()!();
  t.same(await Promise.all(burst), [undefined, undefined, undefined], 'all three admitted on that reading');
  free = 10 << 20; // the disk filled up since
  const later = disk.refusal();
  t.equal(calls, 2, 'the next admission reads again: no reading is reused once answered');
  release.shift()!();
  t.match(await later, /^Insufficient disk space/, 'and is refused on the new reading');
  const failing = new SrsDisk({ host: '127.0.0.1', port: 0, dir: root, minFreeDiskBytes: 1, statfs: () => Promise.reject(Object.assign(new Error('x'), { code: 'EIO' })) }, () => 0);
  t.same(await Promise.all([failing.refusal(), failing.refusal()]), ['Free disk space unknown (EIO)', 'Free disk space unknown (EIO)'], 'a failed statfs refuses every admission that shared it');
});
