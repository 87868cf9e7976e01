/**
 * Loopback with a misbehaving network and a misbehaving CS: a relay endpoint
 * between SRC and SRS drops and reorders packets; mid-call the CS changes
 * SSRC (re-INVITE) and restarts its sequence numbers. The SRS must still see
 * one continuous stream and write a WAV of the call's length with the tone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import t from 'tap';
import {
  buildRtp, parseRtp, readWavInfo, RtpEndpoint, RtpPcmReceiver, RtpReceptionStats, RtpStreamRewriter, syntheticCall, WavWriter,
} from '../../../lib/siprec/media/index.js';
import { dominantFrequency, rms, within } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tsip-impaired-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random numbers (so a failure can be replayed). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

t.test('loss + reordering relay + SSRC change mid-call', async (t) => {
  const srs = await RtpEndpoint.bind();
  const relay = await RtpEndpoint.bind({ remote: srs.local });
  const src = await RtpEndpoint.bind({ remote: relay.local });
  t.teardown(async () => { await Promise.all([srs, relay, src].map((e) => e.close())); });

  const rnd = lcg(7);
  let held: Buffer | undefined;
  let dropped = 0;
  let forwarded = 0;
  relay.onPacket((d) => {
    const r = rnd();
    if (r < 0.05) { dropped++; return; } // 5 % loss
    if (r < 0.15 && !held) { held = d; return; } // hold one back: it goes out after the next
    void relay.send(d);
    forwarded++;
    if (held) { void relay.send(held); forwarded++; held = undefined; }
  });

  const path = join(dir, 'impaired.wav');
  const writer = WavWriter.create(path);
  const receiver = new RtpPcmReceiver(writer, { wallClock: false, reorderPackets: 4 });
  const stats = new RtpReceptionStats();
  const ssrcs = new Set<number>();
  srs.onPacket((d) => {
    const p = parseRtp(d);
    ssrcs.add(p.ssrc);
    stats.update(p, Date.now());
    receiver.push(p);
  });

  const rewriter = new RtpStreamRewriter();
  let sent = 0;
  for await (const p of syntheticCall({ durationMs: 2000, parties: [{ frequency: 600, talk: [{ startMs: 0, endMs: 2000 }] }, {}] })) {
    if (p.party !== 0) continue;
    let pkt = p.packet;
    if (p.timeMs >= 1000) {
      // re-INVITE on the CS: new SSRC, sequence and timestamp restart
      pkt = { ...pkt, ssrc: 0x5eed, sequenceNumber: (p.timeMs - 1000) / 20, timestamp: ((p.timeMs - 1000) / 20) * 160 + 12345 };
    }
    await src.send(buildRtp(rewriter.rewrite(pkt, p.timeMs)));
    if (++sent % 8 === 0) await tick();
  }
  await within((async () => { while (srs.stats.packetsReceived + dropped + (held ? 1 : 0) < sent) await new Promise((r) => setTimeout(r, 5)); })(), 5000, 'relay');
  if (held) { await relay.send(held); forwarded++; held = undefined; }
  await within((async () => { while (srs.stats.packetsReceived < forwarded) await new Promise((r) => setTimeout(r, 5)); })(), 5000, 'srs');
  receiver.finish();
  writer.close();

  t.equal(sent, 100);
  t.ok(dropped > 0, `relay dropped ${dropped}`);
  t.same([...ssrcs], [rewriter.ssrc], 'one SSRC at the SRS despite the CS change');
  t.equal(rewriter.counters.sourceChanges, 1);
  t.equal(stats.cumulativeLost, dropped - (receiver.stats.duplicates), 'RTCP-style loss = what the relay dropped');
  const info = readWavInfo(path);
  // Missing tail packets cannot be known; everything else is filled in place.
  t.ok(info.durationSeconds > 1.9 && info.durationSeconds <= 2.0, `duration ${info.durationSeconds} s`);
  const file = readFileSync(path);
  const pcm = new Int16Array((file.length - 44) / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = file.readInt16LE(44 + i * 2);
  t.equal(dominantFrequency(pcm.subarray(0, 8000), [300, 600, 1200]), 600);
  t.equal(dominantFrequency(pcm.subarray(8000), [300, 600, 1200]), 600, 'still the tone after the SSRC change');
  t.ok(rms(pcm) > 3000, 'mostly audio, loss is sparse');
  t.equal(receiver.stats.late, 0, 'the reorder window absorbed the relay');
});
