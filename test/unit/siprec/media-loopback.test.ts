/**
 * End to end over loopback UDP: a synthetic two-party call is forked by an
 * "SRC" (one RtpStreamRewriter per stream) to two "SRS" RtpEndpoints, turned
 * back into PCM by RtpPcmReceivers and written to WAV; the files must have the
 * call's duration and carry each party's tone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import {
  buildRtcpSr, buildRtp, ntpFromUnixMs, parseRtcp, parseRtp, PortAllocator, readWavInfo, RtpEndpoint, RtpPcmReceiver,
  RtpStreamRewriter, syntheticCall, ulawToLinear, linearToUlaw, unixMsFromNtp, WavWriter, type RtcpPacket,
} from '../../../lib/siprec/media/index.js';
import { dominantFrequency, rms, within } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsip-loop-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function wavSamples(path: string): Int16Array {
  const b = readFileSync(path);
  const out = new Int16Array((b.length - 44) / 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(44 + i * 2);
  return out;
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  await within((async () => { while (!cond()) await new Promise((r) => setTimeout(r, 5)); })(), ms, 'waiting for packets');
}

t.test('synthetic call → RTP over loopback → WAV per party, non-realtime', async (t) => {
  const alloc = new PortAllocator({ min: 44000, max: 44099 });
  const srs = [await RtpEndpoint.bindFromAllocator(alloc), await RtpEndpoint.bindFromAllocator(alloc)];
  const src = await RtpEndpoint.bind({ address: '127.0.0.1' });
  t.teardown(async () => { await Promise.all([...srs, src].map((e) => e.close())); });
  const paths = [join(dir, 'party0.wav'), join(dir, 'party1.wav')];
  const writers = paths.map((p) => WavWriter.create(p));
  const receivers = writers.map((w) => new RtpPcmReceiver(w, { wallClock: false }));
  const ssrcSeen = [new Set<number>(), new Set<number>()];
  const rtcp: RtcpPacket[][] = [[], []];
  srs.forEach((ep, k) => {
    ep.onPacket((d) => { const p = parseRtp(d); ssrcSeen[k].add(p.ssrc); receivers[k].push(p); });
    ep.onRtcp((d) => rtcp[k].push(...parseRtcp(d)));
  });
  const rewriters = [new RtpStreamRewriter(), new RtpStreamRewriter()];
  const original: number[][] = [[], []];
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 3000, parties: [{ frequency: 440 }, { frequency: 1000 }] })) {
    const out = rewriters[p.party].rewrite(p.packet, p.timeMs);
    await src.send(buildRtp(out), srs[p.party].local);
    original[p.party].push(...p.pcm);
    if (++sent % 16 === 0) await tick(); // let the receivers drain their sockets
  }
  const callStart = Date.parse('2024-05-01T12:00:00Z');
  for (const k of [0, 1]) {
    const last = rewriters[k].last;
    await src.sendRtcp(buildRtcpSr({
      ssrc: rewriters[k].ssrc, ntp: ntpFromUnixMs(callStart + 3000), rtpTimestamp: (last.timestamp + 160) >>> 0,
      packetCount: rewriters[k].counters.packets, octetCount: rewriters[k].counters.octets,
    }), srs[k].localRtcp);
  }
  await waitFor(() => srs.every((e) => e.stats.packetsReceived === 150) && rtcp.every((r) => r.length === 1), 5000);
  receivers.forEach((r) => r.finish());
  writers.forEach((w) => w.close());

  for (const k of [0, 1]) {
    t.same([...ssrcSeen[k]], [rewriters[k].ssrc], `stream ${k} arrives under the SRC's own SSRC`);
    const info = readWavInfo(paths[k]);
    t.equal(info.complete, true);
    t.equal(info.sampleRate, 8000);
    t.equal(info.durationSeconds, 3, `party ${k} WAV lasts the call`);
    const sr = rtcp[k][0];
    if (sr.type !== 'sr') throw new Error('expected SR');
    t.equal(sr.packetCount, 150);
    t.equal(Math.round(unixMsFromNtp(sr.ntp)), callStart + 3000, 'SR wall clock readable at the SRS');
  }
  const wav = paths.map(wavSamples);
  const seg = (k: number, fromMs: number, toMs: number): Int16Array => wav[k].subarray(fromMs * 8, toMs * 8);
  t.equal(dominantFrequency(seg(0, 0, 900), [440, 1000]), 440, 'party 0 speaks 440 Hz');
  t.equal(dominantFrequency(seg(0, 2000, 2900), [440, 1000]), 440);
  t.equal(dominantFrequency(seg(1, 1000, 1900), [440, 1000]), 1000, 'party 1 speaks 1000 Hz');
  t.ok(rms(seg(0, 1000, 2000)) < 50, 'party 0 pause is silent');
  t.ok(rms(seg(1, 0, 1000)) < 50, 'party 1 pause is silent');
  // Sample-exact: what was written is the G.711 quantisation of what was spoken.
  let mismatches = 0;
  for (const k of [0, 1]) {
    for (let i = 0; i < original[k].length; i++) if (wav[k][i] !== ulawToLinear(linearToUlaw(original[k][i]))) mismatches++;
  }
  t.equal(mismatches, 0, 'every sample matches the µ-law round trip of the source');
});

t.test('realtime call with DTX: wall clock keeps both WAVs the call length', async (t) => {
  const a = await RtpEndpoint.bind();
  const b = await RtpEndpoint.bind();
  const src = await RtpEndpoint.bind();
  t.teardown(async () => { await Promise.all([a, b, src].map((e) => e.close())); });
  const paths = [join(dir, 'rt0.wav'), join(dir, 'rt1.wav')];
  const writers = paths.map((p) => WavWriter.create(p));
  const origin = Date.now();
  const receivers = writers.map((w) => new RtpPcmReceiver(w, { originMs: origin }));
  [a, b].forEach((ep, k) => ep.onPacket((d) => receivers[k].push(parseRtp(d), Date.now())));
  const ends = [a, b];
  let count = 0;
  for await (const p of syntheticCall({ durationMs: 1200, realtime: true, dtx: true, payloadType: 8 })) {
    await src.send(p.bytes, ends[p.party].local);
    count++;
  }
  await waitFor(() => a.stats.packetsReceived + b.stats.packetsReceived === count, 3000);
  const end = origin + 1200;
  receivers.forEach((r) => r.finish(Math.max(end, Date.now())));
  writers.forEach((w) => w.close());
  t.equal(count, 45 + 10, 'party 0 talks 0–900 ms, party 1 1000–1200 ms');
  const d = paths.map((p) => readWavInfo(p).durationSeconds);
  for (const k of [0, 1]) t.ok(d[k] >= 1.15 && d[k] <= 1.8, `party ${k} WAV ${d[k].toFixed(3)} s ≈ 1.2 s`);
  const wav1 = wavSamples(paths[1]);
  t.ok(rms(wav1.subarray(0, 6400)) < 50, 'party 1 has leading silence');
  const firstSound = wav1.findIndex((s) => Math.abs(s) > 500);
  t.ok(firstSound >= 7600 && firstSound <= 10400, `party 1 starts near 1.0 s (${(firstSound / 8000).toFixed(3)} s)`);
  t.equal(dominantFrequency(wav1.subarray(firstSound, firstSound + 1200), [440, 1000]), 1000);
});

t.test('the same path over IPv6 loopback (::1)', async (t) => {
  const alloc = new PortAllocator({ min: 45000, max: 45099 });
  const srs = await RtpEndpoint.bindFromAllocator(alloc, '::1');
  const src = await RtpEndpoint.bind({ address: '::1', remote: srs.local });
  t.teardown(async () => { await Promise.all([srs, src].map((e) => e.close())); });
  t.equal(srs.local.address, '::1');
  const path = join(dir, 'v6.wav');
  const writer = WavWriter.create(path);
  const receiver = new RtpPcmReceiver(writer, { wallClock: false });
  srs.onPacket((d) => receiver.push(parseRtp(d)));
  const rewriter = new RtpStreamRewriter();
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 600, payloadType: 8, parties: [{ frequency: 700, talk: [{ startMs: 0, endMs: 600 }] }, {}] })) {
    if (p.party !== 0) continue;
    await src.send(buildRtp(rewriter.rewrite(p.packet, p.timeMs)));
    if (++sent % 10 === 0) await tick();
  }
  await waitFor(() => srs.stats.packetsReceived === sent, 3000);
  receiver.finish();
  writer.close();
  t.equal(readWavInfo(path).durationSeconds, 0.6);
  t.equal(dominantFrequency(wavSamples(path), [350, 700, 1400]), 700);
  await srs.close();
  t.equal(alloc.inUse, 0, 'port pair released');
});
