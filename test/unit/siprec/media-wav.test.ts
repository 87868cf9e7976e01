import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  buildWavHeader, MediaError, MediaErrorCode, readWavInfo, repairWav, WavWriter, WAV_SIZE_PLACEHOLDER,
} from '../../../lib/siprec/media/index.js';
import { expectError } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsip-wav-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `rec-${++n}.wav`);

t.test('header layout and clean close', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path);
  const head = readFileSync(path);
  t.equal(head.length, 44);
  t.equal(head.toString('ascii', 0, 4), 'RIFF');
  t.equal(head.readUInt32LE(4), WAV_SIZE_PLACEHOLDER, 'placeholder RIFF size while recording');
  t.equal(head.readUInt32LE(40), WAV_SIZE_PLACEHOLDER, 'placeholder data size while recording');
  t.equal(head.readUInt16LE(20), 1, 'PCM');
  t.equal(head.readUInt16LE(22), 1, 'mono');
  t.equal(head.readUInt32LE(24), 8000);
  t.equal(head.readUInt32LE(28), 16000, 'byte rate');
  t.equal(head.readUInt16LE(32), 2, 'block align');
  t.equal(head.readUInt16LE(34), 16);
  w.writeSamples(Int16Array.from([1, -1, 32767, -32768]));
  await w.write(new Int16Array(796));
  w.writeSilence(7200);
  t.equal(w.frames, 8000);
  t.equal(w.durationSeconds, 1);
  w.close();
  w.close();
  t.equal(w.isOpen, false);
  const file = readFileSync(path);
  t.equal(file.length, 44 + 16000);
  t.equal(file.readUInt32LE(4), 36 + 16000);
  t.equal(file.readUInt32LE(40), 16000);
  t.same([file.readInt16LE(44), file.readInt16LE(46), file.readInt16LE(48), file.readInt16LE(50)], [1, -1, 32767, -32768]);
  t.same(readWavInfo(path), { sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 16000, durationSeconds: 1, complete: true });
  expectError(t, () => w.writeSamples(new Int16Array(1)), MediaError, MediaErrorCode.Closed, 'write after close');
});

t.test('never overwrites an existing file', async (t) => {
  const path = fresh();
  writeFileSync(path, 'precious');
  expectError(t, () => WavWriter.create(path), MediaError, MediaErrorCode.FileExists, 'exists');
  t.equal(readFileSync(path, 'utf8'), 'precious', 'untouched');
  const w = WavWriter.create(fresh());
  w.close();
  expectError(t, () => WavWriter.create(w.path), MediaError, MediaErrorCode.FileExists, 'our own closed file');
  t.throws(() => WavWriter.create(join(dir, 'no-such-dir', 'x.wav')), { code: 'ENOENT' });
});

t.test('a crash (never closed) loses nothing written; repairWav fixes the sizes', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path, { sampleRate: 16000 });
  const samples = Int16Array.from({ length: 4000 }, (_, i) => i - 2000);
  w.writeSamples(samples);
  w.writeSilence(4000);
  // No close(): as if the process died here. Everything written is on disk.
  const info = readWavInfo(path);
  t.equal(info.complete, false);
  t.equal(info.dataBytes, 16000);
  t.equal(info.sampleRate, 16000);
  t.equal(info.durationSeconds, 0.5);
  const fixed = repairWav(path);
  t.equal(fixed.complete, true);
  t.equal(fixed.dataBytes, 16000);
  const file = readFileSync(path);
  t.equal(file.readUInt32LE(4), file.length - 8);
  t.equal(file.readUInt32LE(40), 16000);
  t.equal(file.readInt16LE(44), -2000);
  t.equal(file.readInt16LE(44 + 3999 * 2), 1999);
  t.same(repairWav(path), fixed, 'repair of a complete file changes nothing');
});

t.test('repair cuts a torn trailing sample; header-only file repairs to 0 s', async (t) => {
  const path = fresh();
  const fd = openSync(path, 'wx');
  writeSync(fd, buildWavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }));
  writeSync(fd, Buffer.alloc(101, 1)); // 50 samples and half a sample
  closeSync(fd);
  const info = readWavInfo(path);
  t.equal(info.dataBytes, 100);
  t.equal(info.complete, false);
  const fixed = repairWav(path);
  t.equal(statSync(path).size, 144);
  t.equal(fixed.dataBytes, 100);
  t.equal(fixed.complete, true);
  const empty = fresh();
  WavWriter.create(empty); // crashed before any audio
  t.equal(readWavInfo(empty).complete, false);
  t.same(repairWav(empty), { sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 0, durationSeconds: 0, complete: true });
});

t.test('periodic header updates keep a crashed file complete up to the last update', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path, { headerUpdateBytes: 3200 });
  for (let i = 0; i < 10; i++) w.writeSamples(new Int16Array(160)); // 3200 bytes → header rewritten
  let info = readWavInfo(path);
  t.equal(info.complete, true);
  t.equal(info.dataBytes, 3200);
  w.writeSamples(new Int16Array(160));
  info = readWavInfo(path);
  t.equal(info.complete, false, 'newer audio past the sizes');
  t.equal(info.dataBytes, 3520);
  w.close();
  t.equal(readWavInfo(path).complete, true);
});

