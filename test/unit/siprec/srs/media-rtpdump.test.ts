/**
 * The SRS's raw RTP dump (rtptools rtpdump format): byte layout of the headers, packets read back
 * as written (RTP and RTCP, offsets from the start), never overwritten, and readable after a
 * crash: a killed writer's file parses, a record cut in half is dropped and repaired away.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { buildRtp, parseRtp } from '../../../../lib/siprec/media/index.js';
import {
  parseRtpdump, readRtpdump, repairRtpdump, RtpdumpWriter, RTPDUMP_FILE_HEADER_BYTES,
} from '../../../../lib/siprec/srs/index.js';

const root = mkdtempSync(join(tmpdir(), 'tsip-rtpdump-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

const rtp = (seq: number, payload: Buffer, pt = 96): Buffer =>
  buildRtp({ marker: seq === 0, payloadType: pt, sequenceNumber: seq, timestamp: seq * 3000, ssrc: 0xabcdef01, csrcs: [], payload });

t.test('header layout: magic line, RD_hdr_t, RD_packet_t in network order', async (t) => {
  const p = join(root, 'layout.rtpdump');
  const start = Date.UTC(2026, 10, 25, 9, 0, 0, 250);
  const w = RtpdumpWriter.create(p, { address: '10.1.2.3', port: 40002, startMs: start });
  const pkt = rtp(7, Buffer.from('hello'));
  w.write(pkt, start + 1234);
  await w.close();
  const buf = readFileSync(p);
  const line = '#!rtpplay1.0 10.1.2.3/40002\n';
  t.equal(buf.subarray(0, line.length).toString('latin1'), line);
  let o = line.length;
  t.equal(buf.readUInt32BE(o), Math.floor(start / 1000), 'start.tv_sec');
  t.equal(buf.readUInt32BE(o + 4), 250000, 'start.tv_usec');
  t.equal(buf.readUInt32BE(o + 8), (10 << 24 | 1 << 16 | 2 << 8 | 3) >>> 0, 'source = the IPv4 address');
  t.equal(buf.readUInt16BE(o + 12), 40002, 'port');
  t.equal(buf.readUInt16BE(o + 14), 0, 'padding');
  o += RTPDUMP_FILE_HEADER_BYTES;
  t.equal(buf.readUInt16BE(o), 8 + pkt.length, 'length includes the 8-byte record header');
  t.equal(buf.readUInt16BE(o + 2), pkt.length, 'plen = RTP length');
  t.equal(buf.readUInt32BE(o + 4), 1234, 'offset in ms since the start');
  t.same(buf.subarray(o + 8), pkt, 'the packet as received');
  t.equal(buf.length, o + 8 + pkt.length, 'nothing else');
});

t.test('packets and RTCP read back in order; never overwritten', async (t) => {
  const p = join(root, 'many.rtpdump');
  const w = RtpdumpWriter.create(p, { address: '127.0.0.1', port: 40000, startMs: 1_000_000 });
  const sent: Buffer[] = [];
  for (let i = 0; i < 200; i++) {
    const pkt = rtp(i, Buffer.alloc(i % 50 + 1, i));
    sent.push(pkt);
    w.write(pkt, 1_000_000 + i * 20);
  }
  const rtcp = Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 1]);
  w.write(rtcp, 1_000_000 + 4000, true);
  t.equal(w.packets, 200);
  t.equal(w.rtcpPackets, 1);
  // Readable while still open: every queued write reaches the file without a close.
  await w.drained();
  t.equal(readRtpdump(p).records.length, 201, 'readable before close');
  await w.close();
  w.write(rtp(999, Buffer.from('late')), 1_000_000);
  const d = readRtpdump(p);
  t.equal(d.address, '127.0.0.1');
  t.equal(d.port, 40000);
  t.equal(d.startMs, 1_000_000);
  t.equal(d.records.length, 201, 'a write after close is ignored');
  t.same(d.records.slice(0, 200).map((r) => r.data), sent);
  t.same(d.records.slice(0, 200).map((r) => r.offsetMs), sent.map((_, i) => i * 20));
  t.ok(d.records.slice(0, 200).every((r) => !r.rtcp));
  t.ok(d.records[200].rtcp && d.records[200].data.equals(rtcp), 'RTCP kept with plen 0');
  t.equal(parseRtp(d.records[10].data).sequenceNumber, 10);
  t.equal(d.trailingBytes, 0);
  const again = RtpdumpWriter.create(p, { address: '127.0.0.1', port: 1 });
  await t.rejects(again.ready(), /EEXIST/, 'an existing dump is never overwritten');
  await t.rejects(again.close(), /EEXIST/, 'its close reports it too');
  t.equal(readRtpdump(p).records.length, 201, 'and it is untouched');
});

t.test('a record cut by a crash is dropped by the reader and repaired away', async (t) => {
  const p = join(root, 'cut.rtpdump');
  const w = RtpdumpWriter.create(p, { address: '::1', port: 40010, startMs: 0 });
  for (let i = 0; i < 10; i++) w.write(rtp(i, Buffer.alloc(160, 0xd5), 0), i * 20);
  await w.close();
  const whole = statSync(p).size;
  // A half-written 11th record: its header and part of the packet.
  const half = Buffer.alloc(8 + 30);
  half.writeUInt16BE(8 + 172, 0);
  half.writeUInt16BE(172, 2);
  appendFileSync(p, half);
  const d = readRtpdump(p);
  t.equal(d.address, '::1', 'IPv6 address kept in the first line');
  t.equal(d.records.length, 10, 'the cut record is not read');
  t.equal(d.trailingBytes, 38);
  t.same(repairRtpdump(p), { packets: 10, rtcpPackets: 0, truncatedBytes: 38 });
  t.equal(statSync(p).size, whole, 'file cut back to the last whole record');
  t.same(repairRtpdump(p), { packets: 10, rtcpPackets: 0, truncatedBytes: 0 }, 'repair is idempotent');
  const junk = join(root, 'junk.rtpdump');
  writeFileSync(junk, 'not a dump');
  t.throws(() => parseRtpdump(readFileSync(junk)), RangeError);
  t.same(repairRtpdump(junk), { packets: 0, rtcpPackets: 0, truncatedBytes: 0 }, 'a file that is not a dump is left alone');
  t.equal(readFileSync(junk, 'utf8'), 'not a dump');
});

t.test('a killed writer leaves every packet it wrote readable', async (t) => {
  const p = join(root, 'killed.rtpdump');
  const child = spawn(process.execPath, ['--import=tsx', '-e', `
    import { RtpdumpWriter } from ${JSON.stringify(join(dirname(fileURLToPath(import.meta.url)), '../../../../lib/siprec/srs/storage/rtpdump.ts'))};
    const w = RtpdumpWriter.create(${JSON.stringify(p)}, { address: '127.0.0.1', port: 5004, startMs: Date.now() });
    let seq = 0;
    const pkt = () => { const b = Buffer.alloc(12 + 100, seq & 0xff); b[0] = 0x80; b[1] = 96; b.writeUInt16BE(seq & 0xffff, 2); seq++; return b; };
    for (let i = 0; i < 500; i++) w.write(pkt());
    process.stdout.write('READY\\n');
    setInterval(() => { for (let i = 0; i < 50; i++) w.write(pkt()); }, 1);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child not ready')), 20000);
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('READY')) { clearTimeout(timer); resolve(); } });
  });
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const d = readRtpdump(p);
  t.ok(d.records.length >= 500, `${d.records.length} packets readable after SIGKILL (no close)`);
  t.ok(d.records.every((r, i) => parseRtp(r.data).sequenceNumber === (i & 0xffff)), 'in order, none missing, none torn');
  const fixed = repairRtpdump(p);
  t.equal(fixed.packets, d.records.length, 'recovery keeps them all');
});