t.test('stereo and readers of foreign files', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path, { channels: 2 });
  w.writeSamples(new Int16Array(16000));
  w.writeSilence(8000);
  w.close();
  const info = readWavInfo(path);
  t.equal(info.channels, 2);
  t.equal(info.dataBytes, 64000);
  t.equal(info.durationSeconds, 2);
  const bogus = fresh();
  writeFileSync(bogus, 'RIFX0000WAVEjunk');
  expectError(t, () => readWavInfo(bogus), MediaError, MediaErrorCode.BadWav, 'not RIFF');
  const noData = fresh();
  writeFileSync(noData, buildWavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }).subarray(0, 36));
  expectError(t, () => readWavInfo(noData), MediaError, MediaErrorCode.BadWav, 'no data chunk');
  // A file with a LIST chunk before data and a trailing chunk after data.
  const h = buildWavHeader({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }, 4);
  const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([4, 0, 0, 0]), Buffer.from('INFO')]);
  const body = Buffer.concat([h.subarray(0, 36), list, h.subarray(36), Buffer.alloc(4), Buffer.from('junk'), Buffer.from([0, 0, 0, 0])]);
  body.writeUInt32LE(body.length - 8, 4);
  const foreign = fresh();
  writeFileSync(foreign, body);
  t.same(readWavInfo(foreign), { sampleRate: 8000, channels: 1, bitsPerSample: 16, dataBytes: 4, durationSeconds: 0.00025, complete: true });
  t.ok(existsSync(foreign));
});

t.test('bufferBytes gathers writes; flush and close write everything', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path, { bufferBytes: 1000 });
  const chunk = Int16Array.from({ length: 100 }, (_, i) => i);
  w.writeSamples(chunk);
  w.writeSamples(chunk);
  t.equal(statSync(path).size, 44, 'still in memory');
  t.equal(w.dataBytes, 400, 'but counted');
  w.writeSilence(400); // 800 more bytes: past the buffer size → written
  t.equal(statSync(path).size, 44 + 1200);
  w.writeSamples(chunk);
  t.equal(readWavInfo(path).dataBytes, 1200, 'a crash now would lose at most bufferBytes');
  w.flush();
  t.equal(statSync(path).size, 44 + 1400);
  w.writeSamples(chunk);
  w.close();
  const file = readFileSync(path);
  t.equal(file.length, 44 + 1600);
  t.equal(readWavInfo(path).complete, true);
  t.equal(file.readInt16LE(44 + 1200 + 2 * 99), 99, 'order kept');
  t.equal(file.readInt16LE(44 + 400 + 2), 0, 'silence where written');
});

t.test('header updates never count audio still in memory', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path, { bufferBytes: 640, headerUpdateBytes: 320 });
  for (let i = 0; i < 5; i++) w.writeSamples(new Int16Array(160));
  const info = readWavInfo(path);
  t.ok(info.dataBytes <= statSync(path).size - 44);
  t.equal(info.complete, true, 'header matches what is on disk after the buffered flush');
  w.close();
  t.equal(readWavInfo(path).dataBytes, 1600);
});

t.test('samples from a view into a larger buffer are written exactly', async (t) => {
  const path = fresh();
  const big = Int16Array.from({ length: 1000 }, (_, i) => i * 7 - 3000);
  const w = WavWriter.create(path, { bufferBytes: 100 });
  w.writeSamples(big.subarray(10, 20));
  big.fill(0); // the caller reuses its buffer at once
  w.writeSamples(Int16Array.from([-1]));
  w.close();
  const file = readFileSync(path);
  const got = Array.from({ length: 11 }, (_, i) => file.readInt16LE(44 + i * 2));
  t.same(got, [...Array.from({ length: 10 }, (_, i) => (i + 10) * 7 - 3000), -1]);
});

t.test('writeSilence edge values; the 4 GiB limit is refused up front', async (t) => {
  const path = fresh();
  const w = WavWriter.create(path);
  w.writeSilence(0);
  w.writeSilence(-5);
  w.writeSilence(2.9);
  t.equal(w.frames, 2, 'zero and negative write nothing, fractions round down');
  expectError(t, () => w.writeSilence(2 ** 31), MediaError, MediaErrorCode.WavTooLarge, 'too large');
  t.equal(statSync(path).size, 44 + 4, 'nothing written by the refused call');
  w.close();
  t.equal(readWavInfo(path).dataBytes, 4);
  expectError(t, () => w.writeSilence(1), MediaError, MediaErrorCode.Closed, 'closed');
});

t.test('a foreign file with a large LIST chunk before data is read and repaired', async (t) => {
  const h = buildWavHeader({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
  const info = Buffer.alloc(10_001, 0x41);
  const list = Buffer.concat([Buffer.from('LIST'), Buffer.alloc(4), info, Buffer.alloc(1)]); // odd size + pad byte
  list.writeUInt32LE(info.length, 4);
  const path = fresh();
  writeFileSync(path, Buffer.concat([h.subarray(0, 36), list, h.subarray(36), Buffer.alloc(3200)]));
  const before = readWavInfo(path);
  t.same([before.complete, before.dataBytes, before.sampleRate], [false, 3200, 16000]);
  const after = repairWav(path);
  t.same([after.complete, after.dataBytes, after.durationSeconds], [true, 3200, 0.1]);
  const bad = fresh();
  writeFileSync(bad, Buffer.concat([h.subarray(0, 12), Buffer.from('fmt '), Buffer.from([16, 0, 0, 0]), Buffer.from([0xfe, 0xff]), Buffer.alloc(14)]));
  expectError(t, () => readWavInfo(bad), MediaError, MediaErrorCode.BadWav, 'extensible/non-PCM format');
});
